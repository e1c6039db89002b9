"""``course release``: the student version of each assignment, verified, and a bundle to hand out.

    checks = release(course, ["02_svm_softmax_loss"], validate=True, workers=2)
    build_bundle(course, course.assignments(), "student_bundle.zip")

For each assignment:

1. nbgrader's ``GenerateAssignment`` writes ``release/<assignment>/`` and records the assignment in the gradebook;
2. :func:`leaks` reads every released file: no solution region, no hidden test, no import of the autograder, and
   no line of the instructor's solution code;
3. with ``validate``, nbgrader's validator runs the source notebook (it must pass every test) and the release
   (``--invert``: its stubs must pass none), one assignment per worker process.

The bundle (a folder, or a zip when the name ends in .zip) holds what a student needs and nothing else:
``notebooks/<assignment>/`` (the release), ``course_utils/``, ``datasets/`` (bundled data, no downloads), a
``pyproject.toml`` that installs ``course_utils`` with its dependencies, and a README. It is checked for leaks too.
"""
import concurrent.futures
import multiprocessing
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .notebook_cells import solution_lines

LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "run_hidden_checks")
AUTOGRADER_IMPORT = re.compile(r"(^|[\s\"'])(from|import)\s+autograder\b", re.M)
DATASET_DOWNLOADS = ("cifar-10-batches-py", "*.tar.gz", ".*")
BUNDLE_DEPENDENCIES = ["numpy>=1.24", "matplotlib>=3.7", "ipywidgets>=8.0", "jupyterlab>=4.0", "tqdm>=4.66"]


@dataclass
class ReleaseCheck:
    """What was verified for one assignment; ``problems`` empty means it may be handed out."""

    assignment: str
    files: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    validated: bool = False

    @property
    def ok(self):
        return not self.problems


def release(course, assignments, validate=True, workers=None, log=print):
    """Generate, verify and (optionally) validate ``assignments``; returns one ReleaseCheck per assignment."""
    checks = []
    for assignment in assignments:
        generate(course, assignment)
        check = ReleaseCheck(assignment)
        folder = course.path("release", ".", assignment)
        check.files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        check.problems += leaks(folder, assignment_solution_lines(course, assignment))
        checks.append(check)
        log(f"generated release/{assignment}: {len(check.files)} file(s), "
            f"{'no leaks' if check.ok else f'{len(check.problems)} problem(s)'}")
    if validate:
        _validate_all(course, checks, workers, log)
    return checks


def generate(course, assignment):
    """nbgrader generate_assignment, in this process, on the real course (updates the gradebook too)."""
    from nbgrader.converters import GenerateAssignment  # noqa: PLC0415

    coursedir = course.coursedir
    coursedir.assignment_id = assignment
    converter = GenerateAssignment(coursedir=coursedir, config=course.config)
    converter.force = True
    converter.start()


def assignment_solution_lines(course, assignment):
    """Distinctive code lines between the solution markers of the assignment's source notebooks."""
    return {line for name in course.notebooks(assignment)
            for line in solution_lines(nbformat.read(str(course.source_notebook(assignment, name)), as_version=4))}


