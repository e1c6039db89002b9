"""Small pieces of the `course` command that need no course: option parsing, tables, run notes."""
import pytest

from autograder.commands import parse_size
from autograder.course import CourseError
from autograder.grading import tampering
from autograder.table import render


@pytest.mark.parametrize("text, size", [("4G", 4 << 30), ("512M", 512 << 20), ("1.5g", 3 << 29), ("1000", 1000),
                                        ("64KB", 64 << 10)])
def test_are_memory_sizes_read_with_units(text, size):
    assert parse_size(text) == size


def test_is_a_bad_memory_size_a_clear_error():
    with pytest.raises(CourseError, match="--memory-limit: expected a size such as 4G or 512M, got 'lots'"):
        parse_size("lots")


def test_does_a_table_align_numbers_right_and_cut_long_text():
    text = render(["student", "score", "notes"], [["al", 7.5, "x" * 10], ["barbara", 10, None]], max_width=7)
    assert text.splitlines() == ["student  score  notes",
                                 "-------  -----  -------",
                                 "al         7.5  xxxxxx…",
                                 "barbara     10  -"]


def test_are_edits_of_locked_cells_turned_into_notes_and_checksum_noise_ignored():
    messages = ["Attribute 'checksum' for cell test_a has changed! (should be: 1, got: 2)",
                "Attribute 'points' for cell test_a has changed! (should be: 3.0, got: 100.0)",
                "Missing grade cell test_b encountered, adding to notebook",
                "Cell 'test_c' had its nbgrader solution changed: restored from the gradebook",
                "Cell 'test_bonus' is not part of the assignment: its nbgrader metadata was removed"]
    assert tampering(messages) == ["test_a: points edited (restored)", "test_b: deleted (put back)",
                                   "test_bonus: extra graded cell (ignored)",
                                   "test_c: nbgrader solution edited (restored)"]
