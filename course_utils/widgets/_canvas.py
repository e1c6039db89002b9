"""A matplotlib figure that renders itself to PNG bytes, for a widget's picture.

The widgets draw with a plain ``Figure`` on an Agg canvas, never through pyplot: the inline backend then never shows
a second, frozen copy of the picture under the widget, and no figure is left open in pyplot's registry.

A picture makes its artists once and changes their data between frames (``set_data``, ``set_offsets``...). The
artists that change are registered with ``animate()``: the rest of the figure (axes, ticks, labels: most of the
drawing time) is rendered once into a background that each frame starts from (blitting). A picture whose static
parts change (new axis limits) calls ``invalidate()`` so that the next frame renders the background again.

Between the two sits an optional middle layer, the *scenery* (``set_scenery()``): artists that change now and then
but not every frame, such as a loss surface under optimizer paths. It is drawn over the background once, cached,
and each frame starts from that cache; a new scenery costs its own drawing, not the axes'.
"""
import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

# zlib level 1: a frame encodes several times faster than at PNG's default level 6, for a file about 30% larger,
# which is the better trade for a picture redrawn on every slider move and shown from the same machine.
PNG_COMPRESS_LEVEL = 1


class FigureImage:
    """A figure of ``figsize`` inches at ``dpi``; ``png()`` returns the current frame as PNG bytes."""

    def __init__(self, figsize, dpi=80):
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self._animated = []
        self._scenery = []
        self._background = None
        self._with_scenery = None

    def animate(self, *artists, redraw_background=True):
        """Register artists that change from frame to frame; they are drawn over the cached background.

        An artist already drawn into the background must leave it, so the background is rendered again; artists
        made since the last frame were never in it and may pass ``redraw_background=False``."""
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)
        if redraw_background:
            self.invalidate()

    def release(self, *artists):
        """Stop drawing artists as animated (before removing them, e.g. when an axes is cleared). Animated artists
        are never in the background, so it stays valid."""
        released = {id(artist) for artist in artists}
        self._animated = [artist for artist in self._animated if id(artist) not in released]

    def set_scenery(self, *artists):
        """Make ``artists`` the scenery (replacing the previous scenery, which the caller removes from the axes)."""
        for artist in artists:
            artist.set_animated(True)   # kept out of the background
        self._scenery = list(artists)
        self._with_scenery = None

    def invalidate(self):
        """Render the static parts again at the next frame (after changing limits, labels or ticks)."""
        self._background = None
        self._with_scenery = None

    def png(self):
        """Render the current frame and return the PNG file's bytes."""
        if self._background is None:
            self.canvas.draw()   # animated artists and scenery are skipped here: this is the background only
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        if self._with_scenery is None:
            self.canvas.restore_region(self._background)
            self._draw(self._scenery)
            self._with_scenery = self.canvas.copy_from_bbox(self.figure.bbox)
        else:
            self.canvas.restore_region(self._with_scenery)
        self._draw(self._animated)
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(self.canvas.buffer_rgba())).save(buffer, format="png",
                                                                    compress_level=PNG_COMPRESS_LEVEL)
        return buffer.getvalue()

    def _draw(self, artists):
        for artist in sorted(artists, key=lambda artist: artist.get_zorder()):
            if artist.get_visible():
                self.figure.draw_artist(artist)
