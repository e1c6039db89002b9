"""Hidden checks for every graded test cell, keyed by the test cell's grade_id.

Each notebook has a module here named ``nbNN_<assignment>.py`` defining ``TESTS = {"test_<name>": [checks...]}``
(see :mod:`.core` for the kinds of check). The registry is built by discovering those modules, so adding a notebook's
checks needs no edit here. Checks for an instructor's own extra assignments can live in any importable module with a
``TESTS`` dict, listed (comma-separated) in the environment variable ``COURSE_CHECK_MODULES``. These modules hold inputs and comparisons only, never a reference answer: the judge takes
those from the instructor's source notebook.
"""
import functools
import importlib
import os
import pkgutil

EXTRA_MODULES_VARIABLE = "COURSE_CHECK_MODULES"


@functools.lru_cache(maxsize=None)
def registry():
    """All hidden checks: ``{test grade_id: [Check, ...]}`` gathered from the ``nb*`` modules of this package."""
    tests = {}
    for module in _check_modules():
        for test_id, checks in module.TESTS.items():
            if test_id in tests:
                raise ValueError(f"hidden checks for {test_id!r} are defined twice (again in {module.__name__})")
            _validate(test_id, checks)
            tests[test_id] = list(checks)
    return tests


def _check_modules():
    names = [f"{__name__}.{info.name}" for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)
             if info.name.startswith("nb")]
    return [importlib.import_module(name) for name in names + extra_module_names()]


def extra_module_names():
    """Modules of checks beyond this package's, named in $COURSE_CHECK_MODULES (comma-separated)."""
    return [name.strip() for name in os.environ.get(EXTRA_MODULES_VARIABLE, "").split(",") if name.strip()]


def checks_for(test_id):
    """The checks of one test cell; a clear KeyError when the cell has none registered."""
    try:
        return registry()[test_id]
    except KeyError:
        raise KeyError(f"no hidden checks are registered for test cell {test_id!r}; add them to "
                       f"autograder/checks/nbNN_*.py under TESTS[{test_id!r}]") from None


def _validate(test_id, checks):
    if not test_id.startswith("test_"):
        raise ValueError(f"test cell ids start with 'test_', got {test_id!r}")
    names = [check.name for check in checks]
    if not names:
        raise ValueError(f"{test_id}: a test cell needs at least one hidden check")
    if len(set(names)) != len(names):
        raise ValueError(f"{test_id}: check names must be unique, got {names}")
    for check in checks:
        unknown = [name for name in check.requires if name not in names]
        if unknown:
            raise ValueError(f"{test_id}: check {check.name!r} requires unknown checks {unknown}; known: {names}")
