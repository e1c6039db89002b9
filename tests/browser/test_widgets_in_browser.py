"""Do the widgets render in a real browser, and does the picture follow the controls?

JupyterLab is started on a free local port with a token and a temporary notebook folder; headless Chromium (the
system's, driven by Playwright) opens a notebook whose one cell shows the four widgets: the linear classifier
playground (a weight slider is dragged, then "run" and "stop" pressed), the loss landscape explorer ("new random
directions"), the backward-pass view ("next") and the MLP playground ("step"). After each action the test compares
screenshots of that widget's picture before and after. It is one test, so that pytest-xdist never starts two
JupyterLab servers and browsers for it.
"""
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from chromium import launch, require_chromium
from jupyter_lab import JupyterLab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "playground.ipynb"
# The reference functions are defined in the notebook itself: course_utils carries none.
PLAYGROUND_CELL = textwrap.dedent("""
    import numpy as np
    from course_utils.data import make_blobs
    from course_utils.widgets import LinearClassifierPlayground

    def add_bias(X):
        return np.hstack([X, np.ones((len(X), 1))])

    def scores(X, W, b):
        return X @ W + b

    def predict(scores):
        return np.argmax(scores, axis=1)

    def softmax_loss(W, X, y, reg):
        shifted = X @ W - np.max(X @ W, axis=1, keepdims=True)
        log_probabilities = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        return -np.mean(log_probabilities[np.arange(len(y)), y]) + reg * np.sum(W * W)

    X, y = make_blobs(5, 3, noise=0.6, seed=1)
    playground = LinearClassifierPlayground(X, y, scores, predict, {"softmax": softmax_loss}, add_bias_fn=add_bias)
    display(playground)
""")
# The other three widgets take the tests' reference functions (tests/test_widgets_references.py).
OTHER_WIDGETS_CELL = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from course_utils.widgets import BackwardStepsView, LossLandscapeExplorer, MLPPlayground
    from test_widgets_references import UPDATE_RULES, Value, make_model

    rng = np.random.default_rng(0)
    explorer = LossLandscapeExplorer(loss_fn=softmax_loss, W=0.1 * rng.standard_normal((3, 3)),
                                     X=add_bias(X), y=y, data_resolution=9, slice_resolution=9)
    x0, w0, x1, w1, bias = Value(-1.0), Value(2.0), Value(-2.0), Value(-3.0), Value(1.0)
    steps = BackwardStepsView((x0 * w0 + x1 * w1 + bias).tanh())
    mlp = MLPPlayground(make_model, UPDATE_RULES, activations=("relu",), steps_per_tick=5)
    display(explorer, steps, mlp)
