"""course_utils.graph_drawing: layout of computation graphs (pure) and their matplotlib drawing."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch

from course_utils.graph_drawing import MAX_DRAWN_NODES, draw_graph, graph_layout


class Node:
    """The least a drawable node needs (duck typing): a value, a gradient, operands and an operation name."""

    def __init__(self, data, operands=(), op="", label="", grad=0.0):
        self.data, self.grad, self._prev, self._op, self.label = data, grad, set(operands), op, label


class UnlabelledNode:
    """A node without the optional label, kept in a tuple, and unhashable (it defines __eq__)."""

    def __init__(self, data, operands=(), op=""):
        self.data, self.grad, self._prev, self._op = data, 0.0, tuple(operands), op

    def __eq__(self, other):
        return isinstance(other, UnlabelledNode) and self.data == other.data

    __hash__ = None


def notes_example():
    """f = (x + y) z at x = -2, y = 5, z = -4 with the notes' gradients."""
    x, y, z = Node(-2.0, label="x", grad=-4.0), Node(5.0, label="y", grad=-4.0), Node(-4.0, label="z", grad=3.0)
    q = Node(3.0, (x, y), "+", "q", grad=-4.0)
    f = Node(-12.0, (q, z), "*", "f", grad=1.0)
    return f, {"x": x, "y": y, "z": z, "q": q, "f": f}


def shared_graph():
    """b = 3a; s = b + 1; c = 2s; L = b * c: b is used twice (a DAG, not a tree)."""
    a = Node(1.0, label="a")
    b = Node(3.0, (a, Node(3.0)), "*", "b")
    s = Node(4.0, (b, Node(1.0)), "+", "s")
    c = Node(8.0, (s, Node(2.0)), "*", "c")
    return Node(24.0, (b, c), "*", "L"), {"a": a, "b": b, "s": s, "c": c}


def neuron_graph(num_inputs=7):
    """tanh(w . x + b) built from * and +: 4 * num_inputs + 2 nodes (30 for 7 inputs)."""
    total = Node(0.1, label="b")
    for k in range(num_inputs):
        w, x = Node(0.5 - 0.1 * k, label=f"w{k}"), Node(1.0 + k, label=f"x{k}")
        total = Node(total.data + w.data * x.data, (total, Node(w.data * x.data, (w, x), "*")), "+")
    return Node(np.tanh(total.data), (total,), "tanh", "out")


def test_is_the_order_topological_with_the_root_last():
    f, named = notes_example()
    nodes, edges, _ = graph_layout(f)
    position = {id(node): i for i, node in enumerate(nodes)}
    assert nodes[-1] is f and len(nodes) == 5
    assert all(i < j for i, j in edges)
    assert position[id(named["q"])] > max(position[id(named["x"])], position[id(named["y"])])


def test_are_edges_the_operand_links():
    f, named = notes_example()
    nodes, edges, _ = graph_layout(f)
    pairs = {(nodes[i].label, nodes[j].label) for i, j in edges}
    assert pairs == {("x", "q"), ("y", "q"), ("q", "f"), ("z", "f")}


def test_do_positions_run_left_to_right_with_the_root_alone_on_the_right():
    root, _ = shared_graph()
    nodes, edges, positions = graph_layout(root)
    assert positions.shape == (len(nodes), 2) and positions.dtype == np.float64
    assert all(positions[i, 0] < positions[j, 0] for i, j in edges)
    assert positions[-1, 0] == positions[:, 0].max()
    assert np.sum(positions[:, 0] == positions[-1, 0]) == 1


def test_does_a_shared_value_appear_once_with_both_edges():
    root, named = shared_graph()
    nodes, edges, _ = graph_layout(root)
    assert sum(node is named["b"] for node in nodes) == 1
    b_index = next(i for i, node in enumerate(nodes) if node is named["b"])
    users = {nodes[j].label for i, j in edges if i == b_index}
    assert users == {"s", "L"}
    assert len(nodes) == 8   # a, b, s, c, L and the constants 3, 1, 2


def test_do_constants_sit_just_before_their_use():
    root, named = shared_graph()
    nodes, edges, positions = graph_layout(root)
    for i, j in edges:
        if not nodes[i]._prev and nodes[i] is not named["a"]:
            assert positions[j, 0] - positions[i, 0] == 1


def test_are_nodes_of_a_column_at_least_one_row_apart():
    nodes, _, positions = graph_layout(neuron_graph())
    for column in np.unique(positions[:, 0]):
        rows = np.sort(positions[positions[:, 0] == column, 1])
        assert np.all(np.diff(rows) >= 1 - 1e-9)


