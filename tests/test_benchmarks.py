"""The benchmark suite's machinery on tiny sizes: statistics, verdicts, groups, reports and the command line.

Nothing here asserts a speed: timings run with one repeat on toy sizes only to show that every path works; the
statistics are checked with a fake clock.
"""
import itertools
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))   # benchmarks/ is a folder of the repository, not an installed package

from benchmarks import blas, cli, report, runner  # noqa: E402
from benchmarks.course import linear_classifier_data, reference  # noqa: E402
from benchmarks.execution import empty_notebook  # noqa: E402
from benchmarks.groups import gradcheck, losses, notebooks, training, widgets  # noqa: E402
from benchmarks.naive_gradients import softmax_loss_grad_naive, svm_loss_grad_naive  # noqa: E402
from benchmarks.results import GroupResult, Row, Target, Unavailable  # noqa: E402
from benchmarks.settings import Settings, group_parameters  # noqa: E402
from benchmarks.timing import Timing, compare, format_number, measure, percentile  # noqa: E402

TINY = Settings(quick=True)


class FakeClock:
    """perf_counter stand-in: each call advances by the next of ``steps``; a sample is the difference of two calls."""

    def __init__(self, durations):
        self.times = itertools.accumulate(itertools.chain([0.0], *[(d, 0.0) for d in durations]))

    def __call__(self):
        return next(self.times)


@pytest.fixture
def restore_blas_threads(monkeypatch):
    """Put the environment and OpenBLAS's thread count back after a test that pins them."""
    for name in blas.THREAD_VARIABLES:
        if name in os.environ:
            monkeypatch.setenv(name, os.environ[name])
        else:
            monkeypatch.delenv(name, raising=False)
    library = blas.OpenBLAS.find()
    before = library.num_threads() if library else None
    yield
    if library is not None and before is not None:
        library.set_num_threads(before)


# ------------------------------------------------------------------------------------------------ timing


def test_does_percentile_interpolate_like_numpy():
    values = [5.0, 1.0, 4.0, 2.0, 3.0, 10.0, 7.0]
    for q in (0, 5, 25, 50, 90, 95, 100):
        assert percentile(values, q) == pytest.approx(np.percentile(values, q))
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile(values, 101)


def test_does_measure_time_each_repeat_after_untimed_warmups():
    calls = []
    timing = measure(lambda: calls.append(1), repeats=4, warmup=2, clock=FakeClock([0.1, 0.2, 0.3, 0.4]))
    assert len(calls) == 6
    assert timing.samples == pytest.approx((0.1, 0.2, 0.3, 0.4))
    assert timing.median == pytest.approx(0.25)
    assert timing.p95 == pytest.approx(np.percentile([0.1, 0.2, 0.3, 0.4], 95))
    assert timing.describe() == "median of 4 (p95 385 ms)"


def test_does_compare_interleave_candidates_and_rotate_the_first():
    order = []
    compare({"a": lambda: order.append("a"), "b": lambda: order.append("b"), "c": lambda: order.append("c")},
            repeats=3, warmup=0)
    assert order == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]


@pytest.mark.parametrize("repeats, warmup", [(0, 1), (2, -1), (1.5, 0), (True, 0)])
def test_are_bad_repeat_counts_refused(repeats, warmup):
    with pytest.raises(ValueError, match="repeats|warmup"):
        measure(lambda: None, repeats=repeats, warmup=warmup)


def test_does_a_timing_need_a_sample():
    with pytest.raises(ValueError, match="at least one sample"):
        Timing(())


def test_are_numbers_shown_with_three_significant_digits():
    assert [format_number(v) for v in (1234.5, 12.345, 1.2345, 0.012345, 0.0000123)] == [
        "1,234", "12.3", "1.23", "0.0123", "1.23e-05"]


# ------------------------------------------------------------------------------------------ rows, targets


