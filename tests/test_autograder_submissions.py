"""Finding and checking submitted notebooks before grading (autograder.submissions), without running anything."""
import nbformat

from autograder.submissions import inspect, unreadable


def notebook(path):
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), str(path))
    return path


def test_is_a_notebook_with_the_expected_name_taken_as_is(tmp_path):
    notebook(tmp_path / "02_svm.ipynb")
    submission = inspect("alice", "02_svm", tmp_path, ["02_svm"])
    assert submission.notebooks == {"02_svm": tmp_path / "02_svm.ipynb"}
    assert submission.problems == [] and submission.notes == []


def test_is_a_copy_saved_under_another_name_graded_with_a_note(tmp_path):
    notebook(tmp_path / "02_svm (1).ipynb")
    submission = inspect("alice", "02_svm", tmp_path, ["02_svm"])
    assert submission.notebooks == {"02_svm": tmp_path / "02_svm (1).ipynb"}
    assert submission.notes == ["graded '02_svm (1).ipynb' as 02_svm.ipynb (the notebook was saved under another "
                                "name)"]


def test_is_a_lone_notebook_with_a_similar_name_accepted(tmp_path):
    notebook(tmp_path / "02-svm-final.ipynb")
    assert inspect("alice", "02_svm", tmp_path, ["02_svm"]).gradable


def test_are_two_candidates_a_problem_rather_than_a_guess(tmp_path):
    notebook(tmp_path / "02_svm (1).ipynb")
    notebook(tmp_path / "02_svm (2).ipynb")
    submission = inspect("alice", "02_svm", tmp_path, ["02_svm"])
    assert not submission.gradable
    assert submission.problems == ["02_svm.ipynb is missing (the folder holds 02_svm (1).ipynb, 02_svm (2).ipynb; "
                                   "rename the right one to 02_svm.ipynb)"]


def test_is_an_empty_folder_reported(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    submission = inspect("alice", "02_svm", tmp_path, ["02_svm"])
    assert submission.problems == ["no notebook submitted: expected 02_svm.ipynb and the folder holds no .ipynb file"]


def test_are_unreadable_files_named_with_the_reason(tmp_path):
    (tmp_path / "empty.ipynb").write_text("")
    (tmp_path / "json.ipynb").write_text("{not json")
    (tmp_path / "binary.ipynb").write_bytes(b"\x89PNG\x00\xff\xfe")
    (tmp_path / "list.ipynb").write_text("[1, 2]")
    assert unreadable(tmp_path / "empty.ipynb") == "the file is empty"
    assert unreadable(tmp_path / "json.ipynb").startswith("not a valid notebook (")
    assert unreadable(tmp_path / "binary.ipynb") == "the file is not text (is it a notebook at all?)"
    assert unreadable(tmp_path / "list.ipynb").startswith("not a valid notebook")
    assert unreadable(notebook(tmp_path / "good.ipynb")) is None


def test_does_a_corrupt_notebook_of_a_two_notebook_assignment_leave_the_other_gradable(tmp_path):
    notebook(tmp_path / "part1.ipynb")
    (tmp_path / "part2.ipynb").write_text("{")
    submission = inspect("alice", "hw", tmp_path, ["part1", "part2"])
    assert list(submission.notebooks) == ["part1"]
    assert len(submission.problems) == 1 and submission.problems[0].startswith("part2.ipynb cannot be graded")


def test_does_the_fingerprint_change_with_any_submitted_file(tmp_path):
    notebook(tmp_path / "02_svm.ipynb")
    first = inspect("alice", "02_svm", tmp_path, ["02_svm"]).fingerprint()
    assert inspect("alice", "02_svm", tmp_path, ["02_svm"]).fingerprint() == first
    (tmp_path / "data.csv").write_text("1,2")
    second = inspect("alice", "02_svm", tmp_path, ["02_svm"]).fingerprint()
    assert second != first
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "02_svm-checkpoint.ipynb").write_text("{}")
    assert inspect("alice", "02_svm", tmp_path, ["02_svm"]).fingerprint() == second
