"""Per-student HTML feedback: every test's result and message, never a hidden test or the instructor's solution.

nbgrader's feedback renders the autograded notebook, whose test cells hold the full instructor source (hidden tests
included: ``OverwriteCells`` put them back) and whose re-added cells may carry model answers. The course's feedback
pipeline (``GenerateFeedback.preprocessors``, set by :func:`autograder.grading_config.configure`) adds
:class:`HideInstructorCode`, which removes from every cell:

- the hidden-test region and any solution region of the source;
- the hidden checks' raw observations (their output type is only for the judge);
- tracebacks in test cells (they quote the cell's code); the error's name and message stay.

What stays is the student's own code and output, the visible checks' messages and the judge's verdict table of each
test cell (which checks passed, and for each failure what to look at). :func:`generate` runs nbgrader's
``GenerateFeedback`` converter on the autograded submissions and checks each page it wrote (a page that shows
instructor-only content is deleted, never left for students).
"""
import re
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from .notebook_cells import is_autograded_test
from .probe import RECORDS_MIME

REGIONS = [("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"), ("BEGIN SOLUTION", "END SOLUTION")]
LEAK_MARKERS = ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION", RECORDS_MIME)


class HideInstructorCode(Preprocessor):
    """Strip hidden tests, solution regions, raw check records and test-cell tracebacks before rendering."""

    enabled = Bool(True, help="Always on: feedback must never show instructor-only code.").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        cell.source = strip_regions(cell.source)
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.get("outputs", [])
                            if RECORDS_MIME not in output.get("data", {})]
            if is_autograded_test(cell):
                for output in cell.outputs:
                    if output.get("output_type") == "error":
                        output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources


def strip_regions(source):
    """``source`` without the lines from each BEGIN marker to its END marker (commented markers count too)."""
    for begin, end in REGIONS:
        source = re.sub(rf"^[^\n]*{begin}[^\n]*\n.*?^[^\n]*{end}[^\n]*(\n|$)", "", source, flags=re.S | re.M)
        # an unterminated region is cut to the end of the cell rather than shown
        source = re.sub(rf"^[^\n]*{begin}.*", "", source, flags=re.S | re.M)
    return source


def generate(course, assignments, students=None):
    """Write feedback/<student>/<assignment>/<notebook>.html for every autograded submission.

    Returns (pages written, problems); a page that shows instructor-only content is deleted and reported.
    """
    from nbgrader.converters import GenerateFeedback  # noqa: PLC0415

    pages, problems = [], []
    for assignment in assignments:
        for student in _graded_students(course, assignment, students):
            coursedir = course.coursedir
            coursedir.assignment_id, coursedir.student_id = assignment, student
            converter = GenerateFeedback(coursedir=coursedir, config=course.config)
            converter.force = True
            converter.start()
            for page in sorted(course.path("feedback", student, assignment).glob("*.html")):
                leaked = leaked_markers(page)
                if leaked:
                    page.unlink()
                    problems.append(f"{page} showed instructor-only content ({', '.join(leaked)}) and was deleted; "
                                    "check that nbgrader_config.py calls configure(c)")
                else:
                    pages.append(page)
    return pages, problems


def _graded_students(course, assignment, students):
    autograded = course.path("autograded")
    if not autograded.is_dir():
        return []
    found = sorted(p.parent.name for p in autograded.glob(f"*/{assignment}") if p.is_dir())
    return [s for s in found if not students or s in students]


def leaked_markers(page):
    """The instructor-only markers a feedback page shows (none when the course's pipeline wrote it)."""
    text = Path(page).read_text(encoding="utf-8")
    return [marker for marker in LEAK_MARKERS if marker in text]
