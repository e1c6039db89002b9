"""Drive the real nbgrader pipeline on a throwaway course folder (for tests).

    course = TempCourse(tmp_path, ["02_svm_softmax_loss"])      # copies source notebooks, writes nbgrader_config.py
    course.generate()                                            # nbgrader generate_assignment
    course.submit("alice", "02_svm_softmax_loss", course.source_notebook("02_svm_softmax_loss"))
    course.autograde("02_svm_softmax_loss")
    course.scores()  -> {(student, assignment, notebook): {test_or_answer_id: (score, max_score)}}
    course.verdicts("alice", "02_svm_softmax_loss")  -> {test_id: verdict payload from the judge}
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
NBGRADER = [sys.executable, "-m", "nbgrader"]


class TempCourse:
    def __init__(self, root, assignments, source_root=REPO / "notebooks", course_id="test-course",
                 extra_env=None):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ, **(extra_env or {}))
        # nbgrader runs `alembic` as a command to set up the gradebook: it must be on PATH (it lives in the venv)
        self.env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), self.env.get("PATH", "")])
        for assignment in assignments:
            shutil.copytree(Path(source_root) / assignment, self.root / "source" / assignment)
        (self.root / "nbgrader_config.py").write_text(
            "from autograder.grading_config import configure\n"
            f"configure(get_config(), course_id={course_id!r}, source_directory='source')\n")
        self.assignments = list(assignments)

    def run(self, *args, check=True):
        process = subprocess.run(NBGRADER + list(args), cwd=self.root, env=self.env, capture_output=True, text=True)
        if check and process.returncode != 0:
            raise RuntimeError(f"nbgrader {' '.join(args)} failed ({process.returncode}):\n{process.stderr[-4000:]}")
        return process

    def generate(self):
        for assignment in self.assignments:
            self.run("generate_assignment", assignment, "--force")

    def source_notebook(self, assignment):
        return self.root / "source" / assignment / f"{assignment}.ipynb"

    def release_notebook(self, assignment):
        return self.root / "release" / assignment / f"{assignment}.ipynb"

    def submit(self, student, assignment, notebook):
        """Place a notebook (a path or a NotebookNode) as the student's submission of ``assignment``."""
        folder = self.root / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{assignment}.ipynb"
        if isinstance(notebook, (str, Path)):
            shutil.copy(notebook, target)
        else:
            nbformat.write(notebook, target)
        return target

    def autograde(self, assignment, student=None):
        args = ["autograde", assignment, "--force"]
        if student:
            args.append(f"--student={student}")
        return self.run(*args)

    def scores(self):
        """``{(student, assignment): {cell grade_id: (score, max_score)}}`` read from the gradebook."""
        from nbgrader.api import Gradebook

        result = {}
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gradebook:
            for assignment in gradebook.assignments:
                for submission in assignment.submissions:
                    cells = result.setdefault((submission.student.id, assignment.name), {})
                    for notebook in submission.notebooks:
                        for grade in notebook.grades:
                            cells[grade.name] = (grade.score, grade.max_score)
        return result

    def total(self, student, assignment, autograded_only=True):
        """(earned, possible) over the autograded cells (manual ones are left out unless asked for)."""
        cells = self.scores()[(student, assignment)]
        pairs = [(s or 0.0, m) for name, (s, m) in cells.items() if not autograded_only or name.startswith("test_")]
        return sum(p[0] for p in pairs), sum(p[1] for p in pairs)

    def autograded_notebook(self, student, assignment):
        return nbformat.read(self.root / "autograded" / student / assignment / f"{assignment}.ipynb", as_version=4)

    def verdicts(self, student, assignment):
        """The judge's verdict payloads in the autograded notebook, keyed by test cell id."""
        from autograder.judge import VERDICT_MIME

        found = {}
        for cell in self.autograded_notebook(student, assignment).cells:
            for output in cell.get("outputs", []):
                payload = output.get("data", {}).get(VERDICT_MIME)
                if payload:
                    found[payload["test"]] = payload
        return found


def read_json(path):
    return json.loads(Path(path).read_text())
