"""Tests of the pieces the widgets share: the blitted PNG canvas, the region grid, the ipywidgets controls, and the
split between plain states and ipywidgets views."""
import ast
import io
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

import course_utils.widgets
from course_utils.data import make_blobs
from course_utils.widgets import LinearClassifierPicture, LinearClassifierState
from course_utils.widgets._canvas import FigureImage
from course_utils.widgets._controls import ErrorPanel, Runner, set_slider
from course_utils.widgets.regions import REGION_ALPHA, RegionGrid, region_rgba
from test_widgets_references import add_bias_dimension, linear_scores, predict_labels, svm_loss

WIDGETS = Path(course_utils.widgets.__file__).parent
PLAIN_MODULES = ["_arguments.py", "_canvas.py", "regions.py", "surfaces.py", "linear_classifier.py", "landscape.py",
                 "backprop.py", "mlp.py"]


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def full_redraw(image):
    """The figure drawn the ordinary way (every artist, no cached background), as RGBA pixels."""
    layered = image._animated + image._scenery
    for artist in layered:
        artist.set_animated(False)
    image.canvas.draw()
    drawn = np.asarray(image.canvas.buffer_rgba()).copy()
    for artist in layered:
        artist.set_animated(True)
    return drawn


def assert_same_picture(png, image):
    """A layered frame matches a full drawing, except on the axes' frames: there anti-aliasing may differ, as the
    frame is drawn before the layers instead of over the artists, and a layer that fills its axes covers it."""
    difference = np.abs(pixels(png).astype(int) - full_redraw(image)).any(axis=2)
    difference &= ~frame_pixels(image.figure, difference.shape)
    assert np.mean(difference) < 1e-3, f"{np.sum(difference)} pixels differ"


def frame_pixels(figure, shape, width=2):
    """Boolean (H, W) mask of the pixels within ``width`` of an axes' edge (a frame line and its anti-aliasing)."""
    mask = np.zeros(shape, dtype=bool)
    height = shape[0]
    for ax in figure.axes:
        x0, y0, x1, y1 = np.round(ax.get_window_extent().extents).astype(int)
        top, bottom = height - y1, height - y0
        for row in (top, bottom):
            mask[max(row - width, 0):row + width + 1, max(x0 - width, 0):x1 + width + 1] = True
        for column in (x0, x1):
            mask[max(top - width, 0):bottom + width + 1, max(column - width, 0):column + width + 1] = True
    return mask


def test_a_blitted_frame_equals_a_full_redraw():
    """After changes, is the PNG drawn over the cached background the picture a full drawing gives?"""
    X, y = make_blobs(5, 3, noise=0.6, seed=1)
    state = LinearClassifierState(X, y, linear_scores, predict_labels, {"hinge": svm_loss},
                                  add_bias_fn=add_bias_dimension, resolution=30)
    picture = LinearClassifierPicture(state)
    picture.png()
    for value in (2.0, -1.5):
        state.set_entry("W", (0, 1), value)
        picture.draw()
        assert_same_picture(picture.png(), picture.image)


def test_invalidate_renders_changed_static_parts():
    """Does a change of a static part (a title) show up after invalidate(), and only then (it is cached)?"""
    image = FigureImage((2, 2), dpi=50)
    ax = image.figure.add_subplot()
    line, = ax.plot([0, 1], [0, 1])
    image.animate(line)
    first = image.png()
    ax.set_title("a new title")
    assert image.png() == first           # static parts come from the cache
    image.invalidate()
    assert image.png() != first
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and pixels(first).shape == (100, 100, 4)
    image.release(line)
    assert line not in image._animated


def test_scenery_is_drawn_once_under_the_animated_artists():
    """Is the scenery cached with the background (a frame only redraws the animated artists), replaced by
    set_scenery, and drawn under the animated artists?"""
    image = FigureImage((2, 2), dpi=50)
    ax = image.figure.add_subplot(xlim=(0, 1), ylim=(0, 1))
    patch = ax.axvspan(0, 1, color="tab:blue")
    line, = ax.plot([0, 1], [0.5, 0.5], color="k", lw=4)
    image.set_scenery(patch)
    image.animate(line)
    first = image.png()
    assert_same_picture(first, image)
    patch.set_color("tab:red")
    assert image.png() == first            # the scenery comes from its cache
    image.set_scenery(patch)
    second = image.png()
    assert second != first
    assert_same_picture(second, image)     # the line is drawn over the red patch