def leaks(folder, solution_code=(), markers=LEAK_MARKERS):
    """Problems found in the text files under ``folder``: instructor ``markers`` (and autograder imports, unless
    ``markers`` is empty) or lines of ``solution_code``."""
    problems = []
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file() or path.suffix not in (".ipynb", ".py", ".md", ".txt", ".json", ".yaml", ".cfg",
                                                     ".toml", ".csv"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found = [marker for marker in markers if marker in text]
        if markers and AUTOGRADER_IMPORT.search(text):
            found.append("an import of the autograder")
        if found:
            problems.append(f"{path.relative_to(folder)} mentions {', '.join(found)}")
        copied = [line for line in solution_code if line in text]
        if copied:
            problems.append(f"{path.relative_to(folder)} contains solution code, e.g. {copied[0]!r}")
    return problems


def _validate_all(course, checks, workers, log):
    context = multiprocessing.get_context("spawn")
    workers = max(1, min(workers or os.cpu_count() or 1, len(checks)))
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {pool.submit(validate_pair, str(course.root), c.assignment): c for c in checks}
        for future in concurrent.futures.as_completed(futures):
            check = futures[future]
            try:
                problems = future.result()
            except Exception as error:  # the validator itself failed: say so for this assignment
                problems = [f"nbgrader validate could not run: {type(error).__name__}: {error}"]
            check.problems += problems
            check.validated = True
            log(f"validated {check.assignment}: " + ("source passes, release stubs pass no test" if not problems
                                                    else "; ".join(problems)))


def validate_pair(course_root, assignment):
    """Run nbgrader's validator on the source (must pass) and the release (inverted: must fail every test)."""
    from .course import Course  # noqa: PLC0415

    course = Course.open(course_root)
    problems = []
    for name in course.notebooks(assignment):
        results = _validator(course).validate(str(course.source_notebook(assignment, name)))
        problems += [f"source {name}: a test fails: {_first_line(cell.get('raw_error', ''))}"
                     for cell in results.get("failed", [])]
        problems += _changed_cells(results, f"source {name}: nbgrader validate")
        results = _validator(course, invert=True).validate(
            str(course.path("release", ".", assignment) / f"{name}.ipynb"))
        problems += [f"release {name}: a test passes on the stubs: {_first_line(cell.get('source', ''))}"
                     for cell in results.get("passed", [])]
        problems += _changed_cells(results, f"release {name}: nbgrader validate --invert")
    return problems


def _changed_cells(results, what):
    return [f"{what} reports {key} cells" for key in ("changed", "type_changed") if results.get(key)]


def _validator(course, invert=False):
    """nbgrader's validator, running its kernels like grading does (sandboxed, quiet, surviving a dead kernel);
    ``invert``: every test must fail (for the release stubs)."""
    from nbgrader.preprocessors import CheckCellMetadata, ClearOutput  # noqa: PLC0415
    from nbgrader.validator import Validator  # noqa: PLC0415

    from .execute import GuardedExecute  # noqa: PLC0415

    validator = Validator(config=course.config)
    validator.preprocessors = [CheckCellMetadata, ClearOutput, GuardedExecute]
    validator.invert = invert
    return validator


def _first_line(text):
    lines = [line for line in re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines() if line.strip()]
    return lines[-1][:200] if lines else "(no message)"


def build_bundle(course, assignments, destination):
    """Write the student bundle to ``destination`` (a folder, or a .zip file); returns the leaks found (none: ok)."""
    destination = Path(destination).resolve()
    with tempfile.TemporaryDirectory(prefix="course-bundle-") as scratch:
        folder = Path(scratch) / (destination.stem if destination.suffix == ".zip" else destination.name)
        _assemble(course, assignments, folder)
        problems = bundle_leaks(course, assignments, folder)
        if problems:
            return problems
        if destination.suffix == ".zip":
            _zip(folder, destination)
        else:
            if destination.exists():
                shutil.rmtree(destination)
            shutil.copytree(folder, destination)
    return []


def bundle_leaks(course, assignments, folder):
    """Instructor markers anywhere; each notebook against its own assignment's solutions (a later notebook may
    reuse an earlier one's answers); course_utils and the datasets against every solution."""
    every = {a: assignment_solution_lines(course, a) for a in assignments}
    problems = leaks(folder, ())
    for assignment in assignments:
        problems += leaks(folder / "notebooks" / assignment, every[assignment], markers=())
    for part in ("course_utils", "datasets"):
        problems += [f"{part}/{problem}" for problem in leaks(folder / part, set().union(*every.values()), ())]
    return sorted(set(problems))


def _assemble(course, assignments, folder):
    import course_utils  # noqa: PLC0415
    from course_utils.data.locate import locate_datasets  # noqa: PLC0415

    for assignment in assignments:
        release_folder = course.path("release", ".", assignment)
        if not release_folder.is_dir():
            raise FileNotFoundError(f"release/{assignment} does not exist: run `course release {assignment}` first")
        shutil.copytree(release_folder, folder / "notebooks" / assignment)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(Path(course_utils.__file__).parent, folder / "course_utils", ignore=ignore)
    datasets = locate_datasets().path
    if datasets.is_dir():
        shutil.copytree(datasets, folder / "datasets",
                        ignore=shutil.ignore_patterns("__pycache__", *DATASET_DOWNLOADS))
    (folder / "pyproject.toml").write_text(_pyproject())
    (folder / "README.md").write_text(_readme(assignments))


def _zip(folder, destination):
    destination.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, Path(folder.name) / path.relative_to(folder))


def _pyproject():
    dependencies = "".join(f'    "{d}",\n' for d in BUNDLE_DEPENDENCIES)
    return ('[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
            '[project]\nname = "dl-fundamentals-student"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'
            f"dependencies = [\n{dependencies}]\n\n"
            '[tool.setuptools]\npackages = { find = { include = ["course_utils*"] } }\n')


def _readme(assignments):
    listed = "".join(f"- `notebooks/{a}/`\n" for a in assignments)
    return ("# Deep learning fundamentals: student notebooks\n\n"
            "Set up once (Python 3.10+), in this folder:\n\n"
            "```bash\npython3 -m venv .venv\n.venv/bin/pip install -e .\n.venv/bin/jupyter lab notebooks/\n```\n\n"
            "Work through the notebooks in order; each exercise is a cell marked `# YOUR CODE HERE`, and the cell "
            "below it checks your work. When your notebook is graded, more checks run on inputs you have not seen.\n\n"
            f"Notebooks:\n\n{listed}")
