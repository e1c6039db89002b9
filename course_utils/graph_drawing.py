"""Pictures of scalar computation graphs (micrograd-style expressions), drawn with matplotlib alone.

A node is any object with these attributes (duck typing: no class is imported from here):

- ``data``: the node's value from the forward pass (a number)
- ``grad``: dL/d(node) after a backward pass (a number)
- ``_prev``: the nodes it was computed from (a set, tuple or list; empty for an input or a constant)
- ``_op``: the operation that produced it ("+", "*", "tanh", ...; empty for an input or a constant)
- ``label``: optional, a short name shown in the node's box

Interface:

    graph_layout(root) -> (nodes, edges, positions)
        nodes: list of the n nodes the root depends on (the root included), in topological order: every node comes
            after the nodes it was computed from, so the inputs come first and the root last (reversed, it is an
            order in which a backward pass can visit them). A node reached along several paths appears once.
        edges: list of (i, j) index pairs into ``nodes``: nodes[i] is an operand of nodes[j].
        positions: float array of shape (n, 2). Column x: a node's depth, one unit per column, so every edge points
            right (inputs on the left, the root alone in the rightmost column). Row y: one unit apart at least within
            a column, placed near the node's neighbours to keep edges short and few of them crossing.
    draw_graph(root, ax=None, show_grad=True, highlight=None) -> matplotlib Axes
        one box per node (its label, value and gradient) and one oval per operation, laid out by graph_layout.
        show_grad may also be a collection of nodes: only their gradients are shown, the others read "grad ?"
        (a backward pass revealed step by step: pass the nodes visited so far).

The layout is kept apart from the drawing so that other views (an interactive step-through of the backward pass)
can place their own artists with it. No graphviz or other system program is needed.
"""
import numbers
from collections.abc import Iterable

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch

REQUIRED_ATTRIBUTES = ("data", "grad", "_prev", "_op")
MAX_DRAWN_NODES = 150     # beyond this a picture is no longer readable; draw a smaller expression instead
LAYOUT_ROUNDS = 8         # placement sweeps: each one moves nodes towards their neighbours, in alternating directions

# Drawing geometry, in data units (one layout column = COLUMN_WIDTH units; one row = 1 unit).
COLUMN_WIDTH = 3.9
BOX_WIDTH, BOX_HEIGHT = 2.55, 0.72
OP_GAP = 0.12             # space between an operation's oval and the box of the node it produced
OP_SYMBOLS = {"sigmoid": "\N{GREEK SMALL LETTER SIGMA}"}   # long names drawn as their usual symbol
MAX_OP_CHARS = 6          # longer operation names are shortened to fit their oval
INCHES_PER_UNIT = 0.46
FONT_SIZE = 9

INPUT_COLOUR, NODE_COLOUR, ROOT_COLOUR, HIGHLIGHT_COLOUR = "#dbe9f6", "#f4f4f4", "#dff0d8", "#ffd8a8"
GRAD_COLOUR, EDGE_COLOUR, HIGHLIGHT_EDGE = "#b2182b", "#555555", "#e8590c"


def graph_layout(root):
    """Topological order, edges and positions of the graph that computes ``root`` (see the module docstring)."""
    nodes = _topological_order(root)
    index = {id(node): i for i, node in enumerate(nodes)}
    operands = [[index[id(child)] for child in _children(node)] for node in nodes]
    edges = [(i, j) for j, children in enumerate(operands) for i in children]
    columns = _columns(operands)
    rows = _rows(columns, operands, edges)
    return nodes, edges, np.column_stack([columns, rows]).astype(np.float64)


def _topological_order(root):
    """Nodes in post-order of a depth-first search from the root, with an explicit stack (graphs may be deep)."""
    _check_node(root)
    order, seen = [], {id(root)}
    stack = [(root, iter(_children(root)))]
    while stack:
        node, pending = stack[-1]
        child = next(pending, None)
        if child is None:
            stack.pop()
            order.append(node)
        elif id(child) not in seen:
            _check_node(child)
            seen.add(id(child))
            stack.append((child, iter(_children(child))))
    return order


def _check_node(node):
    missing = [name for name in REQUIRED_ATTRIBUTES if not hasattr(node, name)]
    if missing:
        raise TypeError(f"graph_layout: a node of type {type(node).__name__} has no {', '.join(missing)}. Graph "
                        f"nodes need {', '.join(REQUIRED_ATTRIBUTES)} (like micrograd's Value); pass the output "
                        "Value of an expression.")
    if not isinstance(node._prev, Iterable):
        raise TypeError(f"graph_layout: _prev of a node must be a set, tuple or list of nodes, got "
                        f"{type(node._prev).__name__}")


