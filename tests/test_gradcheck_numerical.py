"""Tests for course_utils.gradcheck's numerical gradients: values, any shape, inputs left alone, clear errors."""
import warnings

import numpy as np
import pytest

from course_utils.gradcheck import PrecisionWarning, eval_numerical_gradient, eval_numerical_gradient_array, rel_error


def counting(f):
    """f, plus a list that records a copy of every argument it was called with."""
    calls = []

    def counted(x):
        calls.append(np.array(x, copy=True))
        return f(x)
    return counted, calls


# ---------------------------------------------------------------- known gradients


def test_quadratic_form():
    """Is the gradient of x^T A x equal to (A + A^T) x?"""
    rng = np.random.default_rng(0)
    A = rng.standard_normal((6, 6))
    x = rng.standard_normal(6)
    grad = eval_numerical_gradient(lambda v: v @ A @ v, x)
    assert grad.dtype == np.float64 and grad.shape == (6,)
    assert rel_error(grad, (A + A.T) @ x) < 1e-8


def test_sin_on_a_3d_array():
    """Does an n-d x get an n-d gradient, entry by entry cos(x)?"""
    x = np.random.default_rng(1).uniform(-3, 3, size=(2, 3, 4))
    grad = eval_numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    assert grad.shape == x.shape
    assert rel_error(grad, np.cos(x)) < 1e-8


def test_matrix_function():
    """Is the gradient of sum(B * tanh(X W)) with respect to W equal to X^T (B * (1 - tanh^2))?"""
    rng = np.random.default_rng(2)
    X, W, B = rng.standard_normal((7, 4)), rng.standard_normal((4, 3)), rng.standard_normal((7, 3))
    grad = eval_numerical_gradient(lambda V: np.sum(B * np.tanh(X @ V)), W)
    assert rel_error(grad, X.T @ (B * (1 - np.tanh(X @ W) ** 2))) < 1e-7


def test_zero_dimensional_x():
    """Does a 0-d x work, returning a 0-d gradient (3 x^2 for x^3)?"""
    grad = eval_numerical_gradient(lambda v: float(v) ** 3, np.array(1.5))
    assert grad.shape == ()
    assert rel_error(grad, 3 * 1.5 ** 2) < 1e-9


def test_python_list_x():
    """Is a plain list accepted as x, giving an array gradient?"""
    grad = eval_numerical_gradient(lambda v: np.sum(v ** 2), [1.0, -2.0])
    assert np.allclose(grad, [2.0, -4.0])


def test_non_contiguous_view():
    """Does a strided view work, and is the array it views left bitwise unchanged?"""
    base = np.random.default_rng(3).standard_normal((6, 9))
    before = base.tobytes()
    view = base[::2, 1::3]
    grad = eval_numerical_gradient(lambda v: np.sum(v ** 3), view)
    assert rel_error(grad, 3 * view ** 2) < 1e-8
    assert base.tobytes() == before


def test_step_h_is_used():
    """Does the h argument set the step (a cubic's centered difference is off by exactly h^2)?"""
    grad = eval_numerical_gradient(lambda v: float(v[0]) ** 3, np.array([0.0]), h=1e-2)
    assert grad[0] == pytest.approx(1e-4, rel=1e-6)


def test_cost_is_two_calls_per_entry_plus_one():
    """Does the numerical gradient call f 2 * x.size + 1 times, at x and at x +- h along each entry?"""
    f, calls = counting(lambda v: np.sum(v ** 2))
    x = np.arange(6.0).reshape(2, 3)
    eval_numerical_gradient(f, x)
    assert len(calls) == 2 * x.size + 1
    moved = [np.flatnonzero(call != x) for call in calls[1:]]
    assert all(len(m) == 1 for m in moved)
    assert sorted(int(m[0]) for m in moved) == sorted(list(range(6)) * 2)