def test_does_a_row_get_its_verdict_from_its_target():
    assert Row("x", 1.2, "ms", 1.2, "floor", Target("ratio", "<=", 1.3)).verdict == "pass"
    assert Row("x", 1.4, "ms", 1.4, "floor", Target("ratio", "<=", 1.3)).verdict == "MISS"
    assert Row("x", 60.0, "s", target=Target("value", "<", 60.0)).verdict == "MISS"
    assert Row("x", 2.0, "x", 2.0, "nbgrader", Target("ratio", ">=", 1.8)).verdict == "pass"
    assert Row("x", 2.0, "ms").verdict == "info"


def test_are_inconsistent_rows_and_targets_refused():
    with pytest.raises(ValueError, match="baseline"):
        Row("x", 1.0, "ms", ratio=2.0)
    with pytest.raises(ValueError, match="'ratio' or 'value'"):
        Target("speed", "<=", 1.0)
    with pytest.raises(ValueError, match="no ratio"):
        _ = Row("x", 1.0, "ms", target=Target("ratio", "<=", 1.0)).verdict


def test_do_targets_read_as_a_person_writes_them():
    assert Target("ratio", "<=", 1.3, "floor").describe() == "≤ 1.30× floor"
    assert Target("value", "<", 60.0, "each").describe("s") == "< 60.0 s each"


def test_does_group_parameters_pick_quick_or_full_and_refuse_unknown_overrides():
    full, quick = {"n": 500, "repeats": 40}, {"n": 500, "repeats": 3}
    assert group_parameters(full, quick, Settings(), {}) == full
    assert group_parameters(full, quick, Settings(quick=True), {"n": 7}) == {"n": 7, "repeats": 3}
    with pytest.raises(TypeError, match=r"unknown parameters \['size'\].*\['n', 'repeats'\]"):
        group_parameters(full, quick, Settings(), {"size": 3})


# ------------------------------------------------------------------------------------- what is measured


def test_do_the_loop_gradients_match_the_notebook_03_reference():
    """Is the naive loss+grad baseline computing what the vectorized reference computes?"""
    svm_grad, softmax_grad = reference("03_gradients", "svm_loss_grad", "softmax_loss_grad")
    W, X, y = linear_classifier_data(num_train=30, dim=7, num_classes=4, seed=5)
    W = W * 1e4   # weights of order 1, so that many margins are positive and the loops take every branch
    for naive, vectorized in ((svm_loss_grad_naive, svm_grad), (softmax_loss_grad_naive, softmax_grad)):
        loss, dW = naive(W, X, y, 0.3)
        expected_loss, expected_dW = vectorized(W, X, y, 0.3)
        assert loss == pytest.approx(expected_loss, rel=1e-10)
        np.testing.assert_allclose(dW, expected_dW, rtol=1e-8, atol=1e-10)


def test_is_the_development_data_shaped_like_cifar_with_a_bias_column():
    W, X, y = linear_classifier_data(num_train=20, dim=9, num_classes=3)
    assert (W.shape, X.shape, y.shape) == ((9, 3), (20, 9), (20,))
    assert np.all(X[:, -1] == 1) and set(np.unique(y)) <= {0, 1, 2}


def test_does_a_missing_notebook_make_a_group_unavailable():
    with pytest.raises(Unavailable, match="99_nothing"):
        reference("99_nothing", "anything")
    with pytest.raises(Unavailable, match="defines no not_a_function"):
        reference("02_svm_softmax_loss", "not_a_function")


# ------------------------------------------------------------------------------------- groups, tiny sizes


def measures(result):
    return [row.measure for row in result.rows]


def test_does_the_losses_group_compare_naive_vectorized_and_floor():
    result = losses.run(TINY, num_train=20, dim=11, num_classes=3, repeats=1, naive_repeats=1)
    rows = {row.measure: row for row in result.rows}
    for name in ("SVM", "softmax"):
        assert rows[f"{name} loss+grad, vectorized"].baseline == "floor"
        assert rows[f"{name} loss+grad, vectorized"].verdict in ("pass", "MISS")
        assert rows[f"{name} loss, naive (loops)"].baseline == "vectorized"
        assert rows[f"{name} loss+grad, naive (loops)"].ratio > 0
    assert "floor: X @ W and X.T @ G" in rows


