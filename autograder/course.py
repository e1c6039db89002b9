"""A course folder as the instructor commands see it: nbgrader's configuration, folders and assignments.

    course = Course.open(".")                 # the folder holding nbgrader_config.py
    course.assignments()                      # ['01_linear_classifier', ...] (folders of the source directory)
    course.notebooks("02_svm_softmax_loss")   # ['02_svm_softmax_loss'] (notebook names, without .ipynb)
    course.path("submitted", "alice", "02_svm_softmax_loss")

Everything is read from the course's own ``nbgrader_config.py`` (which calls
:func:`autograder.grading_config.configure`), so a command and a plain ``nbgrader`` call in that folder agree on the
source directory, the gradebook URL and the grading pipeline. ``db_url`` overrides the gradebook's location (for
example ``postgresql://user@host/course``).
"""
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config, PyFileConfigLoader

from .gradebook_schema import use_in_process_schema_version

CONFIG_FILE = "nbgrader_config.py"


class CourseError(Exception):
    """A problem with the course folder or its configuration; the message says how to fix it."""


@dataclass
class Course:
    root: Path
    config: Config

    @classmethod
    def open(cls, root=".", db_url=None):
        root = Path(root).resolve()
        config_file = root / CONFIG_FILE
        if not config_file.exists():
            raise CourseError(f"{root} has no {CONFIG_FILE}: run the command from the course folder or pass "
                              "--course DIR (the folder with nbgrader_config.py)")
        config = load_config(config_file)
        config.CourseDirectory.root = str(root)
        if db_url:
            config.CourseDirectory.db_url = db_url
        # whatever the course's config does, new gradebooks get nbgrader's schema version without a subprocess
        use_in_process_schema_version()
        return cls(root, config)

    @property
    def coursedir(self):
        from nbgrader.coursedir import CourseDirectory  # noqa: PLC0415 (nbgrader is slow to import)

        return CourseDirectory(config=self.config)

    @property
    def db_url(self):
        return self.coursedir.db_url

    @property
    def course_id(self):
        return self.coursedir.course_id

    def path(self, step, student=".", assignment="."):
        """Folder of ``step`` ('source', 'release', 'submitted', 'autograded', 'feedback') for a student/assignment."""
        coursedir = self.coursedir
        directory = getattr(coursedir, f"{step}_directory")
        return Path(os.path.normpath(coursedir.format_path(directory, student, assignment)))

    @property
    def source_root(self):
        return self.path("source")

    def assignments(self):
        """Assignment names: the folders of the source directory that hold at least one notebook."""
        if not self.source_root.is_dir():
            raise CourseError(f"the source directory {self.source_root} does not exist; check "
                              "CourseDirectory.source_directory in nbgrader_config.py")
        return sorted(p.name for p in self.source_root.iterdir()
                      if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.ipynb")))

    def notebooks(self, assignment):
        """Names (without .ipynb) of the source notebooks of ``assignment``."""
        folder = self.source_root / assignment
        if not folder.is_dir():
            raise CourseError(f"no assignment {assignment!r} in {self.source_root}; the assignments are "
                              f"{', '.join(self.assignments()) or 'none'}")
        return sorted(p.stem for p in folder.glob("*.ipynb"))

    def source_notebook(self, assignment, notebook):
        return self.source_root / assignment / f"{notebook}.ipynb"

    def select(self, assignments):
        """The assignments named (all when empty), with a clear error for an unknown name."""
        known = self.assignments()
        unknown = [a for a in assignments or [] if a not in known]
        if unknown:
            raise CourseError(f"unknown assignment(s) {', '.join(unknown)}; the course has {', '.join(known)}")
        return list(assignments) if assignments else known

    def copy_to(self, folder, assignments):
        """A new course in ``folder`` with this course's configuration, these assignments and its own SQLite gradebook
        (whatever gradebook this course uses: the copy never writes to it)."""
        folder = Path(folder).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        for assignment in assignments:
            target = folder / "source" / assignment
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(self.source_root / assignment, target,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        (folder / CONFIG_FILE).write_text(
            f'"""A working copy of the course in {self.root} (made by the course command)."""\n'
            "c = get_config()  # noqa: F821\n"
            f"load_subconfig({str(self.root / CONFIG_FILE)!r})  # noqa: F821 (the original course's settings)\n"
            'c.CourseDirectory.source_directory = "source"\n'
            f"c.CourseDirectory.db_url = {'sqlite:///' + str(folder / 'gradebook.db')!r}\n")
        return Course.open(folder)

    def state_dir(self, *parts):
        """Folder for the commands' own bookkeeping (which submissions are graded), inside the course folder."""
        return self.root.joinpath(".course", *parts)


def load_config(config_file):
    """The traitlets Config defined by a course's nbgrader_config.py."""
    config_file = Path(config_file)
    loader = PyFileConfigLoader(config_file.name, path=str(config_file.parent))
    try:
        return loader.load_config()
    except Exception as error:
        raise CourseError(f"{config_file} could not be loaded: {type(error).__name__}: {error}") from error