def test_region_grid_covers_the_points_with_a_margin():
    """Does the grid cover the points plus padding, cell centres inside, symmetric when asked?"""
    X = np.array([[0.0, 1.0], [2.0, -1.0]])
    grid = RegionGrid.around(X, resolution=4, padding=0.5)
    assert grid.extent == (-0.5, 2.5, -1.5, 1.5) and grid.points.shape == (16, 2) and grid.shape == (4, 4)
    np.testing.assert_allclose(grid.points[:4, 0], [-0.125, 0.625, 1.375, 2.125])
    assert np.all(grid.points[:4, 1] == -1.125)
    symmetric = RegionGrid.around(X, resolution=4, padding=0.5, symmetric=True)
    assert symmetric.extent == (-2.5, 2.5, -2.5, 2.5)


def test_region_colours_are_pale_class_colours_and_white_for_bad_labels():
    """Is each label shown in its colour blended with white, and a label out of range white?"""
    rgba = region_rgba(np.array([[0, 1], [2, 7]]), ["#ff0000", "#0000ff", "#000000"])
    np.testing.assert_allclose(rgba[0, 0], [1, 1 - REGION_ALPHA, 1 - REGION_ALPHA, 1])
    np.testing.assert_allclose(rgba[1, 0, :3], 1 - REGION_ALPHA)
    np.testing.assert_allclose(rgba[1, 1], [1, 1, 1, 1])


def test_set_slider_widens_linear_and_log_ranges():
    """Does set_slider widen a slider's range (in exponents for a log slider) instead of letting it clamp?"""
    slider = widgets.FloatSlider(value=0, min=-1, max=1)
    set_slider(slider, 3.5)
    assert slider.value == 3.5 and slider.max == 3.5
    set_slider(slider, -4.0)
    assert slider.value == -4.0 and slider.min == -4.0
    log = widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=0)
    set_slider(log, 50.0)
    assert log.value == pytest.approx(50.0) and log.max == pytest.approx(np.log10(50.0))


def test_runner_ticks_only_while_running():
    """Does the run toggle start and stop the browser clock, with a tick per clock value only while running?"""
    ticks = []
    runner = Runner(lambda: ticks.append(1))
    runner.clock.value += 1
    assert ticks == []
    runner.toggle.value = True
    assert runner.clock.playing and runner.toggle.description == "stop"
    runner.clock.value += 1
    runner.clock.value += 1
    runner.stop()
    runner.clock.value += 1
    assert len(ticks) == 2 and not runner.clock.playing and runner.toggle.description == "run"


def test_error_panel_shows_escaped_errors_and_clears_on_success():
    """Does a guarded callback's error appear (HTML-escaped), call on_error, and vanish after a success?"""
    stopped = []
    panel = ErrorPanel(on_error=lambda: stopped.append(True))

    def callback(fail):
        if fail:
            raise ValueError("expected <N, C>")
        return "ok"

    guarded = panel.guard(callback)
    assert guarded(True) is None
    assert "ValueError: expected &lt;N, C&gt;" in panel.widget.value and stopped == [True]
    assert guarded(False) == "ok" and panel.widget.value == ""


@pytest.mark.parametrize("module", PLAIN_MODULES)
def test_states_and_pictures_do_not_import_ipywidgets(module):
    """Are the states and pictures plain objects (testable and usable without ipywidgets or a browser)?"""
    tree = ast.parse((WIDGETS / module).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "ipywidgets" not in imported
    assert "_controls" not in imported and not any(name.endswith("_view") for name in imported)


def test_widgets_do_not_use_pyplot():
    """Do the widgets draw without pyplot (no second static figure under a widget, no figures left open)?"""
    for path in WIDGETS.glob("*.py"):
        tree = ast.parse(path.read_text())
        names = [alias.name for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                 for alias in node.names]
        modules = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not any("pyplot" in name for name in names + modules), f"{path.name} imports pyplot"
