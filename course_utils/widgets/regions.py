"""Decision-region pictures shared by the classifier widgets: a grid of points over the plane, and the image that
colours each grid cell by the class predicted there.

The predictions themselves always come from the caller's classifier; this module only lays out the grid and turns
labels into colours.
"""
from typing import NamedTuple

import numpy as np
from matplotlib.colors import to_rgb

REGION_ALPHA = 0.28  # regions stay pale so that the points and lines drawn on top remain readable


class RegionGrid(NamedTuple):
    """R x R cell centres covering a box of the plane.

    - points: the cell centres, of shape (R * R, 2), row by row from the bottom (y = y_min) up
    - shape: (R, R), to reshape one value per point into an image
    - extent: (x_min, x_max, y_min, y_max), the box the image covers (for imshow's ``extent``)
    """

    points: np.ndarray
    shape: tuple
    extent: tuple

    @classmethod
    def around(cls, X, resolution, padding, symmetric=False):
        """The grid covering the points X (N, 2) with a margin of ``padding``; with ``symmetric`` the box is the
        square [-L, L]^2 around the origin (so the weight arrows drawn from the origin stay in view)."""
        X = np.asarray(X, dtype=np.float64)
        if symmetric:
            half = float(np.max(np.abs(X))) + padding
            low, high = np.array([-half, -half]), np.array([half, half])
        else:
            low, high = X.min(axis=0) - padding, X.max(axis=0) + padding
        return cls.over(low, high, resolution)

    @classmethod
    def over(cls, low, high, resolution):
        """The grid over the box from corner ``low`` (x_min, y_min) to ``high`` (x_max, y_max)."""
        (x_min, y_min), (x_max, y_max) = low, high
        step_x, step_y = (x_max - x_min) / resolution, (y_max - y_min) / resolution
        xs = x_min + step_x * (np.arange(resolution) + 0.5)
        ys = y_min + step_y * (np.arange(resolution) + 0.5)
        grid_x, grid_y = np.meshgrid(xs, ys)
        points = np.column_stack([grid_x.ravel(), grid_y.ravel()])
        return cls(points, (resolution, resolution), (float(x_min), float(x_max), float(y_min), float(y_max)))


def region_rgba(labels, colours, alpha=REGION_ALPHA):
    """An RGBA image, of shape labels.shape + (4,), with each cell in the (pale) colour of its label.

    labels: integer class labels, of any shape; colours: one matplotlib colour per class.
    Labels outside 0..len(colours)-1 (a predict function gone wrong) are shown white.
    """
    palette = np.ones((len(colours) + 1, 4))
    palette[:-1, :3] = [to_rgb(colour) for colour in colours]
    palette[:, :3] = 1 - alpha * (1 - palette[:, :3])   # blend with white instead of using transparency
    labels = np.asarray(labels)
    inside = (labels >= 0) & (labels < len(colours))
    return palette[np.where(inside, labels, len(colours))]
