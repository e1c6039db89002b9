"""Shared pytest fixtures. Test helpers live next to this file (tests/*.py) and fixtures in tests/fixtures/."""
import os
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # tests draw figures without a display

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
sys.path.insert(0, str(FIXTURES))


@pytest.fixture
def mini_checks(monkeypatch):
    """Register the fixture course's hidden checks (tests/fixtures/mini_checks.py) for the duration of a test.

    Also exported to subprocesses (nbgrader and its kernels) through the environment.
    """
    from autograder.checks import EXTRA_MODULES_VARIABLE, registry

    monkeypatch.setenv(EXTRA_MODULES_VARIABLE, "mini_checks")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(FIXTURES), os.environ.get("PYTHONPATH")])))
    registry.cache_clear()
    yield registry()
    registry.cache_clear()
