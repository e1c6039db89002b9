"""The nbgrader configuration the course grades with: one function that every course root's config calls.

``configure(c)`` inserts :class:`autograder.judge.JudgeHiddenChecks` into the autograde pipeline right after
execution, so every graded test cell is decided outside the student's kernel, and sets the course's defaults.
"""
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, Execute, IgnorePattern, LimitOutput,
                                    SaveAutoGrades)

from .judge import JudgeHiddenChecks

COURSE_ID = "dl-fundamentals"
CELL_TIMEOUT_SECONDS = 120


def autograde_preprocessors():
    """nbgrader's default autograde steps with the judge placed between output limiting and score saving."""
    return [Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, JudgeHiddenChecks,
            SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]


def configure(c, course_id=COURSE_ID, source_directory="notebooks"):
    """Apply the course's grading configuration to an nbgrader config object ``c``."""
    c.CourseDirectory.course_id = course_id
    c.CourseDirectory.source_directory = source_directory
    c.Autograde.autograde_preprocessors = autograde_preprocessors()
    c.Execute.timeout = CELL_TIMEOUT_SECONDS
    # A deleted or renamed test cell is put back from the gradebook, so it still runs (and scores) when grading.
    c.OverwriteCells.add_missing_cells = True
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
    return c
