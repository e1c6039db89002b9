"""Collected submissions in nbgrader's layout, ``submitted/<student>/<assignment>/<notebook>.ipynb``, checked first.

:func:`find_submissions` returns one :class:`Submission` per student folder, with the notebook files to grade and
the problems found before any grading:

- a notebook saved under another name ("02_svm_softmax_loss (1).ipynb", "…-Copy1.ipynb") is graded as the expected
  notebook when it is the only candidate, and the rename is reported;
- a missing notebook, or an unreadable one (not JSON, not a notebook), is reported and not graded, so the rest of
  the class is graded as usual.
"""
import difflib
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

IGNORED = {".ipynb_checkpoints", "__pycache__", ".DS_Store"}


@dataclass
class Submission:
    student: str
    assignment: str
    folder: Path
    notebooks: dict = field(default_factory=dict)   # expected notebook name -> submitted file (Path)
    notes: list = field(default_factory=list)       # renames and other remarks (grading goes ahead)
    problems: list = field(default_factory=list)    # what prevents grading a notebook

    @property
    def gradable(self):
        return bool(self.notebooks)

    @property
    def key(self):
        return f"{self.student}/{self.assignment}"

    def fingerprint(self):
        """A hash of every submitted file (name and content): a resubmission changes it."""
        digest = hashlib.sha256()
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file() and not _ignored(p, self.folder)):
            digest.update(str(path.relative_to(self.folder)).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        for expected, path in sorted(self.notebooks.items()):
            digest.update(f"{expected}={path.name}".encode())
        return digest.hexdigest()


def _ignored(path, folder):
    return any(part in IGNORED for part in path.relative_to(folder).parts)


def find_submissions(course, assignments, students=None):
    """Submissions of ``assignments`` (by the given students, or all) in ``course``, each checked."""
    found = []
    submitted = course.path("submitted")
    if not submitted.is_dir():
        return found
    wanted = set(students or [])
    for student_folder in sorted(p for p in submitted.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if wanted and student_folder.name not in wanted:
            continue
        for assignment in assignments:
            folder = course.path("submitted", student_folder.name, assignment)
            if folder.is_dir():
                found.append(inspect(student_folder.name, assignment, folder, course.notebooks(assignment)))
    return found


def inspect(student, assignment, folder, expected):
    """Match the files in ``folder`` to the ``expected`` notebook names and check that each one can be read."""
    submission = Submission(student, assignment, Path(folder))
    present = {p.stem: p for p in sorted(Path(folder).glob("*.ipynb"))}
    unclaimed = [name for name in present if name not in expected]
    for name in expected:
        path = present.get(name)
        if path is None:
            path = _renamed(name, unclaimed, expected)
            if path is None:
                submission.problems.append(_missing_message(name, present))
                continue
            unclaimed.remove(path)
            path = present[path]
            submission.notes.append(f"graded {path.name!r} as {name}.ipynb (the notebook was saved under another "
                                    "name)")
        problem = unreadable(path)
        if problem:
            submission.problems.append(f"{path.name} cannot be graded: {problem}")
        else:
            submission.notebooks[name] = path
    return submission


def _renamed(name, unclaimed, expected):
    """The one submitted file that is clearly ``name`` under another name, or None when there is no single one."""
    candidates = [other for other in unclaimed if other.startswith(name)]
    if not candidates and len(expected) == 1 and len(unclaimed) == 1:
        close = difflib.SequenceMatcher(None, unclaimed[0].lower(), name.lower()).ratio()
        candidates = unclaimed if close >= 0.5 or unclaimed[0][:2] == name[:2] else []
    return candidates[0] if len(candidates) == 1 else None


def _missing_message(name, present):
    if not present:
        return f"no notebook submitted: expected {name}.ipynb and the folder holds no .ipynb file"
    listed = ", ".join(sorted(p.name for p in present.values()))
    return f"{name}.ipynb is missing (the folder holds {listed}; rename the right one to {name}.ipynb)"


def unreadable(path):
    """None when ``path`` is a readable notebook, else a short reason."""
    try:
        if os.path.getsize(path) == 0:
            return "the file is empty"
        nb = nbformat.read(str(path), as_version=4)
    except UnicodeDecodeError:
        return "the file is not text (is it a notebook at all?)"
    except Exception as error:  # json and nbformat raise many types; every one means "not a notebook"
        return f"not a valid notebook ({type(error).__name__}: {str(error).splitlines()[0][:200]})"
    if not isinstance(nb.get("cells"), list):
        return "not a valid notebook (it has no list of cells)"
    return None