def test_is_the_layout_the_same_every_time():
    first = graph_layout(neuron_graph())[2]
    second = graph_layout(neuron_graph())[2]
    np.testing.assert_array_equal(first, second)


def test_does_a_graph_deeper_than_the_recursion_limit_lay_out():
    x = Node(0.5, label="x")
    total = x
    for _ in range(5000):
        total = Node(total.data + x.data, (total, x), "+")
    nodes, edges, positions = graph_layout(total)
    assert len(nodes) == 5001 and len(edges) == 2 * 5000 - 1   # the first sum is x + x: one operand, one edge
    assert positions[-1, 0] == 5000


def test_are_unlabelled_unhashable_nodes_with_tuple_operands_accepted():
    a, b = UnlabelledNode(1.0), UnlabelledNode(1.0)   # equal but distinct nodes stay distinct
    root = UnlabelledNode(2.0, (a, b), "+")
    nodes, edges, _ = graph_layout(root)
    assert len(nodes) == 3 and sorted(edges) == [(0, 2), (1, 2)]
    ax = draw_graph(root)
    assert "data 2" in [t.get_text() for t in ax.texts]
    plt.close(ax.figure)


def test_does_a_node_without_prev_get_a_clear_error():
    with pytest.raises(TypeError, match=r"_prev.*Value"):
        graph_layout(3.0)
    bad = Node(1.0)
    bad._prev = 5
    with pytest.raises(TypeError, match="_prev of a node must be"):
        graph_layout(bad)


def texts_of(ax):
    return [t.get_text() for t in ax.texts]


def test_does_the_drawing_show_values_gradients_and_ops():
    f, _ = notes_example()
    ax = draw_graph(f)
    texts = texts_of(ax)
    for expected in ("x = -2", "y = 5", "z = -4", "q = 3", "f = -12", "grad -4", "grad 3", "grad 1", "+", "*"):
        assert expected in texts, expected
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    ovals = [p for p in ax.patches if isinstance(p, Ellipse)]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(boxes) == 5 and len(ovals) == 2 and len(arrows) == 4 + 2
    plt.close(ax.figure)


def test_does_show_grad_false_hide_the_gradients():
    f, _ = notes_example()
    ax = draw_graph(f, show_grad=False)
    assert not [t for t in texts_of(ax) if t.startswith("grad")]
    assert "f = -12" in texts_of(ax)
    plt.close(ax.figure)


def test_does_a_collection_for_show_grad_reveal_only_those_gradients():
    f, named = notes_example()
    ax = draw_graph(f, show_grad=[f, named["q"]])
    grads = [t for t in texts_of(ax) if t.startswith("grad")]
    assert sorted(grads) == sorted(["grad 1", "grad -4", "grad ?", "grad ?", "grad ?"])
    plt.close(ax.figure)


def test_does_highlight_colour_the_chosen_nodes_only():
    f, named = notes_example()
    plain = draw_graph(f)
    marked = draw_graph(f, highlight=[named["q"], named["z"]])
    colour = lambda ax: [tuple(p.get_edgecolor()) for p in ax.patches if isinstance(p, FancyBboxPatch)]
    changed = [k for k, (a, b) in enumerate(zip(colour(plain), colour(marked))) if a != b]
    assert len(changed) == 2
    single = draw_graph(f, highlight=named["q"])
    assert sum(a != b for a, b in zip(colour(plain), colour(single))) == 1
    for ax in (plain, marked, single):
        plt.close(ax.figure)


def test_does_it_draw_on_a_given_axes():
    figure, (left, right) = plt.subplots(1, 2)
    f, _ = notes_example()
    assert draw_graph(f, ax=right) is right
    assert not left.patches and right.patches
    plt.close(figure)


def test_do_boxes_stay_apart_and_inside_the_axes_for_thirty_nodes():
    root = neuron_graph()
    assert len(graph_layout(root)[0]) >= 30
    ax = draw_graph(root)
    boxes = [p.get_extents() for p in ax.patches if isinstance(p, FancyBboxPatch)]
    for k, first in enumerate(boxes):
        for second in boxes[k + 1:]:
            assert not first.overlaps(second)
    figure_box = ax.get_window_extent()
    assert all(figure_box.contains(b.x0, b.y0) and figure_box.contains(b.x1, b.y1) for b in boxes)
    plt.close(ax.figure)


def test_is_a_graph_too_large_to_read_refused_with_advice():
    x = Node(0.5)
    total = x
    for _ in range(MAX_DRAWN_NODES):
        total = Node(total.data, (total, x), "+")
    with pytest.raises(ValueError, match="smaller expression"):
        draw_graph(total)
