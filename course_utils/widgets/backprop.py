"""The computation graph view's state and picture: a Value expression drawn left to right, with its backward pass
revealed one node at a time (no ipywidgets here; the view is backprop_view).

The graph, its topological order and its layout come from course_utils.graph_drawing.graph_layout; the gradients
come from the student's own ``root.backward()``, run once: every node's ``grad`` is set to 0 first, so the numbers
are those of one backward pass however often the expression was used before. Step k of K (K nodes) shows the
gradients of the first k nodes of the reversed topological order, the order in which a backward pass visits them:
when a node is visited, every node computed from it has already passed its gradient on, so the gradient shown is
final. Step 0 is the forward pass alone.
"""
import numbers

import numpy as np
from matplotlib.patches import FancyBboxPatch

from ..graph_drawing import INCHES_PER_UNIT, draw_graph, graph_layout
from ._arguments import check_count
from ._canvas import FigureImage

HIDDEN_GRAD = "?"   # shown in place of a gradient the backward pass has not reached yet
MARK_EDGE, MARK_LINEWIDTH = "#e8590c", 2.5   # the outline of the visited node, in draw_graph's highlight colour
MAX_WIDTH_PIXELS = 1100   # a wider graph is drawn at a lower resolution, so the picture fits a notebook's width


class BackwardStepsState:
    """The numbers behind the computation graph view.

    Inputs:
    - root: the output of an expression, a Value-like node (``data``, ``grad``, ``_prev``, ``_op``, optional
      ``label``; see course_utils.graph_drawing)
    - run_backward: zero every node's grad and call ``root.backward()`` (True), or show the grads as they are (False:
      call backward yourself first)

    Attributes:
    - nodes: the K nodes in topological order (inputs first, root last); edges: (i, j) pairs, nodes[i] an operand
      of nodes[j]; positions (K, 2): layout columns and rows
    - values (K,), grads (K,): each node's data and its grad after the backward pass, as floats (NaN if not numbers)
    - visit_order (K,): node indices in the order the backward pass visits them: the root first, then column by
      column from right to left
    - step: how many nodes the backward pass has visited so far, 0..K; revealed (K,) bool: whose gradient is shown;
      current: the index of the node visited last, or None at step 0
    """

    def __init__(self, root, run_backward=True):
        self.nodes, self.edges, self.positions = graph_layout(root)
        self.root = root
        if run_backward:
            if not callable(getattr(root, "backward", None)):
                raise TypeError(f"root has no backward() method (it is a {type(root).__name__}); pass the output "
                                "Value of an expression, or run_backward=False to show the grads as they are")
            for node in self.nodes:
                node.grad = 0.0
            root.backward()
        self.values = np.array([_as_float(node.data) for node in self.nodes])
        self.grads = np.array([_as_float(node.grad) for node in self.nodes])
        # right to left, column by column (top to bottom within one): every node's column lies right of its operands'
        # columns, so this is a reversed topological order, and it sweeps across the picture as a student reads it
        self.visit_order = np.lexsort((self.positions[:, 1], -self.positions[:, 0]))
        self.step = 0

    @property
    def num_steps(self):
        return len(self.nodes)

    @property
    def revealed(self):
        mask = np.zeros(len(self.nodes), dtype=bool)
        mask[self.visit_order[:self.step]] = True
        return mask

    @property
    def current(self):
        return int(self.visit_order[self.step - 1]) if self.step > 0 else None

    def update(self, step):
        """Show the backward pass after ``step`` nodes (0..K). Returns the set of names changed."""
        step = check_count("step", step, minimum=0)
        if step > self.num_steps:
            raise ValueError(f"step must be at most {self.num_steps} (the number of nodes), got {step}")
        changed = {"step"} if step != self.step else set()
        self.step = step
        return changed

    def forward(self):
        """One more node of the backward pass (stays at the end)."""
        return self.update(min(self.step + 1, self.num_steps))

    def back(self):
        return self.update(max(self.step - 1, 0))

    def describe(self):
        """One sentence on the current step, for the view."""
        if self.current is None:
            return (f"Forward pass: every value is computed, inputs first. {self.num_steps} nodes; step through the "
                    "backward pass to see their gradients arrive, the output first.")
        node = self.nodes[self.current]
        name = _name(node)
        operands = [_name(self.nodes[i]) for i, j in self.edges if j == self.current]
        text = f"Step {self.step} of {self.num_steps}: {name}"
        if self.current == len(self.nodes) - 1:
            seed = _number(self.grads[self.current])
            text += f" is the output: its gradient d{name}/d{name} = {seed} starts the pass"
        else:
            text += (f" has received the gradient from every node computed from it: "
                     f"grad = {_number(self.grads[self.current])}")
        if operands:
            text += f"; its _backward now passes it on to {', '.join(operands)} (op {node._op!r})"
        return text + "."


def _as_float(value):
    return float(value) if isinstance(value, (numbers.Real, np.generic)) else float("nan")


def _name(node):
    label = str(getattr(node, "label", "") or "")
    return label or f"({node._op or 'input'} = {_number(_as_float(node.data))})"


def _number(value):
    return f"{value:.4g}"


