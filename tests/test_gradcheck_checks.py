"""Tests for course_utils.gradcheck's checks: verdicts on right and wrong gradients, kinks, results, input handling.

The losses here (softmax, multiclass hinge) are small test-only versions; course_utils itself holds none.
"""
import numpy as np
import pytest

from course_utils.gradcheck import (PrecisionWarning, Verdict, check_gradient, check_gradient_array,
                                    grad_check_sparse)
from course_utils.gradcheck.result import SHOWN_ROWS


def cubic(x):
    return np.sum(x ** 3 - 2 * x)


def cubic_grad(x):
    return 3 * x ** 2 - 2


def softmax_loss(W, X, y):
    """Mean cross-entropy of softmax(X W) and its gradient: (loss, dW of shape (D, C))."""
    scores = X @ W
    scores = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(scores)
    probs /= probs.sum(axis=1, keepdims=True)
    n = len(y)
    loss = -np.mean(np.log(probs[np.arange(n), y]))
    probs[np.arange(n), y] -= 1
    return loss, X.T @ probs / n


def hinge_loss(W, X, y, forget_correct_class=False):
    """Mean multiclass hinge loss (margin 1) and its gradient; the flag drops the correct class's term (a bug)."""
    n = len(y)
    scores = X @ W
    margins = np.maximum(0, scores - scores[np.arange(n), y][:, None] + 1)
    margins[np.arange(n), y] = 0
    active = (margins > 0).astype(float)
    if not forget_correct_class:
        active[np.arange(n), y] = -active.sum(axis=1)
    return margins.sum() / n, X.T @ active / n


@pytest.fixture(scope="module")
def softmax_problem():
    rng = np.random.default_rng(10)
    X, y = rng.standard_normal((60, 8)), rng.integers(0, 4, 60)
    W = 0.1 * rng.standard_normal((8, 4))
    return W, X, y


# ---------------------------------------------------------------- right and wrong gradients of smooth functions


def test_correct_gradient_is_good():
    """Is a correct gradient good, with every entry checked, no kink, and the documented cost?"""
    x = np.random.default_rng(0).uniform(-2, 2, size=(3, 4))
    result = check_gradient(cubic, x, cubic_grad(x))
    assert result.verdict == "good" and result.verdict is Verdict.GOOD
    assert result.passed
    assert len(result.rows) == 12 and result.indices[5] == (1, 1)
    assert not result.kinks.any()
    assert result.max_rel_error < 1e-7
    assert result.evaluations == 2 * 12 + 1
    assert result.shape == (3, 4) and result.h == 1e-5 and not result.sampled


def test_softmax_gradient_is_good(softmax_problem):
    W, X, y = softmax_problem
    result = check_gradient(lambda V: softmax_loss(V, X, y)[0], W, softmax_loss(W, X, y)[1])
    assert result.verdict == "good"


def test_gradient_off_by_a_factor_is_wrong(softmax_problem):
    """Is a gradient twice too large wrong, with a message that gives the worst entry's numbers?"""
    W, X, y = softmax_problem
    analytic = 2 * softmax_loss(W, X, y)[1]
    result = check_gradient(lambda V: softmax_loss(V, X, y)[0], W, analytic)
    assert result.verdict == "wrong" and not result.passed
    row = result.worst_row
    assert row.index == result.worst_index and row.analytic == analytic[row.index]
    assert result.message.startswith("wrong: max relative error 3.33e-01")
    assert "Larger plain errors" not in result.message
    assert f"worst at x[{row.index[0]}, {row.index[1]}]" in result.message


@pytest.mark.parametrize("relative_change, verdict", [(1e-5, "suspicious"), (1e-3, "probably wrong"),
                                                      (3e-2, "wrong")])
def test_error_size_sets_the_verdict(relative_change, verdict):
    """Do errors of 1e-5, 1e-3 and 3e-2 (relative) on a smooth function give the three failing verdicts?"""
    x = np.array([0.7, -1.3, 2.1])
    analytic = cubic_grad(x)
    analytic[1] *= 1 + 2 * relative_change  # rel_error of (1 + 2r) vs 1 is about r
    result = check_gradient(cubic, x, analytic)
    assert result.verdict == verdict and not result.passed
    assert result.worst_index == (1,)
    assert [row.verdict for row in result.rows] == ["good", verdict, "good"]
    assert not result.kinks.any()