def _children(node):
    """A node's distinct operands. Sets have no order, so they are sorted by what the picture shows."""
    children, seen = [], set()
    for child in node._prev:
        if id(child) not in seen:
            seen.add(id(child))
            children.append(child)
    if isinstance(node._prev, (set, frozenset)):
        children.sort(key=_appearance)
    return children


def _appearance(node):
    data = node.data if isinstance(node.data, numbers.Real) else 0.0
    return str(getattr(node, "label", "")), str(node._op), float(data)


def _columns(operands):
    """Depth of each node: 0 for inputs, 1 + the deepest operand otherwise; inputs then move next to their use.

    Moving an input (or a constant such as the 1 in 1 + e^x) right to just before its first use keeps its edges short.
    """
    columns = np.zeros(len(operands), dtype=np.int64)
    for j, children in enumerate(operands):     # topological order: operands are placed before their users
        if children:
            columns[j] = 1 + max(columns[i] for i in children)
    first_use = np.full(len(operands), np.iinfo(np.int64).max)
    for j, children in enumerate(operands):
        for i in children:
            first_use[i] = min(first_use[i], columns[j])
    for i, children in enumerate(operands):
        if not children and first_use[i] != np.iinfo(np.int64).max:
            columns[i] = first_use[i] - 1
    return columns


def _rows(columns, operands, edges):
    """Rows within each column: start in topological order, then move each node towards its neighbours' mean."""
    neighbours = [[] for _ in operands]
    for i, j in edges:
        neighbours[i].append(j)
        neighbours[j].append(i)
    members = [column for column in (np.flatnonzero(columns == c) for c in range(int(columns.max()) + 1))
               if column.size]
    rows = np.zeros(len(operands))
    for column in members:
        rows[column] = np.arange(column.size) - (column.size - 1) / 2
    for round_number in range(LAYOUT_ROUNDS):
        sweep = members if round_number % 2 == 0 else members[::-1]
        for column in sweep:
            wanted = np.array([np.mean(rows[neighbours[k]]) if neighbours[k] else rows[k] for k in column])
            order = np.lexsort((rows[column], wanted))  # ties keep the current order, so placement is stable
            rows[column[order]] = _spread(wanted[order])
    return rows - (rows.max() + rows.min()) / 2


def _spread(wanted):
    """Positions as close to the sorted ``wanted`` as possible, at least 1 apart, with the same mean."""
    placed = np.array(wanted, dtype=np.float64)
    for k in range(1, placed.size):
        placed[k] = max(placed[k], placed[k - 1] + 1.0)
    return placed + np.mean(wanted - placed)


def draw_graph(root, ax=None, show_grad=True, highlight=None):
    """Draw the graph that computes ``root``: inputs on the left, the root on the right.

    Each node is a box with its label (if any), its value and, when ``show_grad``, its gradient; each operation is
    an oval just before the box of the node it produced. Inputs are blue, the root green.

    root: the output node (a Value-like object, see the module docstring).
    ax: matplotlib Axes to draw on; a figure sized to the graph is made if None.
    show_grad: show each node's grad (False for a picture of the forward pass only), or a collection of nodes
        whose grads to show (the others read "grad ?").
    highlight: a node or an iterable of nodes to draw in orange (e.g. the node a backward pass is visiting).
    Returns the Axes.
    """
    nodes, edges, positions = graph_layout(root)
    if len(nodes) > MAX_DRAWN_NODES:
        raise ValueError(f"draw_graph: the graph has {len(nodes)} nodes; a picture stays readable up to about 40 "
                         f"and this function draws at most {MAX_DRAWN_NODES}. Draw a smaller expression (fewer "
                         "inputs, or one neuron instead of a whole network).")
    highlighted = _node_ids(highlight)
    grad_shown = show_grad if isinstance(show_grad, bool) else _node_ids(show_grad)
    centres = positions * np.array([COLUMN_WIDTH, -1.0])   # rows grow downwards on the page
    ax = _axes_for(ax, centres)
    boxes, ovals = [], []
    for node, (x, y) in zip(nodes, centres):
        is_root = node is nodes[-1]
        known = grad_shown if isinstance(grad_shown, bool) else id(node) in grad_shown
        boxes.append(_draw_box(ax, node, x, y, grad_shown is not False, known, id(node) in highlighted, is_root))
        ovals.append(_draw_op(ax, node, x, y) if _children(node) else None)
    for i, j in edges:
        _arrow(ax, boxes[i], ovals[j] or boxes[j])
    for box, oval in zip(boxes, ovals):
        if oval is not None:
            _arrow(ax, oval, box)
    return ax


