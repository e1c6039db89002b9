"""ipywidgets pieces shared by the widgets' views: sliders, the run/stop clock, the error panel and the picture.

How dragging stays smooth: sliders send their value while being dragged (``continuous_update=True``) wherever the
kernel handles a change in a few tens of milliseconds. The browser's widget manager never queues updates behind a
busy kernel: while one message from a widget is unanswered it only keeps the newest state and sends that when the
kernel is idle again. So a slow frame makes the updates sparser, never late, and the picture follows the pointer.
Controls whose change recomputes something heavy (a whole loss surface) send on release instead
(``continuous_update=False``); each view says which, and why, where it builds them.
"""
import html
import math

import ipywidgets as widgets

DESCRIPTION_STYLE = {"description_width": "110px"}


def float_slider(description, value, low, high, step, continuous=True, width="300px", readout_format=".2f"):
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               continuous_update=continuous, readout_format=readout_format,
                               style=DESCRIPTION_STYLE, layout=widgets.Layout(width=width))


def log_slider(description, value, low_exponent, high_exponent, continuous=True, width="300px"):
    """A slider over powers of ten, 10**low_exponent to 10**high_exponent (learning rates, regularization)."""
    return widgets.FloatLogSlider(value=value, base=10, min=low_exponent, max=high_exponent, step=0.05,
                                  description=description, continuous_update=continuous, readout_format=".2e",
                                  style=DESCRIPTION_STYLE, layout=widgets.Layout(width=width))


def int_slider(description, value, low, high, continuous=True, width="300px"):
    return widgets.IntSlider(value=value, min=low, max=high, description=description, continuous_update=continuous,
                             style=DESCRIPTION_STYLE, layout=widgets.Layout(width=width))


def dropdown(description, options, value, width="300px"):
    return widgets.Dropdown(options=list(options), value=value, description=description, style=DESCRIPTION_STYLE,
                            layout=widgets.Layout(width=width))


def button(description, tooltip, icon=""):
    return widgets.Button(description=description, tooltip=tooltip, icon=icon, layout=widgets.Layout(width="auto"))


def set_slider(slider, value):
    """Show ``value`` on a slider, widening its range first if needed (a slider clamps values outside it).

    A FloatLogSlider's min and max are exponents of its base, so its range is widened in exponents."""
    bound = value
    if isinstance(slider, widgets.FloatLogSlider):
        bound = math.log(value, slider.base) if value > 0 else slider.min
    if bound > slider.max:
        slider.max = bound
    if bound < slider.min:
        slider.min = bound
    slider.value = value


class PictureWidget:
    """An ipywidgets.Image showing a picture (an object with ``draw()`` and ``png()``)."""

    def __init__(self, picture):
        self.picture = picture
        self.widget = widgets.Image(value=picture.png(), format="png")

    def refresh(self):
        self.picture.draw()
        self.widget.value = self.picture.png()


class ErrorPanel:
    """Shows the error raised by a student's function inside the widget, where the student is looking.

    An exception in a widget callback would otherwise only reach JupyterLab's log console. ``guard(callback)``
    returns a callback that shows the error here instead (and calls ``on_error``, e.g. to stop a running loop);
    the panel clears itself at the next callback that succeeds.
    """

    def __init__(self, on_error=None):
        self.widget = widgets.HTML(value="")
        self.on_error = on_error
        self.last_error = None

    def guard(self, callback):
        def guarded(*args, **kwargs):
            try:
                result = callback(*args, **kwargs)
            except Exception as error:  # noqa: BLE001 - any error of the student's code is shown, not lost
                self.show(error)
                return None
            if self.last_error is not None:
                self.clear()
            return result
        return guarded

    def show(self, error):
        self.last_error = error
        message = html.escape(f"{type(error).__name__}: {error}")
        self.widget.value = f"<pre style='color:#b00020;white-space:pre-wrap;margin:4px 0'>{message}</pre>"
        if self.on_error is not None:
            self.on_error()

    def clear(self):
        self.last_error = None
        self.widget.value = ""


class Runner:
    """A run/stop toggle calling ``on_tick()`` about every ``interval_ms`` milliseconds while it is on.

    The clock is an ipywidgets.Play kept out of sight: it lives in the browser and advances its value every
    interval, and each value the kernel receives makes one tick. Since the browser holds back a widget's updates
    while the kernel is busy with the previous one, a tick slower than the interval makes the ticks sparser rather
    than piling them up, and a click on stop is handled right after the tick in progress. No thread or background
    task runs in the kernel.
    """

    def __init__(self, on_tick, interval_ms=100, tooltip="take steps continuously until stopped"):
        self.on_tick = on_tick
        self.clock = widgets.Play(value=0, min=0, max=10 ** 9, step=1, interval=interval_ms, show_repeat=False,
                                  layout=widgets.Layout(display="none"))
        self.toggle = widgets.ToggleButton(value=False, description="run", icon="play", tooltip=tooltip,
                                           layout=widgets.Layout(width="auto"))
        self.toggle.observe(self._toggled, "value")
        self.clock.observe(self._ticked, "value")
        self.widget = widgets.HBox([self.toggle, self.clock])

    @property
    def running(self):
        return self.toggle.value

    def stop(self):
        self.toggle.value = False

    def _toggled(self, change):
        self.toggle.description, self.toggle.icon = ("stop", "stop") if change.new else ("run", "play")
        self.clock.playing = change.new

    def _ticked(self, change):
        if self.toggle.value and change.new > change.old:
            self.on_tick()


def html_table(header, rows, caption=None):
    """A small HTML table: header is a list of column titles (HTML allowed), rows a list of lists of cells."""
    head = "".join(f"<th style='padding:1px 6px'>{cell}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td style='padding:1px 6px;text-align:right'>{cell}</td>" for cell in row)
                   + "</tr>" for row in rows)
    title = f"<caption style='text-align:left'>{caption}</caption>" if caption else ""
    return (f"<table style='border-collapse:collapse;font-size:12px;font-family:monospace'>{title}"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def coloured(text, colour):
    return f"<b style='color:{colour}'>{html.escape(str(text))}</b>"