def test_odd_order_truncation_is_not_a_kink():
    """At x = 0 of x^3 the derivative is 0 but the centered difference is h^2: is that good, and no kink?"""
    result = check_gradient(lambda v: np.sum(v ** 3), np.zeros(3), np.zeros(3))
    assert result.max_rel_error > 1e-3  # the plain relative error of 1e-10 against 0
    assert result.verdict == "good" and not result.kinks.any()
    assert result.evaluations == 2 * 3 + 1 + 2 * 3  # the extrapolation needed the finer step


def test_rounding_noise_is_forgiven_for_tiny_derivatives():
    """When f is large and a derivative tiny, is a difference at rounding level good, and a real one still wrong?"""
    f = lambda v: 1e3 + 1e-9 * np.sum(v) + np.sum(v ** 2)
    x = np.array([0.0, 1.0])
    assert check_gradient(f, x, np.array([1e-9, 2.0])).verdict == "good"
    assert check_gradient(f, x, np.array([1e-9, 2.0 + 1e-2])).verdict == "probably wrong"


# ---------------------------------------------------------------- kinks


def relu_sum(v):
    return np.sum(np.maximum(v, 0) + 0.25 * v ** 2)


def relu_sum_grad(v, at_zero=0.0):
    return np.where(v > 0, 1.0, np.where(v == 0, at_zero, 0.0)) + 0.5 * v


@pytest.mark.parametrize("at_zero", [0.0, 1.0, 0.3])
def test_relu_at_zero_is_acceptable(at_zero):
    """At ReLU's kink any subgradient (0, 1 or between) is acceptable, and only that entry is flagged."""
    x = np.array([0.0, 0.8, -0.6])
    result = check_gradient(relu_sum, x, relu_sum_grad(x, at_zero))
    assert result.verdict == "acceptable (kink)" and result.passed
    assert result.kinks.tolist() == [True, False, False]
    assert result.rows[0].rel_error > 1e-2  # the centered difference gives 0.5 at the kink
    assert "kink" in result.message


def test_kinks_anywhere_within_h_never_make_a_correct_gradient_wrong():
    """With a kink at any distance below h on either side, is the correct gradient always passed?"""
    h = 1e-5
    offsets = np.concatenate([np.linspace(-1.2, 1.2, 49), [1e-9, -1e-9, 0.0909, -0.0909, 0.5, -0.999]]) * h
    verdicts = [check_gradient(relu_sum, np.array([t]), relu_sum_grad(np.array([t])), h=h).verdict
                for t in offsets]
    assert all(verdict.passed for verdict in verdicts), [(t, v) for t, v in zip(offsets, verdicts) if not v.passed]


@pytest.mark.parametrize("offset", [0.0, 0.03, -0.03, 0.5, -0.5])
def test_wrong_gradient_near_a_kink_is_still_wrong(offset):
    """Next to (or at) a kink, is a value outside every valid one-sided slope still called wrong?"""
    x = np.array([offset * 1e-5])
    analytic = 2 * relu_sum_grad(x) + 1.5  # 1.5 or 3.5: outside [0, 1] at the kink, off the side beside it
    result = check_gradient(relu_sum, x, analytic)
    assert result.verdict == "wrong"
    assert result.kinks.all()


def test_beside_a_kink_only_the_clean_side_counts():
    """A kink 3% of h to the left: the derivative is the right slope (1.5), not any value between the slopes."""
    x = np.array([0.03e-5])
    assert check_gradient(relu_sum, x, np.array([1.0])).passed
    assert not check_gradient(relu_sum, x, np.array([0.6])).passed


def test_absolute_value_at_zero():
    """|x| at 0: sign(0) = 0 matches exactly, 0.5 is a subgradient, 3 is wrong."""
    x = np.array([0.0, 2.0])
    assert check_gradient(lambda v: np.sum(np.abs(v)), x, np.array([0.0, 1.0])).verdict == "good"
    assert check_gradient(lambda v: np.sum(np.abs(v)), x, np.array([0.5, 1.0])).verdict == "acceptable (kink)"
    assert check_gradient(lambda v: np.sum(np.abs(v)), x, np.array([3.0, 1.0])).verdict == "wrong"