def test_does_the_losses_group_refuse_versions_that_disagree():
    functions = losses.loss_functions()["SVM"]
    wrong = (functions[0], lambda W, X, y, reg: 2 * functions[1](W, X, y, reg), functions[2], functions[3])
    W, X, y = linear_classifier_data(20, 11, 3)
    with pytest.raises(AssertionError, match="SVM losses disagree"):
        losses.check_agreement("SVM", wrong, W, X, y, 0.1)


def test_does_the_gradcheck_group_count_loss_calls_per_check():
    result = gradcheck.run(TINY, num_train=20, dim=11, num_classes=3, num_checks=4, repeats=1, sweep_num_train=10,
                           sweep_dims=(2, 3), sweep_repeats=1)
    rows = {row.measure: row for row in result.rows}
    # 2 calls per entry, 1 at x itself, and kink probes only where an entry is not good at first sight
    calls = rows["grad_check_sparse, softmax: loss calls per check (counted)"].value
    assert calls == 2.25 or calls > 2.25 and (calls * 4 - 9) % 2 == 0
    assert "numerical gradient (course_utils), n = 9 (3 x 3)" in rows
    assert "numerical gradient (bare loop, notebook 03), n = 6 (2 x 3)" in rows
    assert rows["numerical gradient at the dev size, n = 33 (2n+1 loss calls)"].baseline == "analytic loss+grad"


def test_does_the_training_group_time_the_step_against_its_floor():
    result = training.run(TINY, batch_size=8, input_dim=12, hidden_dim=5, num_classes=3, repeats=1)
    rows = {row.measure: row for row in result.rows}
    assert rows["step: loss, gradients, sgd (bare)"].baseline == "floor"
    assert rows["step: Trainer.step()"].baseline == "bare step"
    assert rows["throughput (bare step)"].unit == "samples/s"


def test_does_the_widgets_group_time_state_and_control_of_each_interaction():
    chosen = widgets.linear_classifier_interactions() + widgets.backprop_interactions()
    result = widgets.run(TINY, repeats=1, interactions=chosen)
    assert measures(result) == [f"{i.name}: {part}" for i in chosen for part in ("state", "control")]
    assert all(row.target is not None and row.timing.repeats == 1 for row in result.rows)


def test_does_a_widget_drag_change_the_value_every_time():
    values = [widgets.triangle(-2.0, 2.0, i) for i in range(60)]
    assert all(a != b for a, b in zip(values, values[1:]))
    assert min(values) >= -2.0 and max(values) <= 2.0 + 1e-3


@pytest.mark.slow
def test_does_the_notebooks_group_run_a_notebook_against_an_empty_one(tmp_path):
    nb = empty_notebook(tmp_path / "course")
    result = notebooks.run(Settings(quick=True, workdir=tmp_path), notebooks=[nb], rounds=1)
    assert measures(result) == ["00_empty", "whole course (sum of the medians)",
                                "empty notebook (kernel start and shutdown)"]
    assert result.rows[0].baseline == "empty notebook" and result.rows[0].verdict == "pass"


@pytest.mark.slow
def test_does_the_autograde_group_grade_a_class_with_plain_nbgrader_and_check_full_marks(tmp_path, mini_checks):
    from benchmarks.groups import autograde

    mini = REPO / "tests" / "fixtures" / "mini_course" / "notebooks" / "mini" / "mini.ipynb"
    result = autograde.run(Settings(workdir=tmp_path), students=1, notebooks=[mini], course=False)
    assert measures(result) == ["pure execution of 1 notebook, one by one", "plain nbgrader autograde, sequential",
                                "plain nbgrader: overhead per notebook"]
    assert result.rows[1].baseline == "pure execution"


