"""Group 2: what gradient checks cost, counted in evaluations of the loss (course_utils.gradcheck).

- grad_check_sparse at the development size, softmax and SVM: the time per checked entry in units of one loss
  evaluation (2 per entry by design, + 1 per check, + 2 per entry that needs kink probes), and the machinery's
  overhead: time / (counted calls x the time of one call).
- the full numerical gradient (eval_numerical_gradient) as the number of entries n grows: time / ((2n + 1) loss
  evaluations), and against notebook 03's reference eval_numerical_gradient (the bare centered-difference loop).
- the estimate for the development size (n = 30,730) against one analytic gradient: why nobody trains with it.
"""
from course_utils.gradcheck import eval_numerical_gradient, grad_check_sparse

from ..course import linear_classifier_data, reference
from ..results import GroupResult, Row
from ..settings import group_parameters
from ..timing import compare, format_number

NAME = "gradcheck"
TITLE = "2. Gradient checks"
FULL = {"num_train": 500, "dim": 3073, "num_classes": 10, "reg": 0.1, "num_checks": 10, "repeats": 20,
        "sweep_num_train": 100, "sweep_dims": (16, 64, 256, 1024), "sweep_repeats": 3}
QUICK = {"num_train": 500, "dim": 3073, "num_classes": 10, "reg": 0.1, "num_checks": 10, "repeats": 3,
         "sweep_num_train": 100, "sweep_dims": (8, 32), "sweep_repeats": 1}
LOSS_CALLS_PER_SAMPLE = 100   # a loss call is timed in a row of this many (or 2n + 1 if fewer)


class CountingLoss:
    """A loss of W alone (the data fixed) that counts its calls."""

    def __init__(self, loss, X, y, reg):
        self.loss, self.X, self.y, self.reg = loss, X, y, reg
        self.calls = 0

    def __call__(self, W):
        self.calls += 1
        return self.loss(W, self.X, self.y, self.reg)


def calls_in_a_row(f, x, count):
    """``count`` calls of f(x) back to back: a loss call timed as the checks make it, with warm caches (one call
    alone, between other work, runs slower than the same call inside a loop of thousands)."""
    def calls():
        for _ in range(count):
            f(x)
    return calls


def sparse_check_rows(name, loss, loss_grad, W, X, y, reg, num_checks, repeats):
    """Rows for grad_check_sparse on one loss: time per check in loss evaluations, and the machinery's overhead."""
    f = CountingLoss(loss, X, y, reg)
    _, analytic = loss_grad(W, X, y, reg)
    check = grad_check_sparse(f, W, analytic, num_checks=num_checks, seed=0)   # also the warm-up
    if not check.passed:
        raise AssertionError(f"the reference {name} gradient failed its check: {check.message}")
    calls_per_run = f.calls
    timings = compare({"loss": calls_in_a_row(f, W, calls_per_run),
                       "check": lambda: grad_check_sparse(f, W, analytic, num_checks=num_checks, seed=0)},
                      repeats, warmup=1)
    per_check = timings["check"].median / num_checks
    loss_time = timings["loss"].median / calls_per_run
    return [
        Row(f"grad_check_sparse, {name}: time per check", per_check * 1e3, "ms", per_check / loss_time,
            "one loss evaluation", detail=f"{num_checks} checks; {timings['check'].describe()}",
            timing=timings["check"]),
        Row(f"grad_check_sparse, {name}: loss calls per check (counted)", calls_per_run / num_checks, "calls",
            timings["check"].median / (calls_per_run * loss_time), "calls x loss time",
            detail=f"{calls_per_run} calls for {num_checks} checks; loss {format_number(loss_time * 1e3)} ms"),
    ]


def sweep_rows(loss, student_gradient, num_train, num_classes, reg, dims, repeats):
    """Rows for the full numerical gradient of the softmax loss of W (dim, C), for each dim in dims."""
    rows = []
    for dim in dims:
        W, X, y = linear_classifier_data(num_train, dim, num_classes, seed=dim)
        f = CountingLoss(loss, X, y, reg)
        size = W.size
        evaluations = 2 * size + 1
        loss_calls = min(evaluations, LOSS_CALLS_PER_SAMPLE)
        timings = compare({"loss": calls_in_a_row(f, W, loss_calls),
                           "course_utils": lambda: eval_numerical_gradient(f, W),
                           "notebook 03": lambda: student_gradient(f, W)}, repeats, warmup=1)
        one = timings["loss"].median / loss_calls
        calls_time = evaluations * one
        for label, key in (("course_utils", "course_utils"), ("bare loop, notebook 03", "notebook 03")):
            rows.append(Row(f"numerical gradient ({label}), n = {size:,} ({dim} x {num_classes})",
                            timings[key].median, "s", timings[key].median / calls_time, "(2n+1) loss calls",
                            detail=f"{evaluations:,} calls of a {format_number(one * 1e3)} ms loss; "
                                   f"{timings[key].describe(1, 's')}", timing=timings[key]))
    return rows


def run(settings, **overrides):
    p = group_parameters(FULL, QUICK, settings, overrides)
    softmax_loss, svm_loss = reference("02_svm_softmax_loss", "softmax_loss_vectorized", "svm_loss_vectorized")
    softmax_grad, svm_grad, student_gradient = reference("03_gradients", "softmax_loss_grad", "svm_loss_grad",
                                                          "eval_numerical_gradient")
    W, X, y = linear_classifier_data(p["num_train"], p["dim"], p["num_classes"])
    reg = p["reg"]
    result = GroupResult(NAME, TITLE, parameters=dict(p))
    for name, loss, loss_grad in (("softmax", softmax_loss, softmax_grad), ("SVM", svm_loss, svm_grad)):
        result.rows += sparse_check_rows(name, loss, loss_grad, W, X, y, reg, p["num_checks"], p["repeats"])
    result.rows += sweep_rows(softmax_loss, student_gradient, p["sweep_num_train"], p["num_classes"], reg,
                              p["sweep_dims"], p["sweep_repeats"])

    # the development size itself would take minutes: its 2n + 1 loss calls are a lower bound
    f = CountingLoss(softmax_loss, X, y, reg)
    evaluations = 2 * W.size + 1
    loss_calls = min(evaluations, LOSS_CALLS_PER_SAMPLE)
    timings = compare({"loss": calls_in_a_row(f, W, loss_calls), "loss+grad": lambda: softmax_grad(W, X, y, reg)},
                      p["repeats"], warmup=1)
    one = timings["loss"].median / loss_calls
    estimate = evaluations * one
    result.rows.append(Row(f"numerical gradient at the dev size, n = {W.size:,} (2n+1 loss calls)", estimate, "s",
                           estimate / timings["loss+grad"].median, "analytic loss+grad",
                           detail=f"at least {evaluations:,} loss calls x {format_number(one * 1e3)} ms"))
    result.notes.append(
        f"Losses: notebook 02's vectorized softmax and SVM at N = {p['num_train']}, D = {p['dim']}, C = "
        f"{p['num_classes']}; analytic gradients from notebook 03. grad_check_sparse costs 2 calls per checked entry "
        "plus 1, plus 2 for each entry not good at first sight (kink probes). The sweep times the full numerical "
        f"gradient of the softmax loss on N = {p['sweep_num_train']} examples for W of D x {p['num_classes']} with D "
        f"in {list(p['sweep_dims'])} ({p['sweep_repeats']} interleaved rounds each); its ratio is the cost of the "
        "machinery per loss call (1.0 = none).")
    return result