def hinge_problem():
    """Integer data and weights, so that many margins are exactly 0: kinks right at W."""
    rng = np.random.default_rng(11)
    X = rng.integers(-1, 2, size=(30, 5)).astype(float)
    y = rng.integers(0, 3, 30)
    W = rng.integers(-1, 2, size=(5, 3)).astype(float)
    return W, X, y


def test_hinge_loss_with_margins_at_zero():
    """Is the hinge loss's gradient accepted although many margins sit exactly at the hinge?"""
    W, X, y = hinge_problem()
    assert np.any(X @ W - (X @ W)[np.arange(30), y][:, None] + 1 == 0)
    result = check_gradient(lambda V: hinge_loss(V, X, y)[0], W, hinge_loss(W, X, y)[1])
    assert result.passed and result.kinks.any()


def test_hinge_loss_missing_the_correct_class_term_is_wrong():
    W, X, y = hinge_problem()
    wrong = hinge_loss(W, X, y, forget_correct_class=True)[1]
    assert check_gradient(lambda V: hinge_loss(V, X, y)[0], W, wrong).verdict == "wrong"


def test_smooth_functions_show_no_kinks():
    """Are smooth functions never flagged, even when a wrong gradient makes every entry get the kink probes?"""
    x = np.linspace(-3, 3, 13)
    for f, grad in [(lambda v: np.sum(np.sin(v)), np.cos),
                    (lambda v: np.sum(np.tanh(v)), lambda v: 1 / np.cosh(v) ** 2),
                    (lambda v: np.sum(v ** 3), lambda v: 3 * v ** 2)]:
        result = check_gradient(f, x, grad(x) * 1.001 + 1e-3)
        assert result.evaluations == 2 * 13 + 1 + 2 * 13
        assert not result.kinks.any()


# ---------------------------------------------------------------- layers


def test_affine_layer_backward():
    rng = np.random.default_rng(12)
    x, w, b, df = rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal(2), \
        rng.standard_normal((3, 2))
    result = check_gradient_array(lambda v: v @ w + b, x, df, df @ w.T)
    assert result.verdict == "good" and result.evaluations == 2 * 12 + 1
    assert check_gradient_array(lambda v: v @ w + b, x, df, df @ w.T * 1.1).verdict == "wrong"


def test_relu_layer_backward():
    """ReLU with entries exactly at 0 passes; a backward pass that forgets the mask is wrong."""
    x = np.array([[-1.0, 0.0, 2.0], [0.5, -0.25, 0.0]])
    df = np.array([[1.0, -2.0, 3.0], [0.5, 1.5, -1.0]])
    result = check_gradient_array(lambda v: np.maximum(v, 0), x, df, df * (x > 0))
    assert result.verdict == "acceptable (kink)"
    assert result.kinks.tolist() == [False, True, False, False, False, True]
    assert check_gradient_array(lambda v: np.maximum(v, 0), x, df, df).verdict == "wrong"


def test_max_with_ties():
    """Max pooling over pairs with ties: routing the gradient to the first of the tied inputs is acceptable."""
    x = np.array([[1.0, 1.0, 0.5, 2.0]])
    df = np.array([[3.0, -1.0]])
    routed = np.array([[3.0, 0.0, 0.0, -1.0]])
    result = check_gradient_array(lambda v: v.reshape(1, 2, 2).max(axis=2), x, df, routed)
    assert result.passed and result.kinks.tolist() == [True, True, False, False]
    # per entry, any value between the one-sided slopes 0 and 3 is valid; 6 is not
    doubled = np.array([[6.0, 0.0, 0.0, -1.0]])
    assert check_gradient_array(lambda v: v.reshape(1, 2, 2).max(axis=2), x, df, doubled).verdict == "wrong"


def test_df_shape_checked_in_layer_check():
    with pytest.raises(ValueError, match=r"df has shape \(3,\)"):
        check_gradient_array(np.tanh, np.ones(2), np.ones(3), np.ones(2))


# ---------------------------------------------------------------- sparse checks


def test_sparse_check_samples_distinct_entries(softmax_problem):
    """Are num_checks distinct entries checked, in index order, reproducibly for a seed, at the documented cost?"""
    W, X, y = softmax_problem
    f = lambda V: softmax_loss(V, X, y)[0]
    grad = softmax_loss(W, X, y)[1]
    result = grad_check_sparse(f, W, grad, 7, seed=3)
    assert len(set(result.indices)) == 7 and result.indices == sorted(result.indices)
    assert result.sampled and result.passed
    assert result.evaluations == 2 * 7 + 1
    assert grad_check_sparse(f, W, grad, 7, seed=3).indices == result.indices
    assert grad_check_sparse(f, W, grad, 7, seed=4).indices != result.indices


