"""The hidden-check protocol: encoding, the kinds of check, observe/judge, and how the judge rewrites a test cell."""
import json
import math

import nbformat
import numpy as np
import pytest

from autograder.checks import core, encoding, registry
from autograder.checks.core import Answer, Compare, JudgeContext, NoLoops, Unchanged
from autograder.checks.runner import CheckResult, judge_all, observe_all, score
from autograder.judge import VERDICT_MIME, judge_cell
from autograder.probe import RECORDS_MIME
from autograder.reference import namespace_from_sources


def roundtrip(value):
    return encoding.decode(json.loads(json.dumps(encoding.encode(value))))


# --- encoding ---------------------------------------------------------------------------------------------------

def test_does_encoding_round_trip_numbers_arrays_and_containers():
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    value = {"loss": 1.5, "dW": array, "pair": (np.int64(3), [True, None, "x"]), "big": 2**60}
    back = roundtrip(value)
    assert back["loss"] == 1.5
    assert back["dW"].dtype == np.float32 and np.array_equal(back["dW"], array)
    assert back["pair"][0] == 3 and back["pair"][1] == [True, None, "x"]
    assert isinstance(back["pair"], tuple)
    assert float(back["big"]) == float(2**60)


def test_does_encoding_carry_nan_and_inf_through_json():
    back = roundtrip([float("nan"), float("inf"), np.array([-np.inf, 1.0])])
    assert math.isnan(float(back[0])) and float(back[1]) == math.inf
    assert back[2][0] == -np.inf


def test_are_unencodable_values_described_not_pickled():
    back = roundtrip(object())
    assert isinstance(back, encoding.Unencodable) and back.type_name == "object"
    back = roundtrip(np.array(["a", "b"]))
    assert isinstance(back, encoding.Unencodable)


