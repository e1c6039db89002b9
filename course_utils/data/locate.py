"""Finding the folder that holds the course's datasets.

The datasets folder is chosen in this order:

1. the ``root`` argument of a loader, when given;
2. the folder named by the environment variable ``COURSE_DATASETS``, when it is set and not empty;
3. the ``datasets/`` folder next to the ``course_utils`` package. This is where it sits both in the course
   repository and in the student bundle, which ships ``course_utils/`` and ``datasets/`` side by side.

The choice is returned together with how it was made, so that a "not found" message can say where it looked and why.
"""
import os
from dataclasses import dataclass
from pathlib import Path

DATASETS_ENV_VAR = "COURSE_DATASETS"

# course_utils/data/locate.py -> parents[2] is the folder holding course_utils/ (repository or bundle root).
BUNDLED_DATASETS_DIR = Path(__file__).resolve().parents[2] / "datasets"


@dataclass(frozen=True)
class DatasetsLocation:
    """A datasets folder and the reason it was chosen.

    - path: absolute path of the folder (it may not exist)
    - source: how it was chosen, in words, for error messages
    """

    path: Path
    source: str

    def describe(self):
        """One line for error messages, e.g. '/x/datasets (the COURSE_DATASETS environment variable)'."""
        return f"{self.path} ({self.source})"


def locate_datasets(root=None):
    """Decide which folder holds the datasets.

    Inputs:
    - root: a folder (str or path-like) that overrides everything else, or None

    Returns a DatasetsLocation; the folder is not required to exist.
    """
    if root is not None:
        if not isinstance(root, (str, os.PathLike)):
            raise TypeError(
                f"root must be a folder path (str or pathlib.Path) or None, got {type(root).__name__}: {root!r}"
            )
        return DatasetsLocation(_absolute(root), "the root argument")
    from_env = os.environ.get(DATASETS_ENV_VAR, "").strip()
    if from_env:
        return DatasetsLocation(_absolute(from_env), f"the {DATASETS_ENV_VAR} environment variable")
    return DatasetsLocation(
        BUNDLED_DATASETS_DIR,
        f"the datasets/ folder next to the course_utils package; set {DATASETS_ENV_VAR} to use another folder",
    )


def _absolute(path):
    return Path(path).expanduser().resolve()