def test_sparse_check_positional_call_like_cs231n(softmax_problem):
    """Does CS231n's call grad_check_sparse(f, W, grad, 10) work, and print nothing by default?"""
    W, X, y = softmax_problem
    result = grad_check_sparse(lambda V: softmax_loss(V, X, y)[0], W, softmax_loss(W, X, y)[1], 10)
    assert len(result.rows) == 10


def test_sparse_check_of_more_entries_than_x_has():
    result = grad_check_sparse(cubic, np.array([0.5, 1.5]), cubic_grad(np.array([0.5, 1.5])), num_checks=10)
    assert result.indices == [(0,), (1,)]


def test_sparse_check_finds_a_wrong_gradient(softmax_problem):
    W, X, y = softmax_problem
    result = grad_check_sparse(lambda V: softmax_loss(V, X, y)[0], W, -softmax_loss(W, X, y)[1], seed=0)
    assert result.verdict == "wrong"


@pytest.mark.parametrize("num_checks", [0, -3, 2.5, True, "10"])
def test_sparse_check_bad_num_checks(num_checks):
    with pytest.raises(ValueError, match="num_checks must be a positive integer"):
        grad_check_sparse(cubic, np.ones(3), np.ones(3), num_checks)


# ---------------------------------------------------------------- display


def test_text_table():
    """Does str() give the message, a header and one line per entry with index, numbers and verdict?"""
    x = np.array([0.5, -1.0])
    analytic = cubic_grad(x)
    analytic[1] += 1.0
    text = str(check_gradient(cubic, x, analytic))
    lines = text.splitlines()
    assert lines[0].startswith("Gradient check: wrong: max relative error")
    assert lines[1].split() == ["index", "numerical", "analytic", "rel.", "error", "kink", "verdict"]
    assert lines[2].split()[0] == "[0]" and lines[2].split()[-1] == "good"
    assert lines[3].split()[:3] == ["[1]", "1.000000e+00", "2.000000e+00"] and lines[3].endswith("wrong")
    assert "h = 1e-05, 7 evaluations of f" in text
    assert repr(check_gradient(cubic, x, analytic)) == text


def test_long_tables_show_the_worst_rows():
    """With more entries than SHOWN_ROWS, are the worst ones shown (in index order) and the rest counted?"""
    x = np.linspace(0.1, 2, 40)
    analytic = cubic_grad(x)
    analytic[[3, 30]] += 1.0
    result = check_gradient(cubic, x, analytic)
    text = str(result)
    assert len(result.shown_rows()) == SHOWN_ROWS
    assert result.shown_rows()[0].index <= (3,) and (30,) in [row.index for row in result.shown_rows()]
    assert f"... {40 - SHOWN_ROWS} more entries, none worse than those shown" in text


def test_html_table_highlights_the_verdict():
    x = np.array([0.5, -1.0])
    good_html = check_gradient(cubic, x, cubic_grad(x))._repr_html_()
    wrong_html = check_gradient(cubic, x, cubic_grad(x) + 1)._repr_html_()
    assert good_html.count("<tr>") == 3 and "<table>" in good_html
    assert "background:#d4edda" in good_html and "#f8d7da" not in good_html
    assert "background:#f8d7da" in wrong_html and "<b>Gradient check</b>: wrong" in wrong_html


def test_verbose_prints_the_result_once(capsys):
    x = np.array([0.5])
    result = check_gradient(cubic, x, cubic_grad(x), verbose=True)
    assert capsys.readouterr().out == str(result) + "\n"
    grad_check_sparse(cubic, x, cubic_grad(x))
    assert capsys.readouterr().out == ""


# ---------------------------------------------------------------- inputs


def test_x_unchanged_after_a_check_with_kink_probes():
    x = np.array([0.0, -0.0, 0.3])
    before = x.tobytes()
    check_gradient(relu_sum, x, relu_sum_grad(x) + 1)
    assert x.tobytes() == before


