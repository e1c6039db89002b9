"""nbgrader preprocessor that decides every graded test cell outside the student's process.

It runs in the autograde pipeline right after execution (before ``SaveAutoGrades``). For each graded test cell
that has hidden checks registered (:mod:`autograder.checks`), it:

1. takes the one records output the cell's hidden block displayed (:mod:`autograder.probe`);
2. judges every check against the reference solution from the instructor's source notebook, in this process;
3. rewrites the cell's outputs so that nbgrader's scoring reads the verdict and nothing else:
   the student's stdout is kept, stderr and errors become a plain-text note, then a verdict table follows, and
   an ``error`` output (score 0) or a numeric ``execute_result`` (partial credit) when points were lost.

Whatever the student's code did to numpy, to the test code or to the cell outputs in its kernel, the score is
computed here from values recomputed here. A missing, duplicated or foreign record earns nothing.
"""
import html
import os

import nbformat
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from .checks import registry
from .checks.core import JudgeContext
from .checks.runner import judge_all, score
from .notebook_cells import grade_id_of, is_autograded_test
from .probe import RECORDS_MIME
from .reference import load_reference, solution_sources

VERDICT_MIME = "application/vnd.course.verdict.v1+json"


class JudgeHiddenChecks(NbGraderPreprocessor):
    """Judge hidden-check records against the source notebook's solutions and set each test cell's outputs."""

    reference_directory = Unicode(
        "",
        help="Folder holding <assignment>/<notebook>.ipynb source notebooks whose solution cells are the reference. "
             "Empty means the course's source directory (CourseDirectory.source_directory under the course root).",
    ).tag(config=True)

    def preprocess(self, nb, resources):
        context = JudgeContext(load_reference(self._reference_path(resources)), solution_sources(nb))
        checks = registry()
        for cell in filter(is_autograded_test, nb.cells):
            if grade_id_of(cell) in checks:
                judge_cell(cell, context)
            else:
                self.log.warning("Test cell %s has no hidden checks; nbgrader's in-kernel result stands",
                                 grade_id_of(cell))
        return nb, resources

    def _reference_path(self, resources):
        assignment = resources["nbgrader"]["assignment"]
        notebook = resources["nbgrader"]["notebook"]
        if self.reference_directory:
            folder = os.path.join(self.reference_directory, assignment)
        else:
            coursedir = CourseDirectory(config=self.config)
            folder = coursedir.format_path(coursedir.source_directory, ".", assignment)
        return os.path.join(folder, notebook + ".ipynb")


def judge_cell(cell, context):
    """Judge one executed test cell in place; returns (score, points, results)."""
    meta = cell.metadata["nbgrader"]
    test_id, points = meta["grade_id"], float(meta["points"])
    records, problem = _records_of(cell, test_id)
    results = judge_all(test_id, records, context)
    earned = score(results, points)
    notes = _notes(cell, problem)
    cell.outputs = _kept_outputs(cell) + notes + [verdict_output(test_id, earned, points, results)]
    if earned == 0 and points > 0:
        cell.outputs.append(_error_output(test_id, results))
    elif earned < points:
        cell.outputs.append(nbformat.v4.new_output(
            "execute_result", data={"text/plain": repr(earned)}, execution_count=cell.get("execution_count")))
    return earned, points, results


def _records_of(cell, test_id):
    """The records of the cell's single hidden-checks output, or ([], reason) when there is not exactly one."""
    payloads = [output["data"][RECORDS_MIME] for output in cell.get("outputs", [])
                if output.get("output_type") == "display_data" and RECORDS_MIME in output.get("data", {})]
    if not payloads:
        return [], None
    if len(payloads) > 1:
        return [], "the hidden checks reported more than once in this cell, so none of the reports is trusted"
    payload = payloads[0]
    if not isinstance(payload, dict) or payload.get("test") != test_id:
        return [], "the hidden checks' report in this cell belongs to another test"
    return payload.get("records", []), None


def _kept_outputs(cell):
    return [output for output in cell.get("outputs", [])
            if output.get("output_type") == "stream" and output.get("name") == "stdout"]


def _notes(cell, problem):
    """Plain-text notes for what the cell raised or wrote to stderr (shown, never scored)."""
    lines = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            lines.append(f"The cell stopped with {output.get('ename')}: {output.get('evalue')}")
        elif output.get("output_type") == "stream" and output.get("name") == "stderr":
            lines.append("stderr: " + "".join(output.get("text", ""))[:500].rstrip())
    if problem:
        lines.append(problem)
    if not lines:
        return []
    return [nbformat.v4.new_output("stream", name="stdout", text="\n".join(lines) + "\n")]


def verdict_output(test_id, earned, points, results):
    """A display output with the verdict as JSON (for reports), HTML (for feedback) and plain text."""
    payload = {"test": test_id, "score": earned, "points": points, "checks": [r.as_dict() for r in results]}
    return nbformat.v4.new_output("display_data", data={
        VERDICT_MIME: payload,
        "text/html": _verdict_html(test_id, earned, points, results),
        "text/plain": _verdict_text(test_id, earned, points, results),
    })


def _verdict_text(test_id, earned, points, results):
    lines = [f"{test_id}: {earned:g} / {points:g} points"]
    for r in results:
        mark = "PASS" if r.passed else "FAIL"
        lines.append(f"  [{mark}] {r.description}")
        if not r.passed and r.message:
            lines.extend("         " + line for line in r.message.splitlines())
    return "\n".join(lines)


def _verdict_html(test_id, earned, points, results):
    rows = []
    for r in results:
        mark = "&#10004;" if r.passed else "&#10008;"
        colour = "#1a7f37" if r.passed else "#cf222e"
        message = "" if r.passed else html.escape(r.message).replace("\n", "<br>")
        rows.append(f'<tr><td style="color:{colour};font-weight:bold">{mark}</td>'
                    f"<td>{html.escape(r.description)}</td><td>{message}</td></tr>")
    return (f'<div class="course-verdict"><b>{html.escape(test_id)}: {earned:g} / {points:g} points</b>'
            f'<table>{"".join(rows)}</table></div>')


def _error_output(test_id, results):
    failures = [r for r in results if not r.passed]
    summary = f"{len(failures)} of {len(results)} hidden checks failed"
    lines = [f"HiddenChecksFailed: {summary}"] + [f"- {r.description}: {r.message}" for r in failures]
    return nbformat.v4.new_output("error", ename="HiddenChecksFailed", evalue=summary, traceback=lines)
