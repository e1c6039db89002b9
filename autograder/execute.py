"""nbgrader's Execute step, made to survive a kernel that dies or stops answering.

With plain nbgrader, a submission that calls ``os._exit``, exhausts its memory limit or loops while swallowing
``KeyboardInterrupt`` makes the whole autograde of that submission fail: nothing is saved for the student.
:class:`GuardedExecute` instead stops executing at that cell and lets the rest of the pipeline run:

- the cells that ran keep their outputs (and so their scores);
- the cell where the kernel was lost gets an error output saying what happened;
- every later code cell gets an error output "not run: the kernel died at cell N", so its tests score 0 with a
  message the student can act on.

A cell that exceeds the time limit but can be interrupted keeps nbgrader's usual behaviour (a ``CellTimeoutError``
output, then the next cell runs). Kernels start under :class:`autograder.sandbox.SandboxKernelManager`.
"""
import nbformat
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Enum, Integer

from .sandbox import SandboxKernelManager

KERNEL_STOPPED = "KernelStopped"
STOPPED_KEY = "course_kernel_stopped"  # in nbconvert resources: where the kernel was lost, for the run's report


class GuardedExecute(Execute):
    """Execute every cell; if the kernel is lost at cell N, mark cells N+1... as not run instead of failing."""

    shutdown_kernel = Enum(
        ["graceful", "immediate"], default_value="immediate", config=True,
        help="How the kernel is stopped after the last cell. Every output has arrived by then and nothing the kernel "
             "leaves behind is kept (its sandbox goes with it), so a graceful shutdown would only wait ~0.4 s.",
    )

    iopub_timeout = Integer(
        30, config=True,
        help="Seconds to wait for a finished cell's remaining output (a cell that prints megabytes needs a while).",
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxKernelManager)
        super().__init__(**kwargs)
        self.stopped = None

    def preprocess(self, nb, resources=None, km=None):
        self.stopped = None
        self._interrupted = False
        nb, resources = super().preprocess(nb, resources, km)
        if resources is not None:
            resources[STOPPED_KEY] = self.stopped
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if self.stopped is not None:
            if cell.cell_type == "code" and cell.source.strip():
                cell.outputs = [_error_output(f"not run: {self.stopped}")]
            return cell, resources
        self._interrupted = False
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            reason = ("the kernel died while running this cell (the process exited: os._exit, exit(), a crash, "
                      "or the memory limit)")
        except CellTimeoutError:
            if not self._interrupted:  # the cell finished but its output kept coming: keep going
                cell.outputs.append(_error_output("the output of this cell was cut: it printed more than the "
                                                  f"grader collects in {self.iopub_timeout} s"))
                return cell, resources
            reason = (f"this cell ran longer than {self.timeout} s and did not stop when interrupted "
                      "(an infinite loop that catches KeyboardInterrupt?), so the kernel was stopped")
            self._stop_kernel()
        number = index + 1
        self.stopped = f"the kernel died at cell {number}"
        self.log.warning("Kernel lost at cell %d: %s", number, reason)
        cell.outputs.append(_error_output(f"{reason}. Cells after cell {number} were not run."))
        return cell, resources

    async def _async_handle_timeout(self, timeout, cell=None):
        self._interrupted = True
        return await super()._async_handle_timeout(timeout, cell)

    def _stop_kernel(self):
        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception as error:  # already gone: nothing left to stop
            self.log.debug("stopping the kernel: %s", error)


def _error_output(message):
    return nbformat.v4.new_output("error", ename=KERNEL_STOPPED, evalue=message,
                                  traceback=[f"{KERNEL_STOPPED}: {message}"])