class BackwardStepsPicture:
    """The graph at the current step, drawn by graph_drawing.draw_graph, the visited node marked in orange.

    The graph is drawn once, with every gradient; each step then only changes the gradient texts ("grad ?" until
    the pass reaches a node) and the mark on the visited node, redrawn over a cached picture of the rest. If the
    drawing's boxes and texts cannot be matched to the nodes (a draw_graph drawing differently), each step is drawn
    in full instead, with draw_graph's own ``show_grad=<nodes visited>`` and ``highlight``. Either way a step's
    picture is kept once rendered.
    """

    def __init__(self, state, dpi=80):
        self.state = state
        self.image = FigureImage((6.0, 3.0), dpi)
        self.ax = self.image.figure.add_axes((0, 0, 1, 1))
        draw_graph(state.root, ax=self.ax, show_grad=True)
        # draw_graph sets the limits to the graph's extent, in its units: size the figure at its scale
        (left, right), (bottom, top) = self.ax.get_xlim(), self.ax.get_ylim()
        width, height = max((right - left) * INCHES_PER_UNIT, 3.0), max((top - bottom) * INCHES_PER_UNIT, 1.5)
        self.image.figure.set_size_inches(width, height)
        self.image.figure.set_dpi(min(dpi, MAX_WIDTH_PIXELS / width))
        self.parts = _match_node_artists(self.ax, state.positions)
        if self.parts is not None:
            boxes, grad_texts = self.parts
            self.revealed_text = [text.get_text() for text in grad_texts]
            # the visited node is marked by an orange outline laid over its box, so the boxes and values stay in
            # the cached background and a frame redraws only the gradient texts and this one patch
            self.marker = FancyBboxPatch((0, 0), 1, 1, boxstyle=boxes[0].get_boxstyle(), facecolor="none",
                                         edgecolor=MARK_EDGE, linewidth=MARK_LINEWIDTH, zorder=2.5)
            self.ax.add_patch(self.marker)
            self.image.animate(*grad_texts, self.marker)
        self._frames = {}

    @property
    def incremental(self):
        """True when steps only update texts and one mark (the drawing's artists were matched to the nodes)."""
        return self.parts is not None

    def draw(self):
        """Nothing to prepare: ``png()`` renders the current step the first time it is shown."""
        return self

    def png(self):
        step = self.state.step
        if step not in self._frames:
            self._show_step()
            self._frames[step] = self.image.png()
        return self._frames[step]

    def _show_step(self):
        state = self.state
        current = None if state.current is None else state.nodes[state.current]
        if self.parts is None:
            visited = [node for node, shown in zip(state.nodes, state.revealed) if shown]
            self.ax.clear()
            draw_graph(state.root, ax=self.ax, show_grad=visited, highlight=current)
            self.image.invalidate()
            return
        boxes, grad_texts = self.parts
        for text, revealed_text, is_revealed in zip(grad_texts, self.revealed_text, state.revealed):
            text.set_text(revealed_text if is_revealed else f"grad {HIDDEN_GRAD}")
        self.marker.set_visible(current is not None)
        if current is not None:
            box = boxes[state.current]
            self.marker.set_bounds(box.get_x(), box.get_y(), box.get_width(), box.get_height())


def _match_node_artists(ax, positions):
    """The box and the gradient text of each node at layout ``positions`` (K, 2), or None.

    draw_graph draws one box per node at a place given by the layout: the box centres are an affine map of the
    positions (a scale and a shift per axis), and each box holds a text starting with "grad ". The map is fitted
    and checked rather than assumed, so a change of draw_graph's geometry does not break the matching.
    Returns (boxes, grad_texts), both in node order, or None if the drawing does not fit this description.
    """
    boxes = [patch for patch in ax.patches if isinstance(patch, FancyBboxPatch)]
    if len(boxes) != len(positions) or len(boxes) == 0:
        return None
    box_centres = np.array([(box.get_x() + box.get_width() / 2, box.get_y() + box.get_height() / 2)
                            for box in boxes])
    mapped = [_axis_map(positions[:, axis], box_centres[:, axis]) for axis in (0, 1)]
    if any(coordinates is None for coordinates in mapped):
        return None
    expected = np.column_stack(mapped)
    distances = np.linalg.norm(box_centres[:, None, :] - expected[None, :, :], axis=2)   # (box, node)
    owner = np.argmin(distances, axis=1)
    if len(set(owner)) != len(boxes) or np.any(distances[np.arange(len(boxes)), owner] > 1e-6):
        return None
    boxes_in_order = [None] * len(boxes)
    for box, k in zip(boxes, owner):
        boxes_in_order[k] = box
    grad_texts = [None] * len(boxes)
    for text in ax.texts:
        if not text.get_text().startswith("grad "):
            continue
        x, y = text.get_position()
        inside = [k for k, box in enumerate(boxes_in_order)
                  if box.get_x() <= x <= box.get_x() + box.get_width()
                  and box.get_y() <= y <= box.get_y() + box.get_height()]
        if len(inside) != 1 or grad_texts[inside[0]] is not None:
            return None
        grad_texts[inside[0]] = text
    if any(text is None for text in grad_texts):
        return None
    return boxes_in_order, grad_texts


def _axis_map(layout, drawn):
    """The layout coordinates (K,) under the increasing or decreasing affine map that takes them onto the drawn
    ones (K,) as sets, or None if neither does."""
    if np.ptp(layout) == 0:
        return np.full(len(layout), np.mean(drawn))
    scale = np.ptp(drawn) / np.ptp(layout)
    for sign in (1.0, -1.0):
        mapped = sign * scale * layout
        mapped += np.mean(drawn) - np.mean(mapped)
        if np.allclose(np.sort(mapped), np.sort(drawn), atol=1e-6):
            return mapped
    return None
