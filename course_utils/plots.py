"""Static matplotlib pictures the notebooks share. Each function draws on an ``ax`` (made if not given) and returns it.

- :func:`image_grid`: images (N, H, W) or (N, H, W, 3), e.g. samples per class or weight templates.
- :func:`templates`: a linear classifier's weights (D, C) or (D+1, C), one image per class, rescaled for viewing.
- :func:`decision_regions`: 2D points coloured by class, the regions where each class scores highest, and optionally
  each class's zero-score line and weight direction.
- :func:`curves`: one or more series against iterations/epochs (losses, accuracies), optionally smoothed.
- :func:`heatmap`: a grid of values over two hyperparameters (e.g. validation accuracy over learning rate and reg).

The caller provides the scoring function for decision regions, so no classifier lives here.
"""
import matplotlib.pyplot as plt
import numpy as np

CLASS_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                 "#bcbd22", "#17becf")


def _axes(ax, figsize=(5, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _rescale(image):
    """Map an image to [0, 1] for display (weights have any sign and scale)."""
    low, high = np.min(image), np.max(image)
    return (image - low) / (high - low) if high > low else np.zeros_like(image, dtype=np.float64)


def image_grid(images, titles=None, ncols=10, rescale=True, cmap="gray", figsize=None):
    """Show images in a grid.

    images: array of shape (N, H, W) (grayscale) or (N, H, W, 3) (colour), any numeric dtype.
    titles: optional sequence of N strings.
    rescale: map each image to [0, 1] independently (needed for weights and mean-subtracted images).
    Returns the matplotlib Figure.
    """
    images = np.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"images: expected shape (N, H, W) or (N, H, W, 3), got {images.shape}")
    count = images.shape[0]
    ncols = max(1, min(ncols, count))
    nrows = int(np.ceil(count / ncols))
    figure, axes = plt.subplots(nrows, ncols, figsize=figsize or (1.2 * ncols, 1.3 * nrows), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= count:
            continue
        image = images[index]
        shown = _rescale(image.astype(np.float64)) if rescale else image  # raw integer pixels keep their 0..255
        ax.imshow(shown, cmap=cmap if image.ndim == 2 else None, interpolation="nearest")
        if titles is not None:
            ax.set_title(str(titles[index]), fontsize=8)
    figure.tight_layout()
    return figure


def templates(W, image_shape, class_names=None):
    """Show each class's weight column as an image (the "template" view of a linear classifier).

    W: weights of shape (D, C), or (D + 1, C) with a bias row last (it is dropped).
    image_shape: shape of one image, e.g. (8, 8) or (32, 32, 3); prod(image_shape) must be D.
    """
    W = np.asarray(W, dtype=np.float64)
    size = int(np.prod(image_shape))
    if W.ndim != 2 or W.shape[0] not in (size, size + 1):
        raise ValueError(f"W: expected shape ({size}, C) or ({size + 1}, C) for images of shape {image_shape}, "
                         f"got {W.shape}")
    images = W[:size].T.reshape((W.shape[1],) + tuple(image_shape))
    return image_grid(images, titles=class_names, ncols=W.shape[1])


def decision_regions(score_fn, X, y, ax=None, resolution=200, W=None, b=None, title=None, padding=0.5):
    """Colour the plane by the class with the highest score and scatter the points on top.

    score_fn: maps points of shape (M, 2) to scores of shape (M, C).
    X: points of shape (N, 2); y: integer labels of shape (N,).
    W, b: optional linear weights (2, C) and biases (C,): draws each class's zero-score line w_c . x + b_c = 0
        and its weight vector w_c as an arrow from the origin (the geometric view).
    """
    ax = _axes(ax)
    X = np.asarray(X, dtype=np.float64)
    (x_min, y_min), (x_max, y_max) = X.min(axis=0) - padding, X.max(axis=0) + padding
    grid_x, grid_y = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    labels = np.argmax(np.asarray(score_fn(grid)), axis=1).reshape(grid_x.shape)
    num_classes = int(max(labels.max(), np.max(y)) + 1)
    colours = [CLASS_COLOURS[c % len(CLASS_COLOURS)] for c in range(num_classes)]
    ax.contourf(grid_x, grid_y, labels, levels=np.arange(num_classes + 1) - 0.5,
                colors=colours, alpha=0.25)
    ax.scatter(X[:, 0], X[:, 1], c=[colours[int(c)] for c in y], s=14, edgecolors="k", linewidths=0.3)
    if W is not None:
        biases = np.zeros(np.shape(W)[1]) if b is None else np.asarray(b, dtype=np.float64)
        _draw_linear_geometry(ax, np.asarray(W, dtype=np.float64), biases, colours, (x_min, x_max))
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    if title:
        ax.set_title(title)
    return ax


def _draw_linear_geometry(ax, W, b, colours, x_range):
    """Zero-score line and weight arrow of each class (W of shape (2, C), b of shape (C,))."""
    xs = np.asarray(x_range, dtype=np.float64)
    for c in range(W.shape[1]):
        w1, w2 = W[:, c]
        colour = colours[c % len(colours)]
        if abs(w2) > 1e-12:
            ax.plot(xs, -(w1 * xs + b[c]) / w2, color=colour, lw=1.5)
        elif abs(w1) > 1e-12:
            ax.axvline(-b[c] / w1, color=colour, lw=1.5)
        ax.annotate("", xy=(w1, w2), xytext=(0, 0), arrowprops=dict(arrowstyle="->", color=colour, lw=2))


def curves(series, xlabel="iteration", ylabel="loss", ax=None, smooth=0, logy=False, title=None):
    """Plot named series against their index.

    series: dict mapping a label to a 1-D sequence (e.g. {"train": losses, "val": val_losses}); a value may also be a
        pair (x, y) of sequences for series sampled at other steps.
    smooth: moving-average window (0 for raw); the raw series stays visible, faint, behind the smoothed one.
    """
    ax = _axes(ax)
    for label, values in series.items():
        xs, ys = values if isinstance(values, tuple) else (np.arange(len(values)), values)
        ys = np.asarray(ys, dtype=np.float64)
        if smooth and len(ys) > smooth:
            line, = ax.plot(xs, ys, alpha=0.25)
            kernel = np.ones(smooth) / smooth
            ax.plot(np.asarray(xs)[smooth - 1:], np.convolve(ys, kernel, mode="valid"), label=label,
                    color=line.get_color())
        else:
            ax.plot(xs, ys, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    if len(series) > 1:
        ax.legend()
    if title:
        ax.set_title(title)
    return ax


def heatmap(values, row_labels, col_labels, row_name, col_name, ax=None, fmt="{:.2f}", title=None, cmap="viridis"):
    """Show a (R, K) grid of numbers with labelled rows and columns, each cell annotated."""
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (len(row_labels), len(col_labels)):
        raise ValueError(f"values: expected shape ({len(row_labels)}, {len(col_labels)}) to match the labels, "
                         f"got {values.shape}")
    ax = _axes(ax, figsize=(1 + 0.9 * len(col_labels), 1 + 0.6 * len(row_labels)))
    image = ax.imshow(values, cmap=cmap, aspect="auto")
    ax.set_xticks(range(len(col_labels)), [str(c) for c in col_labels], rotation=45, ha="right")
    ax.set_yticks(range(len(row_labels)), [str(r) for r in row_labels])
    ax.set_xlabel(col_name)
    ax.set_ylabel(row_name)
    middle = np.nanmean(values) if np.isfinite(values).any() else 0
    for (r, k), value in np.ndenumerate(values):
        ax.text(k, r, fmt.format(value), ha="center", va="center", fontsize=8,
                color="white" if value < middle else "black")
    ax.figure.colorbar(image, ax=ax)
    if title:
        ax.set_title(title)
    return ax
