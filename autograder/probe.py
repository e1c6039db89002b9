"""Kernel side of the hidden checks: what a hidden test block calls inside the student's notebook.

A graded test cell's hidden block is two lines::

    ### BEGIN HIDDEN TESTS
    from autograder.probe import run_hidden_checks
    run_hidden_checks("test_svm_loss_naive", globals())
    ### END HIDDEN TESTS

It observes the student's code (see :mod:`autograder.checks`) and displays the observations as one output of type
``RECORDS_MIME``. Nothing is decided here: the grader judges those records in its own process after the kernel has
finished (:mod:`autograder.judge`). Outside autograding the call is harmless and says so.
"""
from .checks.runner import observe_all

RECORDS_MIME = "application/vnd.course.hidden-checks.v1+json"


def run_hidden_checks(test_id, namespace):
    """Observe the student's namespace for every hidden check of ``test_id`` and display the records."""
    from IPython.display import display

    records = observe_all(test_id, namespace)
    failed_to_run = sum("error" in record for record in records)
    summary = f"Hidden checks for {test_id}: {len(records)} observed"
    summary += f" ({failed_to_run} raised an error)" if failed_to_run else ""
    summary += "; the autograder judges them after the notebook has run."
    payload = {"version": 1, "test": test_id, "records": records}
    display({RECORDS_MIME: payload, "text/plain": summary}, raw=True)
