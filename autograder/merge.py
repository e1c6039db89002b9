"""Bring one graded submission from its scratch course into the real course (runs in the ``course`` process).

The notebooks come from the worker's memory (:class:`autograder.grading.Result`), never from a file a kernel could
have written, and they reach the real course in three steps, each safe to repeat:

1. ``autograded/<student>/<assignment>/`` is rebuilt beside the old one and swapped in;
2. the scores go into the real gradebook through nbgrader's own ``SaveAutoGrades`` and ``AssignLatePenalties``
   (so a grader's manual score is kept, as nbgrader keeps it, and late penalties follow the course's config);
3. a stamp records what was graded (:mod:`autograder.stamps`); a later run skips the submission while the stamp
   matches.

An interruption between steps leaves no stamp, so the next run grades the submission again; nothing is half-written.
"""
import os
import shutil
import stat
import uuid
from pathlib import Path

import nbformat

from .notebook_cells import grade_id_of, nbgrader_meta
from .submissions import IGNORED


class MergeError(Exception):
    """The graded submission does not fit the real gradebook; the message says what to run."""


def merge(course, submission, result):
    """Write ``result``'s notebooks and scores into ``course``; returns ``{notebook: (score, max_score)}``."""
    notebooks = {name: nbformat.reads(text, as_version=4) for name, text in result.notebooks.items()}
    write_autograded(course, submission, notebooks)
    record_scores(course, submission, notebooks)
    return {name: notebook_score(nb) for name, nb in notebooks.items()}


def write_autograded(course, submission, notebooks):
    """Replace autograded/<student>/<assignment>/ with the submission's other files and the graded notebooks."""
    destination = course.path("autograded", submission.student, submission.assignment)
    destination.parent.mkdir(parents=True, exist_ok=True)
    incoming = destination.parent / f".{submission.assignment}.incoming-{uuid.uuid4().hex[:8]}"
    incoming.mkdir()
    try:
        _copy_other_files(submission.folder, incoming)
        _copy_other_files(course.path("source", ".", submission.assignment), incoming)  # as nbgrader does
        for name, nb in notebooks.items():
            nbformat.write(nb, str(incoming / f"{name}.ipynb"))
        if destination.exists():
            remove_tree(destination)
        os.replace(incoming, destination)
    finally:
        if incoming.exists():
            remove_tree(incoming)


def _copy_other_files(folder, target):
    folder = Path(folder)
    if not folder.is_dir():
        return
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if path.is_file() and path.suffix != ".ipynb" and not set(relative.parts) & IGNORED:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / relative)


def remove_tree(path):
    """rmtree that also removes read-only files (nbgrader marks autograded files 444)."""
    def make_writable(function, failed, _):
        os.chmod(failed, stat.S_IWUSR | stat.S_IRUSR | stat.S_IXUSR)
        function(failed)

    shutil.rmtree(path, onerror=make_writable)


def record_scores(course, submission, notebooks):
    """Create or update the submission in the real gradebook and save each notebook's scores with nbgrader."""
    from nbgrader.api import Gradebook, MissingEntry  # noqa: PLC0415
    from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades  # noqa: PLC0415

    coursedir = course.coursedir
    timestamp = coursedir.get_existing_timestamp(str(submission.folder))
    with Gradebook(course.db_url, course.course_id) as gradebook:
        try:
            assignment = gradebook.find_assignment(submission.assignment)
        except MissingEntry:
            raise MergeError(f"the gradebook has no assignment {submission.assignment!r}: run "
                             f"`course release {submission.assignment}` first") from None
        expected = {notebook.name: _known_cells(notebook) for notebook in assignment.notebooks}
        for name, nb in notebooks.items():
            _check_cells_known(name, nb, expected, submission.assignment)
        gradebook.update_or_create_student(submission.student)
        extra = {"timestamp": timestamp} if timestamp else {}
        gradebook.update_or_create_submission(submission.assignment, submission.student, **extra)
        for name in sorted(set(expected) - set(notebooks)):
            _zero_missing_notebook(gradebook, name, submission)
    for name, nb in notebooks.items():
        resources = {"nbgrader": {"student": submission.student, "assignment": submission.assignment,
                                  "notebook": name, "db_url": course.db_url}}
        for step in (SaveAutoGrades, AssignLatePenalties):
            step(config=course.config).preprocess(nb, resources)


def _known_cells(notebook):
    return ({cell.name for cell in notebook.grade_cells} | {cell.name for cell in notebook.solution_cells}
            | {cell.name for cell in notebook.task_cells})


def _check_cells_known(name, nb, expected, assignment):
    if name not in expected:
        raise MergeError(f"the gradebook's {assignment} has no notebook {name!r}: run `course release {assignment}` "
                         "after adding a notebook to the source")
    cells = {grade_id_of(cell) for cell in nb.cells
             if grade_id_of(cell) and any(nbgrader_meta(cell).get(flag) for flag in ("grade", "solution", "task"))}
    unknown = sorted(cells - expected[name])
    if unknown:
        raise MergeError(f"the gradebook's copy of {assignment}/{name} has no cells {unknown}: the source changed "
                         f"since it was released; run `course release {assignment}` to update the gradebook")


def _zero_missing_notebook(gradebook, name, submission):
    """A notebook of the assignment that was not submitted scores 0 (what nbgrader's autograde does)."""
    notebook = gradebook.find_submission_notebook(name, submission.assignment, submission.student)
    for grade in notebook.grades:
        grade.auto_score = 0
        grade.needs_manual_grade = False
    gradebook.db.commit()


def notebook_score(nb):
    """(score, max_score) over the autograded test cells of a graded notebook, as nbgrader would compute them."""
    from nbgrader import utils  # noqa: PLC0415

    earned = possible = 0.0
    for cell in nb.cells:
        if utils.is_grade(cell) and cell.cell_type == "code" and not utils.is_solution(cell):
            score, points = utils.determine_grade(cell)
            earned += score or 0.0
            possible += points
    return earned, possible
