"""Hidden checks of notebook 04 (backprop), run in-process: the feedback and the checked programs.

What every notebook's checks must do (the reference passes, stubs fail, catalogued bugs lose points where they say,
alternatives pass) is asked in test_catalog_checks.py.
"""
import math

import numpy as np
import pytest

from autograder.catalog import load_catalog
from autograder.checks import nb04_backprop as checks
from autograder.reference import namespace_from_sources
from hidden_checks_harness import failed, judge_variant, messages, reference_for

ASSIGNMENT = "04_backprop"
CATALOG = [entry for entry in load_catalog() if entry.assignment == ASSIGNMENT]


def source_of(entry_id):
    return next(entry.source for entry in CATALOG if entry.id == entry_id)


def feedback(test_id, answer, source):
    return "\n".join(messages(judge_variant(ASSIGNMENT, test_id, {answer: source})).values())


def test_is_the_recursive_topological_sort_caught_only_by_the_deep_graph():
    source = source_of("bp_value_recursive_topo")
    for test_id in ("test_Value_forward", "test_Value_local_gradients", "test_Value_backward"):
        assert not failed(judge_variant(ASSIGNMENT, test_id, {"Value": source})), test_id
    text = feedback("test_Value_deep_graph", "Value", source)
    assert "RecursionError" in text and "stack" in text


def test_does_the_feedback_name_the_op_and_the_numbers():
    text = feedback("test_Value_local_gradients", "Value", source_of("bp_value_power_rule_off_by_one"))
    assert "the gradient of a ** 3 at a = 2 is wrong: d/da expected 12, got 24" in text
    assert "n * a ** (n - 1)" in text


def test_does_the_feedback_recognise_tanh_without_the_square_and_relu_on_the_wrong_side():
    assert "without the square" in feedback("test_Value_local_gradients", "Value", source_of("bp_value_tanh_no_square"))
    relu = feedback("test_Value_local_gradients", "Value", source_of("bp_value_relu_wrong_side"))
    assert "wrong way round" in relu


def test_does_an_unseeded_backward_get_one_clear_sentence():
    text = feedback("test_Value_local_gradients", "Value", source_of("bp_value_not_seeded"))
    assert "self.grad = 1" in text


def test_does_assigning_instead_of_accumulating_say_plus_equals():
    text = feedback("test_Value_backward", "Value", source_of("bp_value_mul_assigns"))
    assert "+=" in text and "a * a" in text


def test_do_missing_reflected_methods_point_to_rsub():
    text = feedback("test_Value_forward", "Value", source_of("bp_value_no_rsub_rtruediv"))
    assert "2 - a" in text and "TypeError" in text and "__rsub__" in text


def test_does_a_plain_number_that_was_not_wrapped_get_the_wrapping_advice():
    text = feedback("test_Value_forward", "Value", source_of("bp_value_add_no_wrap"))
    assert "a + 2 at a = 1.5 raised AttributeError" in text and "isinstance(other, Value)" in text


def test_does_a_breadth_first_backward_hear_about_topological_order():
    text = feedback("test_Value_backward", "Value", source_of("bp_value_breadth_first"))
    assert "reverse topological order" in text
    text = feedback("test_Value_backward", "Value", source_of("bp_value_shared_topo_default"))
    assert "mutable default" in text


def test_does_the_sigmoid_unit_feedback_recognise_the_missing_half_and_a_lost_sign():
    assert "dt7 = 1/2" in feedback("test_sigmoid_unit_grads", "sigmoid_unit_grads", source_of("bp_unit_missing_half"))
    assert "wrong sign" in feedback("test_sigmoid_unit_grads", "sigmoid_unit_grads",
                                    source_of("bp_unit_reciprocal_sign"))


def test_does_the_mlp_feedback_say_the_output_layer_must_be_linear():
    assert "must stay linear" in feedback("test_MLP", "MLP", source_of("bp_mlp_tanh_output"))
    assert "identical" in feedback("test_MLP", "Neuron", source_of("bp_neuron_reseeded"))


def test_is_a_value_that_borrows_the_course_topological_order_rejected():
    source = source_of("bp_value_recursive_topo").replace(
        '    def backward(self):', '    def backward(self):\n        from course_utils.graph_drawing import graph_layout')
    results = judge_variant(ASSIGNMENT, "test_Value_backward", {"Value": source})
    assert failed(results) == {"self_contained"}


def reference_forward(expression, numbers):
    value_class = reference_for(ASSIGNMENT)["Value"]
    return expression.build(*[value_class(float(n)) for n in numbers]).data


@pytest.mark.parametrize("expression", checks.RANDOM_EXPRESSIONS + checks.ORDER_GRAPHS + checks.SHARED_VALUES,
                         ids=lambda e: e.text[:40])
def test_do_the_reference_gradients_match_centered_differences(expression):
    """The reference is the judge's yardstick: check it against numerical gradients on the checked programs."""
    value_class = reference_for(ASSIGNMENT)["Value"]
    record = checks._run(expression, value_class, backward=True)
    numbers = np.array([n for _, n in expression.inputs])
    assert math.isfinite(record["data"]) and abs(record["data"]) < 1e4
    h = 1e-6
    for k, (name, _) in enumerate(expression.inputs):
        up, down = numbers.copy(), numbers.copy()
        up[k] += h
        down[k] -= h
        numerical = (reference_forward(expression, up) - reference_forward(expression, down)) / (2 * h)
        assert record["grads"][name] == pytest.approx(numerical, rel=1e-6, abs=1e-7), name


def test_do_the_order_graphs_defeat_both_wrong_visits_whatever_the_set_order():
    """The breadth-first visit fails on the first order graph and the depth-first-on-arrival visit on the second, for
    either order of each node's two operands (here _prev is made a list sorted by id, one way and then the other)."""
    reference = reference_for(ASSIGNMENT)["Value"]
    pairs = [("bp_value_breadth_first", checks.ORDER_GRAPHS[0]),
             ("bp_value_depth_first_on_arrival", checks.ORDER_GRAPHS[1])]
    for entry_id, expression in pairs:
        for reverse in (False, True):
            source = source_of(entry_id).replace("self._prev = set(_children)",
                                                 f"self._prev = sorted(set(_children), key=id, reverse={reverse})")
            ordered = namespace_from_sources({"Value": source}, origin=entry_id)["Value"]
            got = checks._run(expression, ordered, True)["grads"]
            expected = checks._run(expression, reference, True)["grads"]
            assert got["a"] != pytest.approx(expected["a"]), (entry_id, reverse, expression.text)
