"""A matplotlib figure that renders itself to PNG bytes, for a widget's picture.

The widgets draw with a plain ``Figure`` on an Agg canvas, never through pyplot: the inline backend then never shows
a second, frozen copy of the picture under the widget, and no figure is left open in pyplot's registry.

A picture makes its artists once and changes their data between frames (``set_data``, ``set_offsets``...). The
artists that change are registered with ``animate()``: the rest of the figure (axes, ticks, labels: most of the
drawing time) is rendered once into a background that each frame starts from (blitting). A picture whose static
parts change (new axis limits) calls ``invalidate()`` so that the next frame renders the background again.
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
        self._background = None

    def animate(self, *artists):
        """Register artists that change from frame to frame; they are drawn over the cached background."""
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)
        self.invalidate()

    def release(self, *artists):
        """Stop treating artists as animated (before removing them, e.g. when an axes is cleared)."""
        released = {id(artist) for artist in artists}
        self._animated = [artist for artist in self._animated if id(artist) not in released]
        self.invalidate()

    def invalidate(self):
        """Render the static parts again at the next frame (after changing limits, labels or ticks)."""
        self._background = None

    def png(self):
        """Render the current frame and return the PNG file's bytes."""
        if self._background is None:
            self.canvas.draw()   # animated artists are skipped here, so this is the static background only
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        else:
            self.canvas.restore_region(self._background)
        for artist in sorted(self._animated, key=lambda artist: artist.get_zorder()):
            if artist.get_visible():
                self.figure.draw_artist(artist)
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(self.canvas.buffer_rgba())).save(buffer, format="png",
                                                                    compress_level=PNG_COMPRESS_LEVEL)
        return buffer.getvalue()
