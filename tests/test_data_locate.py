"""Where do the loaders look for the datasets folder, and do they say so?"""
from pathlib import Path

import pytest

import course_utils
from course_utils.data import DATASETS_ENV_VAR, locate_datasets

REPO_DATASETS = Path(course_utils.__file__).resolve().parent.parent / "datasets"


def test_default_is_the_datasets_folder_next_to_course_utils(monkeypatch):
    """Without root or environment variable, is it the datasets/ folder beside the package, said in words?"""
    monkeypatch.delenv(DATASETS_ENV_VAR, raising=False)
    location = locate_datasets()
    assert location.path == REPO_DATASETS
    assert "next to the course_utils package" in location.source
    assert DATASETS_ENV_VAR in location.source  # tells how to choose another folder


def test_environment_variable_overrides_the_default(monkeypatch, tmp_path):
    monkeypatch.setenv(DATASETS_ENV_VAR, str(tmp_path / "data"))
    location = locate_datasets()
    assert location.path == tmp_path / "data"
    assert location.source == f"the {DATASETS_ENV_VAR} environment variable"
    assert location.describe() == f"{tmp_path / 'data'} (the {DATASETS_ENV_VAR} environment variable)"


def test_empty_environment_variable_is_ignored(monkeypatch):
    monkeypatch.setenv(DATASETS_ENV_VAR, "  ")
    assert locate_datasets().path == REPO_DATASETS


def test_root_argument_overrides_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(DATASETS_ENV_VAR, str(tmp_path / "from_env"))
    location = locate_datasets(tmp_path / "mine")
    assert location.path == tmp_path / "mine"
    assert location.source == "the root argument"


def test_root_is_made_absolute_and_expands_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert locate_datasets("~/d").path == tmp_path / "d"
    assert locate_datasets("relative").path == tmp_path / "relative"


def test_root_of_the_wrong_type_is_refused_by_name():
    with pytest.raises(TypeError, match=r"root must be a folder path .* got int: 3"):
        locate_datasets(3)