def test_verbose_prints_each_entry(capsys):
    """Does verbose=True print one line per entry, and verbose=False nothing?"""
    eval_numerical_gradient(lambda v: np.sum(v ** 2), np.ones((2, 2)), verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and lines[0].startswith("x[0, 0]: 2")
    eval_numerical_gradient(lambda v: np.sum(v ** 2), np.ones((2, 2)))
    assert capsys.readouterr().out == ""


# ---------------------------------------------------------------- the caller's x is never changed


def test_x_unchanged_bitwise_after_success():
    """Is x bitwise identical afterwards, signed zeros and tiny values included?"""
    x = np.array([-0.0, 0.0, 1e-300, -3.5, 1 / 3])
    before = x.tobytes()
    eval_numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    assert x.tobytes() == before


def test_x_restored_when_f_raises_mid_way():
    """When f raises on its 5th call, does the error reach the caller and is x restored bitwise?"""
    x = np.array([[0.1, -0.0], [2.0, 1 / 3]])
    before = x.tobytes()
    calls = []

    def f(v):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("boom")
        return np.sum(v ** 2)
    with pytest.raises(RuntimeError, match="boom"):
        eval_numerical_gradient(f, x)
    assert x.tobytes() == before


def test_f_never_gets_the_callers_buffer():
    """Is f handed a private float64 copy, never x itself?"""
    x = np.ones(3)
    seen = []
    eval_numerical_gradient(lambda v: seen.append(np.shares_memory(v, x)) or np.sum(v), x)
    assert not any(seen)


def test_closure_that_ignores_its_argument():
    """Does CS231n's idiom (f ignores its argument and reads the parameters) still get the right gradient?"""
    params = {"W": np.random.default_rng(4).standard_normal((3, 2))}
    before = params["W"].tobytes()
    grad = eval_numerical_gradient(lambda _: np.sum(params["W"] ** 3), params["W"], verbose=False)
    assert np.allclose(grad, 3 * params["W"] ** 2, rtol=1e-8, atol=1e-9)
    assert params["W"].tobytes() == before


def test_closure_restored_when_f_raises():
    """With the closure idiom, is x restored even though f saw it moved and then raised?"""
    x = np.array([1.0, 2.0, 3.0])
    before = x.tobytes()

    def f(_):
        if x[1] != 2.0:
            raise ValueError("saw the step")
        return np.sum(x)
    with pytest.raises(ValueError, match="saw the step"):
        eval_numerical_gradient(f, x)
    assert x.tobytes() == before


def test_read_only_x():
    """Does a read-only x work (nothing is written into it)?"""
    x = np.arange(4.0)
    x.flags.writeable = False
    assert np.allclose(eval_numerical_gradient(lambda v: np.sum(v ** 2), x), 2 * x)


def test_f_that_modifies_its_argument_is_an_error():
    """Is an f that changes the array it is given reported, since its values would be wrong?"""
    def f(v):
        v *= 2
        return np.sum(v)
    x = np.ones(3)
    with pytest.raises(ValueError, match=r"f modified the array it was given \(entry \[0\]"):
        eval_numerical_gradient(f, x)
    assert np.array_equal(x, np.ones(3))


# ---------------------------------------------------------------- precision


def test_float32_x_warns_and_computes_in_float64():
    """Does float32 x give a PrecisionWarning pointing at the caller, a float64 argument to f and a float64 result?"""
    x = np.array([0.5, -1.25], dtype=np.float32)
    dtypes = []
    with pytest.warns(PrecisionWarning, match="float64") as caught:
        grad = eval_numerical_gradient(lambda v: dtypes.append(v.dtype) or np.sum(v ** 3), x)
    assert caught[0].filename == __file__
    assert set(dtypes) == {np.dtype(np.float64)}
    assert grad.dtype == np.float64
    assert rel_error(grad, 3 * x.astype(np.float64) ** 2) < 1e-9
    assert x.dtype == np.float32 and np.array_equal(x, [0.5, -1.25])


def test_float32_values_of_f_warn():
    """Does an f that returns float32 values get a PrecisionWarning that says to compute in float64?"""
    with pytest.warns(PrecisionWarning, match="f returns float32") as caught:
        eval_numerical_gradient(lambda v: np.float32(np.sum(v ** 2)), np.ones(2))
    assert caught[0].filename == __file__


def test_float64_inputs_do_not_warn():
    """Is a plain float64 computation silent?"""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        eval_numerical_gradient(lambda v: np.sum(v ** 2), np.ones(3))


# ---------------------------------------------------------------- errors that say what to do


@pytest.mark.parametrize("x", [np.arange(3), np.array([True, False])])
def test_integer_x_is_an_error(x):
    """Is integer (or boolean) x refused, with the fix?"""
    with pytest.raises(TypeError, match=r"x has dtype (int64|bool), .*Pass x\.astype\(np\.float64\)"):
        eval_numerical_gradient(lambda v: np.sum(v), x)


def test_complex_x_is_an_error():
    with pytest.raises(TypeError, match="x must hold real numbers"):
        eval_numerical_gradient(lambda v: 0.0, np.ones(2, dtype=complex))


def test_nan_in_x_is_an_error():
    """Does NaN in x name the entry?"""
    with pytest.raises(ValueError, match=r"x contains 1 NaN or inf values \(first at x\[1, 0\]"):
        eval_numerical_gradient(lambda v: np.sum(v), np.array([[1.0, 2.0], [np.nan, 0.0]]))


def test_f_returning_a_tuple():
    """When f returns (loss, grad), does the error say to take [0]?"""
    with pytest.raises(TypeError, match=r"returned a tuple of 2 items.*\[0\]"):
        eval_numerical_gradient(lambda v: (np.sum(v), v), np.ones(2))


def test_f_returning_an_array():
    """When f returns an array, does the error give its shape and point to the array version?"""
    with pytest.raises(ValueError, match=r"array of shape \(2,\).*eval_numerical_gradient_array"):
        eval_numerical_gradient(lambda v: v * 2, np.ones(2))


def test_f_returning_nan_names_the_point():
    """When f returns NaN after a step, does the error say where?"""
    with pytest.raises(ValueError, match=r"f returned nan at x\[1\] - 1e-05"), np.errstate(invalid="ignore"):
        eval_numerical_gradient(lambda v: np.sqrt(v[1] - 1.0), np.array([2.0, 1.0 + 5e-6]))


def test_f_returning_a_string():
    with pytest.raises(TypeError, match="f's value must hold real numbers"):
        eval_numerical_gradient(lambda v: "loss", np.ones(2))


def test_f_not_callable():
    with pytest.raises(TypeError, match="f must be a function of the array x"):
        eval_numerical_gradient(np.ones(2), np.ones(2))


@pytest.mark.parametrize("h", [0, -1e-5, float("nan"), float("inf"), "1e-5", True])
def test_bad_step(h):
    with pytest.raises(ValueError, match="h must be a positive finite step"):
        eval_numerical_gradient(lambda v: np.sum(v), np.ones(2), h=h)


def test_step_too_small_for_the_entry():
    """Is a step that cannot move an entry in float64 reported instead of dividing by zero?"""
    with pytest.raises(ValueError, match=r"too small to move x\[0\] = 1e\+20"):
        eval_numerical_gradient(lambda v: np.sum(v), np.array([1e20]))


# ---------------------------------------------------------------- layers: eval_numerical_gradient_array


def affine(x, w, b):
    return x.reshape(x.shape[0], -1) @ w + b


def test_affine_layer_gradients():
    """For out = x w + b, are dx = df w^T (in x's shape), dw = x^T df and db = sum(df) recovered?"""
    rng = np.random.default_rng(5)
    x, w, b = rng.standard_normal((4, 2, 3)), rng.standard_normal((6, 5)), rng.standard_normal(5)
    df = rng.standard_normal((4, 5))
    dx = eval_numerical_gradient_array(lambda v: affine(v, w, b), x, df)
    dw = eval_numerical_gradient_array(lambda v: affine(x, v, b), w, df)
    db = eval_numerical_gradient_array(lambda v: affine(x, w, v), b, df)
    assert dx.shape == x.shape and dx.dtype == np.float64
    assert rel_error(dx, (df @ w.T).reshape(x.shape)) < 1e-8
    assert rel_error(dw, x.reshape(4, 6).T @ df) < 1e-8
    assert rel_error(db, df.sum(axis=0)) < 1e-8


def test_layer_returning_a_view_of_its_input():
    """Is an output that aliases f's argument copied, so the identity layer's dx is df?"""
    df = np.arange(6.0).reshape(3, 2)
    dx = eval_numerical_gradient_array(lambda v: v.reshape(3, 2), np.ones(6), df)
    assert rel_error(dx, df.ravel()) < 1e-9


def test_array_version_leaves_x_alone_and_costs_2n_plus_1():
    x = np.random.default_rng(6).standard_normal((3, 2))
    before = x.tobytes()
    f, calls = counting(np.tanh)
    eval_numerical_gradient_array(f, x, np.ones((3, 2)))
    assert x.tobytes() == before
    assert len(calls) == 2 * x.size + 1


def test_df_of_the_wrong_shape():
    """Does a df that does not match f's output name df and both shapes?"""
    message = r"df has shape \(2, 3\), but f's output has shape \(3, 2\): df is the upstream gradient"
    with pytest.raises(ValueError, match=message):
        eval_numerical_gradient_array(lambda v: v * 2, np.ones((3, 2)), np.ones((2, 3)))


def test_df_with_nan():
    with pytest.raises(ValueError, match="df contains 1 NaN or inf"):
        eval_numerical_gradient_array(lambda v: v * 2, np.ones(2), np.array([1.0, np.inf]))


def test_layer_returning_a_tuple():
    """When the forward pass returns (out, cache), does the error say to take [0]?"""
    with pytest.raises(TypeError, match=r"\(out, cache\).*\[0\]"):
        eval_numerical_gradient_array(lambda v: (v * 2, None), np.ones(2), np.ones(2))


def test_layer_whose_output_changes_shape():
    with pytest.raises(ValueError, match=r"shape \(3,\) at x\[0\] \+ 1e-05, but of shape \(2,\) at x itself"):
        eval_numerical_gradient_array(lambda v: v if v[0] == 1 else np.append(v, 0.0), np.ones(2), np.ones(2))


def test_layer_returning_inf():
    with pytest.raises(ValueError, match=r"f returned NaN or inf at x itself \(output entry \[1\]"), \
            np.errstate(divide="ignore"):
        eval_numerical_gradient_array(lambda v: 1 / (v - 1), np.array([0.0, 1.0]), np.ones(2))