""")
WIDGET_COUNT = 4
WIDGET_TIMEOUT_MS = 120_000   # kernel start and the first imports, on a busy machine
CHANGE_TIMEOUT_S = 30.0


@pytest.fixture
def lab(tmp_path):
    require_chromium()
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    tests = str(Path(__file__).resolve().parents[1])
    source = PLAYGROUND_CELL + OTHER_WIDGETS_CELL.format(tests=tests)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, notebooks / NOTEBOOK)
    with JupyterLab(notebooks, tmp_path / "jupyter") as server:
        yield server


@pytest.fixture
def page(lab, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = launch(playwright, tmp_path / "chromium-profile")
        try:
            page = context.new_page()
            page.goto(lab.notebook_url(NOTEBOOK))
            _run_first_cell(page, lab)
            yield page
        finally:
            context.close()


def test_do_the_four_widgets_render_and_follow_their_controls(page):
    """Playground: does dragging a weight slider change its readout and the picture; does "run" take gradient steps
    in the kernel (the picture and the step count change) until "stop"? Landscape, backward pass, MLP: does the
    picture change when their main button is pressed?"""
    _drag_a_weight_slider(page)
    _run_then_stop(page)
    for index, button in [(1, "new random directions"), (2, "next"), (3, "step")]:
        before = _picture(page, index).screenshot()
        widget = page.locator(".jp-OutputArea-output").nth(index)
        widget.locator("button", has_text=button).first.click()
        after = _wait_for_new_picture(page, before, f"pressing {button!r}", index)
        assert len(after) > 1000 and after[:8] == b"\x89PNG\r\n\x1a\n"


def _run_first_cell(page, lab):
    cell = page.locator(".jp-Notebook .jp-CodeCell").first
    cell.locator(".jp-InputArea-editor").wait_for(timeout=WIDGET_TIMEOUT_MS)
    deadline = time.monotonic() + WIDGET_TIMEOUT_MS / 1000
    while not _execution_started(cell):
        # a key press can reach the page before the notebook takes focus; then it is lost, so press again
        if time.monotonic() > deadline:
            pytest.fail(f"the notebook cell could not be started; JupyterLab log:\n{lab.log()}")
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")   # JupyterLab queues the execution until the kernel is ready
        for _ in range(10):
            if _execution_started(cell):
                break
            time.sleep(0.5)
    last_picture = _picture(page, WIDGET_COUNT - 1)
    while time.monotonic() < deadline:
        error = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
                             ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
        if error.count():
            pytest.fail(f"the notebook cell failed:\n{error.first.inner_text()}")
        if last_picture.count() and last_picture.is_visible():
            return
        time.sleep(0.5)
    pytest.fail(f"the {WIDGET_COUNT} widget pictures did not appear within {WIDGET_TIMEOUT_MS / 1000:.0f} s; JupyterLab log:\n{lab.log()}")


def _execution_started(cell):
    """Whether the cell is queued, running or done: its prompt reads [*]: or [1]: instead of [ ]:."""
    prompt = cell.locator(".jp-InputArea-prompt").first.inner_text().strip()
    return prompt not in ("", "[ ]:")


def _picture(page, index=0):
    """The picture of the ``index``-th widget (each widget shows one image, first in its box)."""
    return page.locator(".jp-OutputArea-output").nth(index).locator("img.widget-image").first


def _wait_for_new_picture(page, before, what, index=0):
    """Wait until the picture's screenshot differs from ``before``; return the new screenshot."""
    deadline = time.monotonic() + CHANGE_TIMEOUT_S
    while time.monotonic() < deadline:
        after = _picture(page, index).screenshot()
        if after != before:
            return after
        time.sleep(0.25)
    pytest.fail(f"the picture did not change within {CHANGE_TIMEOUT_S:.0f} s after {what}")


def _drag_a_weight_slider(page):
    slider = page.locator(".widget-slider", has_text="W[0, 0]").first
    readout_before = slider.locator(".widget-readout").inner_text()
    before = _picture(page).screenshot()
    handle = slider.locator(".noUi-handle").first
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for offset in range(10, 90, 10):     # a drag, not a jump: the slider sends values while it moves
        page.mouse.move(x + offset, y)
        time.sleep(0.05)
    page.mouse.up()
    after = _wait_for_new_picture(page, before, "dragging the W[0, 0] slider")
    assert slider.locator(".widget-readout").inner_text() != readout_before
    assert len(after) > 1000 and after[:8] == b"\x89PNG\r\n\x1a\n"


def _run_then_stop(page):
    before = _picture(page).screenshot()
    run = page.locator("button.widget-toggle-button", has_text="run").first
    run.click()
    _wait_for_new_picture(page, before, "pressing run")
    page.locator("text=/steps taken: [1-9]/").first.wait_for(timeout=CHANGE_TIMEOUT_S * 1000)
    page.locator("button.widget-toggle-button", has_text="stop").first.click()
    page.locator("button.widget-toggle-button", has_text="run").first.wait_for(timeout=CHANGE_TIMEOUT_S * 1000)
    time.sleep(1.0)   # a tick already sent when stop was pressed may still arrive
    settled = _picture(page).screenshot()
    time.sleep(1.5)
    assert _picture(page).screenshot() == settled, "the picture kept changing after stop"