def test_does_check_full_marks_refuse_a_class_that_was_not_graded(tmp_path):
    from benchmarks.groups import autograde
    from nbgrader.api import Gradebook

    from autograder.gradebook_schema import use_in_process_schema_version

    with pytest.raises(AssertionError, match="no gradebook"):
        autograde.check_full_marks(tmp_path, [("student01", "mini")])
    use_in_process_schema_version()   # nbgrader would otherwise run the `alembic` command to create a gradebook
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}"):
        pass
    with pytest.raises(AssertionError, match=r"not graded \[\('student01', 'mini'\)\]"):
        autograde.check_full_marks(tmp_path, [("student01", "mini")])


def test_do_the_autograde_rows_compare_course_with_nbgrader_and_pure_execution():
    from benchmarks.groups import autograde

    passes = autograde.Passes(count=10, execution=70.0, sequential=85.0, one_job=80.0, parallel=44.0, jobs=2,
                              rerun=2.0)
    rows = {row.measure: row for row in autograde.passes_rows(passes)}
    assert rows["plain nbgrader: overhead per notebook"].value == pytest.approx(1.5)
    speedup = rows["course autograde, 2 jobs"]
    assert speedup.ratio == pytest.approx(85 / 44) and speedup.verdict == "pass"
    overhead = rows["course autograde: overhead per notebook"]
    assert overhead.value == pytest.approx(1.0) and overhead.verdict == "pass"
    assert rows["course autograde, 1 job"].ratio == pytest.approx(80 / 44)
    assert rows["course autograde re-run, nothing to grade (fixed cost)"].ratio == pytest.approx(2 / 80)
    assert [row.measure for row in autograde.passes_rows(autograde.Passes(10, 70.0, 85.0))] == list(rows)[:3]


def test_does_the_benchmark_call_course_autograde_with_options_it_accepts(monkeypatch, tmp_path):
    """The options the benchmark passes are parsed by the autograder's own command line (no grading here)."""
    from benchmarks.groups import autograde

    cli_module = pytest.importorskip("autograder.cli", reason="the autograder's command line has not landed")
    commands = []
    monkeypatch.setattr(autograde, "run_command", lambda command, cwd, env: commands.append(command) or 1.0)
    assert autograde.course_autograde(tmp_path, {}, 2) == 1.0
    (command,) = commands
    assert Path(command[0]).name == "course"
    args = cli_module.build_parser().parse_args(command[1:])
    assert (args.jobs, args.progress, Path(args.course)) == (2, False, tmp_path)


# ----------------------------------------------------------------------------------- runner, report, cli


def test_does_the_runner_report_unavailable_and_crashed_groups(monkeypatch):
    def unavailable(settings):
        raise Unavailable("the thing is missing")

    def crash(settings):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(losses, "run", unavailable)
    assert runner.run_group("losses", TINY).error == "not measured: the thing is missing"
    monkeypatch.setattr(losses, "run", crash)
    error = runner.run_group("losses", TINY).error
    assert error.startswith("crashed") and "ZeroDivisionError: boom" in error
    with pytest.raises(ValueError, match="unknown benchmark group 'speed'"):
        runner.run_group("speed", TINY)


def test_does_the_report_list_targets_misses_and_unmeasured_groups():
    good = GroupResult("a", "1. A", rows=[Row("fast", 1.0, "ms", 1.1, "floor", Target("ratio", "<=", 1.3)),
                                          Row("slow", 2.0, "ms", 1.5, "floor", Target("ratio", "<=", 1.3))])
    missing = GroupResult("b", "2. B", error="not measured: no CLI")
    text = report.text_table(good)
    assert "fast" in text and "1.10× floor" in text and "MISS" in text
    assert report.summary(
        [good, missing]) == {"targets": 2, "passed": 1, "missed": ["1. A: slow"], "not_measured": ["2. B"]}
    assert "not measured: no CLI" in report.text_table(missing)


