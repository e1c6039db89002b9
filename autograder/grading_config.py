"""The nbgrader configuration the course grades with: one function that every course root's config calls.

``configure(c)`` changes three of nbgrader's pipelines, each by one small step:

- sanitize (before execution): :class:`autograder.sanitize.RestoreCellMetadata` takes every cell's nbgrader flags
  and points from the gradebook, not from the submission;
- autograde: :class:`autograder.execute.GuardedExecute` runs the notebook in a sandboxed kernel
  (:mod:`autograder.sandbox`) and survives a kernel that dies; :class:`autograder.output_limits.TruncateOutput`
  keeps outputs small; :class:`autograder.judge.JudgeHiddenChecks` then decides every graded test cell outside
  the student's kernel;
- feedback: :class:`autograder.feedback.HideInstructorCode` keeps hidden tests and solutions out of the HTML.

It also sets the course's defaults (time limit per cell, stubs, re-adding deleted test cells). A plain
``nbgrader autograde`` in the course folder therefore grades exactly like ``course autograde``, one submission at
a time.
"""
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds, GetGrades,
                                    IgnorePattern, LimitOutput, OverwriteCells, OverwriteKernelspec, SaveAutoGrades)

from .execute import GuardedExecute
from .gradebook_schema import use_in_process_schema_version
from .feedback import HideInstructorCode
from .judge import JudgeHiddenChecks
from .output_limits import TruncateOutput
from .sanitize import RestoreCellMetadata

COURSE_ID = "dl-fundamentals"
CELL_TIMEOUT_SECONDS = 120


def autograde_preprocessors():
    """nbgrader's default autograde steps, with the guarded executor, an output size limit and the judge."""
    return [GuardedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, TruncateOutput, JudgeHiddenChecks,
            SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]


def sanitize_preprocessors():
    """nbgrader's sanitizing steps, with the gradebook's cell metadata restored before anything else reads it."""
    return [ClearOutput, DeduplicateIds, RestoreCellMetadata, OverwriteKernelspec, OverwriteCells, CheckCellMetadata]


def feedback_preprocessors():
    """nbgrader's feedback steps, with instructor-only code removed before rendering."""
    return [GetGrades, HideInstructorCode, CSSHTMLHeaderPreprocessor]


def configure(c, course_id=COURSE_ID, source_directory="notebooks"):
    """Apply the course's grading configuration to an nbgrader config object ``c``."""
    c.CourseDirectory.course_id = course_id
    c.CourseDirectory.source_directory = source_directory
    c.Autograde.sanitize_preprocessors = sanitize_preprocessors()
    c.Autograde.autograde_preprocessors = autograde_preprocessors()
    c.GenerateFeedback.preprocessors = feedback_preprocessors()
    c.Execute.timeout = CELL_TIMEOUT_SECONDS
    # A deleted or renamed test cell is put back from the gradebook, so it still runs (and scores) when grading.
    c.OverwriteCells.add_missing_cells = True
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
    # a new gradebook learns nbgrader's schema version in milliseconds instead of a 2.5 s `alembic` subprocess
    use_in_process_schema_version()
    return c