def test_is_a_huge_array_replaced_by_its_description():
    back = roundtrip(np.zeros(encoding.MAX_ARRAY_BYTES // 8 + 1))
    assert isinstance(back, encoding.Unencodable) and "too large" in back.text


def test_does_decode_refuse_object_dtypes_and_unknown_records():
    with pytest.raises(ValueError, match="not allowed"):
        encoding.decode({"__ndarray__": "", "dtype": "|O", "shape": [0]})
    with pytest.raises(ValueError, match="unknown record keys"):
        encoding.decode({"evil": 1})


# --- kinds of check ---------------------------------------------------------------------------------------------

def make_inputs():
    rng = np.random.default_rng(0)
    return rng.standard_normal((3, 2)), 2.0


def context(reference_source="def scale(x, f):\n    return x * f\n", sources=None):
    return JudgeContext(namespace_from_sources({"scale": reference_source}), sources or {})


def test_does_compare_pass_a_match_and_explain_a_mismatch():
    check = Compare("values", "scale multiplies", "scale", make_inputs)
    x, f = make_inputs()
    assert check.judge(x * f, context()).passed
    verdict = check.judge(x * f + np.eye(3, 2), context())
    assert not verdict.passed
    assert "largest difference is at index" in verdict.message and "off in 33%" in verdict.message


def test_does_compare_say_when_a_scalar_was_expected():
    check = Compare("values", "sum", "total", lambda: (np.ones(3),))
    ctx = JudgeContext(namespace_from_sources({"total": "def total(x):\n    return x.sum()\n"}))
    verdict = check.judge(np.array([3.0]), ctx)
    assert "should return a single number" in verdict.message


def test_does_compare_use_the_diagnosis_when_it_recognises_the_mistake():
    def diagnose(got, expected, args, ctx):
        return "you returned x unscaled" if np.allclose(got, args[0]) else None

    check = Compare("values", "scale", "scale", make_inputs, diagnose=diagnose)
    verdict = check.judge(make_inputs()[0], context())
    assert "you returned x unscaled" in verdict.message


def test_does_compare_check_each_named_element_of_a_tuple():
    check = Compare("pair", "loss and grad", "both", make_inputs, names=("loss", "dW"))
    ctx = JudgeContext(namespace_from_sources({"both": "def both(x, f):\n    return float(f), x * f\n"}))
    x, f = make_inputs()
    assert check.judge((2.0, x * f), ctx).passed
    verdict = check.judge((2.0, -x * f), ctx)
    assert verdict.message.startswith("dW from both(...)")
    assert "tuple of 2 values" in check.judge(2.0, ctx).message


def test_does_unchanged_name_the_argument_that_was_modified():
    check = Unchanged("no_mutation", "no mutation", "scale", make_inputs, ["x", "factor"])
    x, f = make_inputs()
    assert check.judge((x, f), context()).passed
    verdict = check.judge((x * 0, f), context())
    assert not verdict.passed and "modified its input x" in verdict.message


@pytest.mark.parametrize("body, phrase", [
    ("    for i in range(3):\n        pass\n    return x", "`for` loop"),
    ("    while False:\n        pass\n    return x", "`while` loop"),
    ("    return np.array([v for v in x])", "comprehension"),
    ("    return sum(v for v in x)", "generator expression"),
    ("    return np.vectorize(abs)(x)", "calls vectorize"),
    ("    return naive(x)", "calls naive"),
])
def test_does_noloops_reject_every_kind_of_python_loop(body, phrase):
    check = NoLoops("no_loops", "no loops", "fast", forbidden_calls=["naive"])
    verdict = check.judge(None, JudgeContext({}, {"fast": f"def fast(x):\n{body}\n"}))
    assert not verdict.passed and phrase in verdict.message


def test_does_noloops_accept_array_code_and_report_unparsable_cells():
    check = NoLoops("no_loops", "no loops", "fast")
    assert check.judge(None, JudgeContext({}, {"fast": "def fast(x):\n    return np.maximum(0, x).sum()\n"})).passed
    assert "does not parse" in check.judge(None, JudgeContext({}, {"fast": "def fast(x:\n"})).message
    assert "not found" in check.judge(None, JudgeContext({}, {})).message


def test_does_answer_compare_numbers_strings_and_infinity():
    ctx = JudgeContext({"a": 2.0, "b": "B", "c": math.inf, "d": (1, 2)})
    assert Answer("q", "q", ["a", "b", "c", "d"]).judge({"a": 2.0001, "b": " b ", "c": np.inf, "d": [1, 2]}, ctx).passed
    verdict = Answer("q", "q", ["a", "b"]).judge({"a": 3.0, "b": "B"}, ctx)
    assert not verdict.passed and "for a" in verdict.message and "b" not in verdict.message.split("for")[1][:3]
    assert not Answer("q", "q", ["c"]).judge({"c": 1e308}, ctx).passed


def test_are_check_names_validated():
    with pytest.raises(ValueError, match="short identifier"):
        Compare("two words", "d", "f", make_inputs)


# --- observe and judge ------------------------------------------------------------------------------------------

def test_does_observe_all_record_student_errors_including_sys_exit(mini_checks):
    namespace = namespace_from_sources({"scale": "import sys\ndef scale(x, f):\n    sys.exit(3)\n"})
    records = observe_all("test_scale", namespace)
    assert [r["check"] for r in records] == ["values", "no_mutation", "no_loops"]
    assert records[0]["error"]["type"] == "SystemExit"


def test_does_a_slow_check_time_out_without_stopping_the_others(mini_checks, monkeypatch):
    for check in mini_checks["test_scale"]:
        monkeypatch.setattr(check, "time_limit", 0.2)
    namespace = namespace_from_sources({"scale": "def scale(x, f):\n    while True:\n        pass\n"})
    records = observe_all("test_scale", namespace)
    assert records[0]["error"]["type"] == "CheckTimeout"
    assert records[1]["error"]["type"] == "CheckTimeout"
    assert "value" in records[2]


def judge_source(source, test_id="test_scale"):
    sources = {"scale": source}
    records = json.loads(json.dumps(observe_all(test_id, namespace_from_sources(sources))))
    return judge_all(test_id, records, context(sources=sources))


def test_does_the_reference_pass_and_a_stub_score_zero(mini_checks):
    assert all(r.passed for r in judge_source("def scale(x, factor):\n    return x * factor\n"))
    stub = judge_source("def scale(x, factor):\n    raise NotImplementedError()\n")
    assert not any(r.passed for r in stub)
    assert "NotImplementedError" in stub[0].message
    assert stub[2].message.startswith("counts once this passes too")
    assert score(stub, 3) == 0


def test_does_a_mutating_answer_lose_only_the_mutation_check(mini_checks):
    results = judge_source("def scale(x, factor):\n    x *= factor\n    return x\n")
    assert [r.passed for r in results] == [True, False, True]
    assert score(results, 3) == 2.0


def test_are_missing_duplicated_and_malformed_records_failed(mini_checks):
    good = observe_all("test_scale", namespace_from_sources({"scale": "def scale(x, f):\n    return x * f\n"}))
    records = json.loads(json.dumps(good))
    results = judge_all("test_scale", [records[1], records[1], {"check": "no_loops", "value": {"bad": 1}}],
                        context(sources={"scale": "def scale(x, f):\n    return x * f\n"}))
    messages = [r.message for r in results]
    assert "did not run" in messages[0]
    assert "more than once" in messages[1]
    assert "could not be read" in messages[2]


def test_does_score_weight_checks_and_round():
    results = [CheckResult("a", "a", 2.0, True, ""), CheckResult("b", "b", 1.0, False, "")]
    assert score(results, 5) == 3.33
    assert score([], 5) == 0.0


def test_does_the_registry_reject_bad_definitions(monkeypatch):
    from autograder import checks

    assert checks._validate("test_x", [Compare("a", "a", "f", make_inputs)]) is None
    with pytest.raises(ValueError, match="start with 'test_'"):
        checks._validate("x", [Compare("a", "a", "f", make_inputs)])
    with pytest.raises(ValueError, match="unique"):
        checks._validate("test_x", [Compare("a", "a", "f", make_inputs)] * 2)
    with pytest.raises(ValueError, match="requires unknown checks"):
        checks._validate("test_x", [NoLoops("a", "a", "f", requires=["zzz"])])
    with pytest.raises(KeyError, match="no hidden checks are registered"):
        checks.checks_for("test_does_not_exist")


# --- the judge rewriting a test cell ----------------------------------------------------------------------------

def executed_cell(outputs, points=3):
    cell = nbformat.v4.new_code_cell("...", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": "test_scale", "points": points,
        "schema_version": 3, "task": False}})
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


