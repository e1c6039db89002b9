"""`course selftest` and `course demo` end to end: on the fixture course (fast), and once on a real notebook."""
import pytest

from mini_class import MINI_CATALOG, MiniCourse, course_command

pytestmark = pytest.mark.slow


def test_does_selftest_pass_on_the_fixture_catalog_and_say_which_checks_caught_each_bug(tmp_path):
    course = MiniCourse(tmp_path / "course")
    result = course.run("selftest", "--catalog", MINI_CATALOG, "--no-progress")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = {line.split()[2]: line for line in result.stdout.splitlines() if line.startswith(("PASS", "FAIL"))}
    assert "test_scale 2/3 [no_mutation]" in lines["mini_in_place"]
    assert "test_scale 2/3 [no_loops]" in lines["mini_loops"]
    assert "full marks" in lines["mini_multiply"]
    assert result.stdout.rstrip().endswith("bug: 4/4 caught; alternative: 1/1 full marks")


def test_does_selftest_fail_on_a_bug_nothing_catches_and_an_alternative_that_loses_points(tmp_path):
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "mini.yaml").write_text(
        "- id: not_really_a_bug\n  assignment: mini\n  answer: scale\n  kind: bug\n  mistake: correct after all\n"
        "  caught_by: [test_scale]\n  source: |\n    def scale(x, factor):\n        return factor * x\n"
        "- id: not_really_correct\n  assignment: mini\n  answer: q_answer\n  kind: alternative\n"
        "  mistake: a different number\n  source: |\n    answer_value = 7\n")
    course = MiniCourse(tmp_path / "course")
    result = course.run("selftest", "--catalog", catalog, "--no-progress")
    assert result.returncode == 1
    assert "NOT caught by test_scale" in result.stdout
    assert "lost test_q_answer 0/1 [answer]" in result.stdout
    assert "FAILED (2 case(s))" in result.stdout


def test_does_the_demo_run_the_whole_cycle_on_a_sample_class(tmp_path):
    course = MiniCourse(tmp_path / "course")
    result = course.run("demo", "--dir", tmp_path / "demo", "--students", "4", "--catalog", MINI_CATALOG,
                        "--no-progress")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for step in ("1. release", "2. a sample class", "3. autograde", "4. feedback", "5. gradebook"):
        assert step in result.stdout
    assert "the kernel died at cell" in result.stdout          # the crasher is reported
    assert "graded 'mini (1).ipynb' as mini.ipynb" in result.stdout  # the student who misnamed a notebook
    gradebook = result.stdout.split("== 5. gradebook")[1]
    assert "ada" in gradebook and "cheater" in gradebook and "crasher" in gradebook
    assert (tmp_path / "demo" / "student_bundle.zip").exists()
    assert (tmp_path / "demo" / "feedback" / "ada" / "mini" / "mini.html").exists()


def test_does_selftest_pass_on_a_real_notebook_with_a_bug_and_an_alternative(tmp_path):
    """The one test on a real notebook: 02 through the whole pipeline (reference, stubs, two catalog entries)."""
    from autograder.catalog import load_catalog  # noqa: PLC0415

    entries = [e for e in load_catalog() if e.assignment == "02_svm_softmax_loss"]
    chosen = [next(e for e in entries if e.is_bug), next(e for e in entries if not e.is_bug)]
    repository = MINI_CATALOG.parents[2]
    result = course_command("selftest", "02_svm_softmax_loss", "--course", repository, "--keep", tmp_path / "work",
                            "--no-progress", *[arg for e in chosen for arg in ("--only", e.id)])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "PASSED" in result.stdout
