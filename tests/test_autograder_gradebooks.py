"""The two shortcuts the autograder takes with nbgrader's gradebooks: both must leave nbgrader's results unchanged."""
import os
import subprocess
import sys

from nbgrader.api import Gradebook
from sqlalchemy import create_engine, text

from autograder.gradebook_schema import nbgrader_schema_head, use_in_process_schema_version
from autograder.scratch_gradebooks import relax_durability_under


def test_is_the_in_process_schema_version_the_one_the_alembic_command_reports():
    alembic = os.path.join(os.path.dirname(sys.executable), "alembic")
    from nbgrader.api import _temp_alembic_ini

    with _temp_alembic_ini("sqlite:////tmp/unused.db") as ini:
        heads = subprocess.run([alembic, "-c", ini, "heads"], capture_output=True, text=True, check=True).stdout
    assert nbgrader_schema_head() == heads.split()[0]


def test_does_a_new_gradebook_record_that_version(tmp_path):
    use_in_process_schema_version()
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", "course") as gradebook:
        gradebook.add_student("alice")
    engine = create_engine(f"sqlite:///{tmp_path / 'gradebook.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == nbgrader_schema_head()
    engine.dispose()


def sqlite_settings(path):
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        settings = (connection.execute(text("PRAGMA synchronous")).scalar(),
                    connection.execute(text("PRAGMA journal_mode")).scalar())
    engine.dispose()
    return settings


def test_do_only_gradebooks_in_scratch_space_skip_waiting_for_the_disk(tmp_path):
    scratch, course = tmp_path / "scratch", tmp_path / "course"
    for folder in (scratch / "jobs", course):
        folder.mkdir(parents=True)
    relax_durability_under(scratch)
    assert sqlite_settings(scratch / "jobs" / "gradebook.db") == (0, "memory")
    assert sqlite_settings(course / "gradebook.db") == (2, "delete")   # SQLite's defaults: FULL, rollback journal
    # a folder whose name merely starts like the scratch folder's is not inside it
    (tmp_path / "scratch-other").mkdir()
    assert sqlite_settings(tmp_path / "scratch-other" / "gradebook.db") == (2, "delete")