def test_x_restored_when_f_raises_during_the_kink_probes():
    """If f raises on the finer probes (after the plain differences), is x restored and the error passed on?"""
    x = np.array([0.0, 1.0])
    before = x.tobytes()

    def f(_):
        if 0 < abs(x[0]) < 5e-6:  # only the finer probes move x[0] by less than h
            raise ArithmeticError("probe")
        return relu_sum(x)
    with pytest.raises(ArithmeticError, match="probe"):
        check_gradient(f, x, np.array([5.0, 1.5]))
    assert x.tobytes() == before


def test_analytic_gradient_of_the_wrong_shape():
    """Does a transposed gradient get an error naming analytic_grad, both shapes and the transpose?"""
    with pytest.raises(ValueError, match=r"analytic_grad has shape \(3, 2\), but x has shape \(2, 3\): .*transposed"):
        check_gradient(cubic, np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"analytic_dx has shape \(4,\)"):
        check_gradient_array(np.tanh, np.ones(3), np.ones(3), np.ones(4))


def test_analytic_gradient_none_or_nan():
    with pytest.raises(TypeError, match="analytic_grad is None.*forget to return"):
        check_gradient(cubic, np.ones(2), None)
    with pytest.raises(ValueError, match=r"analytic_grad contains 1 NaN or inf values \(first at analytic_grad\[1\]"):
        check_gradient(cubic, np.ones(2), np.array([1.0, np.nan]))


def test_empty_x():
    with pytest.raises(ValueError, match="x is empty"):
        check_gradient(lambda v: 0.0, np.ones((0, 3)), np.ones((0, 3)))


def test_float32_analytic_gradient_is_held_to_float32_accuracy(softmax_problem):
    """A float32 gradient of a correct implementation passes (with a note); a wrong one still fails."""
    W, X, y = softmax_problem
    f = lambda V: softmax_loss(V, X, y)[0]
    grad = softmax_loss(W, X, y)[1].astype(np.float32)
    result = check_gradient(f, W, grad)
    assert result.verdict == "good"
    assert any("analytic_grad is float32" in note for note in result.notes)
    assert check_gradient(f, W, grad * np.float32(1.01)).verdict == "probably wrong"


def test_float32_x_warns_and_notes(softmax_problem):
    W, X, y = softmax_problem
    with pytest.warns(PrecisionWarning) as caught:
        result = check_gradient(lambda V: softmax_loss(V, X, y)[0], W.astype(np.float32),
                                softmax_loss(W.astype(np.float32).astype(np.float64), X, y)[1])
    assert caught[0].filename == __file__
    assert result.verdict == "good"
    assert any("x is float32" in note for note in result.notes)


def test_f_that_ignores_a_float32_x_gets_a_hint():
    """A closure over a float32 array never sees the steps (they go to the float64 copy): does a note say why?"""
    x = np.array([1.0, 2.0], dtype=np.float32)
    with pytest.warns(PrecisionWarning):
        result = grad_check_sparse(lambda _: float(np.sum(x ** 2)), x, 2 * x.astype(np.float64))
    assert result.verdict == "wrong"
    assert any("never changed" in note and "array it is given" in note for note in result.notes)


def test_float32_values_of_f_warn_at_the_callers_line():
    with pytest.warns(PrecisionWarning, match="f returns float32") as caught:
        result = check_gradient(lambda v: np.float32(np.sum(v ** 2)), np.array([0.5]), np.array([1.0]))
    assert caught[0].filename == __file__
    assert any("less precise than float64" in note for note in result.notes)


def test_message_explains_a_good_verdict_with_large_plain_errors():
    """When rounding explains a plain error above 1e-7, does the message say so rather than leave it unexplained?"""
    result = check_gradient(lambda v: 1e3 + 1e-9 * np.sum(v), np.zeros(2), np.full(2, 1e-9))
    assert result.verdict == "good" and result.max_rel_error > 1e-7
    assert result.message.startswith("good: max relative error")
    assert "rounding or truncation of the finite difference explains them" in result.message


def test_message_points_at_the_deciding_entry_not_the_kink():
    """When a kink holds the largest plain error but another entry is wrong, is the wrong one named?"""
    x = np.array([0.0, 0.5, 1.0])
    result = check_gradient(relu_sum, x, np.array([0.0, 1.25, 2.0]))
    assert result.worst_index == (2,) and result.max_rel_error == result.rows[0].rel_error
    assert "worst at x[2]: numerical 1.5, analytic 2" in result.message
    assert "Larger plain errors elsewhere are explained by a kink" in result.message