def test_does_the_markdown_warn_about_a_group_measured_on_a_busy_machine():
    from benchmarks.machine import machine_info

    quiet = GroupResult("a", "1. A", rows=[Row("fast", 1.0, "ms")], load=(0.1, 1.2), other_cores=0.05)
    busy = GroupResult("b", "2. B", rows=[Row("slow", 2.0, "ms")], load=(0.1, 2.5), other_cores=1.3)
    machine = dict(machine_info(), load_average_end=0.3)
    text = report.markdown([quiet, busy], machine, Settings(), "python -m benchmarks")
    assert text.count("Warning: other processes used") == 1 and "used 1.3 cores on average while" in text
    assert "| b | slow |" not in text and "| slow | 2.00 ms | - | - | info |" in text


def test_does_the_command_line_print_the_table_and_write_both_files(tmp_path, monkeypatch, capsys,
                                                                    restore_blas_threads):
    monkeypatch.setattr(losses, "QUICK", {"num_train": 20, "dim": 11, "num_classes": 3, "reg": 0.1, "repeats": 1,
                                          "naive_repeats": 1})
    assert cli.main(["--only", "losses", "--quick", "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "1. Losses at the CS231n development size" in out and "SVM loss+grad, vectorized" in out
    markdown = (tmp_path / "RESULTS.md").read_text()
    assert "## Machine" in markdown and "BLAS threads in the benchmark process | 1" in markdown
    document = json.loads((tmp_path / "results.json").read_text())
    assert document["settings"] == {"quick": True, "threads": 1, "jobs": None}
    assert document["machine"]["blas"]["environment"]["OPENBLAS_NUM_THREADS"] == "1"
    assert [group["name"] for group in document["groups"]] == ["losses"]
    assert document["groups"][0]["rows"][0]["timing"]["repeats"] == 1


def test_does_a_partial_run_leave_the_committed_results_alone(monkeypatch, capsys, restore_blas_threads):
    monkeypatch.setattr(runner, "run_groups", lambda names, settings, on_result=None: [])
    before = (REPO / "benchmarks" / "RESULTS.md").stat().st_mtime_ns if (REPO / "benchmarks" / "RESULTS.md").exists() \
        else None
    assert cli.main(["--only", "widgets"]) == 0
    assert "Not written" in capsys.readouterr().out
    after = (REPO / "benchmarks" / "RESULTS.md").stat().st_mtime_ns if before is not None else None
    assert after == before


def test_does_the_command_line_refuse_an_unknown_group(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--only", "losses,speed"])
    assert "unknown group(s) ['speed']" in capsys.readouterr().err


def test_does_other_cores_subtract_the_runs_own_cpu_time():
    from benchmarks.machine import other_cores

    assert other_cores((0.0, 100.0, 10.0), (10.0, 115.0, 20.0)) == 0.5    # 15 s busy, 10 s of them ours
    assert other_cores((0.0, 100.0, 10.0), (10.0, 105.0, 20.0)) == 0.0    # never negative
    assert other_cores((0.0, None, 10.0), (10.0, None, 20.0)) is None


def test_does_a_cpu_snapshot_see_this_process_working():
    from benchmarks.machine import cpu_snapshot

    before = cpu_snapshot()
    sum(i * i for i in range(200_000))
    after = cpu_snapshot()
    assert after[0] > before[0] and after[2] > before[2]
    assert before[1] is None or after[1] >= before[1]


def test_does_pinning_set_the_environment_and_the_library(restore_blas_threads):
    threads = blas.pin_threads(1)
    assert all(os.environ[name] == "1" for name in blas.THREAD_VARIABLES)
    if blas.OpenBLAS.find() is not None:
        assert threads == 1
        assert blas.blas_info()["threads"] == 1
    with pytest.raises(ValueError, match="threads must be an integer >= 1"):
        blas.pin_threads(0)