def records_output(records, test="test_scale"):
    return {"output_type": "display_data", "metadata": {},
            "data": {RECORDS_MIME: {"version": 1, "test": test, "records": records}, "text/plain": "..."}}


def student_records(source):
    return json.loads(json.dumps(observe_all("test_scale", namespace_from_sources({"scale": source}))))


STDERR = {"output_type": "stream", "name": "stderr", "text": "RuntimeWarning: overflow\n"}
STDOUT = {"output_type": "stream", "name": "stdout", "text": "debug print\n"}
GOOD = "def scale(x, factor):\n    return x * factor\n"


def grade(cell, source=GOOD):
    from nbgrader.utils import determine_grade

    judge_cell(cell, context(sources={"scale": source}))
    return determine_grade(cell)[0]


def test_is_a_correct_cell_full_marks_even_with_warnings_on_stderr(mini_checks):
    cell = executed_cell([STDOUT, STDERR, records_output(student_records(GOOD))])
    assert grade(cell) == 3
    kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
    assert ("stream", "stderr") not in kinds
    assert cell.outputs[0].text == "debug print\n"
    assert "stderr: RuntimeWarning" in cell.outputs[1].text
    assert cell.outputs[-1].data[VERDICT_MIME]["score"] == 3


def test_is_partial_credit_recorded_as_a_number_nbgrader_reads(mini_checks):
    source = "def scale(x, factor):\n    x *= factor\n    return x\n"
    cell = executed_cell([records_output(student_records(source))])
    assert grade(cell, source) == 2.0


def test_does_a_visible_error_not_cost_points_when_the_hidden_checks_pass(mini_checks):
    error = {"output_type": "error", "ename": "CheckFailed", "evalue": "visible", "traceback": []}
    cell = executed_cell([records_output(student_records(GOOD)), error])
    assert grade(cell) == 3
    assert "The cell stopped with CheckFailed: visible" in cell.outputs[0].text


@pytest.mark.parametrize("outputs, phrase", [
    ([], "did not run"),
    ([records_output([]), records_output([])], "more than once"),
    ([records_output([], test="test_other")], "belongs to another test"),
])
def test_do_missing_duplicated_or_foreign_records_score_zero(mini_checks, outputs, phrase):
    if outputs == []:
        outputs = [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                    "data": {"text/plain": "3"}}]
    cell = executed_cell(outputs)
    assert grade(cell) == 0
    assert cell.outputs[-1].output_type == "error"
    assert phrase in json.dumps(cell.outputs)