def _node_ids(nodes):
    """ids of a node, or of a collection of nodes (None: no node)."""
    if nodes is None:
        return set()
    if hasattr(nodes, "_prev"):
        return {id(nodes)}
    return {id(node) for node in nodes}


def _axes_for(ax, centres):
    left = centres[:, 0].min() - BOX_WIDTH / 2 - OP_GAP - _oval_width("x" * MAX_OP_CHARS) - 0.3
    right = centres[:, 0].max() + BOX_WIDTH / 2 + 0.3
    bottom, top = centres[:, 1].min() - BOX_HEIGHT, centres[:, 1].max() + BOX_HEIGHT
    if ax is None:
        width, height = (right - left) * INCHES_PER_UNIT, (top - bottom) * INCHES_PER_UNIT
        _, ax = plt.subplots(figsize=(max(width, 3.0), max(height, 1.5)))
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _draw_box(ax, node, x, y, grad_line, grad_known, highlighted, is_root):
    """A node's box; with grad_line, a second line holds its gradient, or "?" when it is not known yet."""
    if highlighted:
        colour = HIGHLIGHT_COLOUR
    elif is_root:
        colour = ROOT_COLOUR
    else:
        colour = NODE_COLOUR if _children(node) else INPUT_COLOUR
    box = FancyBboxPatch((x - BOX_WIDTH / 2, y - BOX_HEIGHT / 2), BOX_WIDTH, BOX_HEIGHT,
                         boxstyle="round,pad=0.02,rounding_size=0.12", facecolor=colour,
                         edgecolor=HIGHLIGHT_EDGE if highlighted else EDGE_COLOUR,
                         linewidth=2.2 if highlighted else 0.9, zorder=2)
    ax.add_patch(box)
    label = str(getattr(node, "label", "") or "")
    value_line = f"{label} = {_number(node.data)}" if label else f"data {_number(node.data)}"
    if grad_line:
        ax.text(x, y + 0.15, value_line, ha="center", va="center", fontsize=FONT_SIZE, zorder=3)
        ax.text(x, y - 0.17, f"grad {_number(node.grad)}" if grad_known else "grad ?", ha="center",
                va="center", fontsize=FONT_SIZE, color=GRAD_COLOUR, zorder=3)
    else:
        ax.text(x, y, value_line, ha="center", va="center", fontsize=FONT_SIZE, zorder=3)
    return box


def _draw_op(ax, node, x, y):
    text = _op_text(node._op)
    width = _oval_width(text)
    centre = x - BOX_WIDTH / 2 - OP_GAP - width / 2
    oval = Ellipse((centre, y), width, 0.5, facecolor="white", edgecolor=EDGE_COLOUR, linewidth=0.9, zorder=2)
    ax.add_patch(oval)
    ax.text(centre, y, text, ha="center", va="center", fontsize=FONT_SIZE, zorder=3)
    return oval


def _op_text(op):
    text = str(op) or "?"
    text = OP_SYMBOLS.get(text.lower(), text)
    return text if len(text) <= MAX_OP_CHARS else text[:MAX_OP_CHARS - 1] + "\N{HORIZONTAL ELLIPSIS}"


def _oval_width(text):
    return 0.5 + 0.19 * max(len(text) - 1, 0)


def _arrow(ax, start, end):
    """An arrow from patch ``start`` to patch ``end``, clipped at both outlines."""
    ax.add_patch(FancyArrowPatch(_anchor(start, right=True), _anchor(end, right=False), patchA=start, patchB=end,
                                 arrowstyle="-|>", mutation_scale=8, color=EDGE_COLOUR, linewidth=0.8,
                                 shrinkA=0, shrinkB=0, zorder=1))


def _anchor(patch, right):
    if isinstance(patch, Ellipse):
        return patch.center
    x, y = patch.get_x(), patch.get_y()
    return (x + patch.get_width() if right else x, y + patch.get_height() / 2)


def _number(value):
    if isinstance(value, numbers.Real) or isinstance(value, np.generic):
        return f"{float(value):.4g}"
    return str(value)[:12]
