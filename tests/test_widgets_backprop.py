"""Tests of the computation graph view: the backward pass revealed node by node, with the student's Value."""
import numpy as np
import pytest

from course_utils.widgets import BackwardStepsPicture, BackwardStepsState, BackwardStepsView
from course_utils.widgets import backprop
from test_widgets_references import Value, labelled


def notes_example():
    """f = (x + y) * z at x = -2, y = 5, z = -4 (the notes' first example)."""
    x, y, z = labelled(Value(-2.0), "x"), labelled(Value(5.0), "y"), labelled(Value(-4.0), "z")
    q = labelled(x + y, "q")
    return labelled(q * z, "f"), (x, y, z, q)


def neuron(num_inputs=6):
    weights = [labelled(Value(0.1 * i), f"w{i}") for i in range(num_inputs)]
    inputs = [labelled(Value(1.0 - 0.3 * i), f"x{i}") for i in range(num_inputs)]
    total = labelled(Value(0.5), "b")
    for w, x in zip(weights, inputs):
        total = total + w * x
    return labelled(total.tanh(), "out")


def by_label(state):
    return {node.label: grad for node, grad in zip(state.nodes, state.grads) if node.label}


def test_gradients_are_those_of_one_backward_pass_of_the_students_value():
    """Are the notes' gradients shown (df/dx = df/dy = -4, df/dz = 3), even if grads were left over from before?"""
    f, (x, y, z, q) = notes_example()
    x.grad, z.grad = 100.0, -7.0          # left over from an earlier backward pass
    state = BackwardStepsState(f)
    assert by_label(state) == {"x": -4.0, "y": -4.0, "z": 3.0, "q": -4.0, "f": 1.0}
    assert state.values[[n.label for n in state.nodes].index("f")] == -12.0
    assert (x.grad, z.grad) == (-4.0, 3.0)


def test_a_value_used_twice_shows_the_accumulated_gradient():
    """For a * a + a, is the gradient of a the sum over its three uses (2a + 1)?"""
    a = labelled(Value(3.0), "a")
    state = BackwardStepsState(labelled(a * a + a, "out"))
    assert by_label(state)["a"] == 7.0
    assert sum(node is a for node in state.nodes) == 1


def test_visit_order_is_a_reversed_topological_order():
    """Is every node visited after all the nodes computed from it, the root first?"""
    state = BackwardStepsState(neuron())
    position = {int(node): k for k, node in enumerate(state.visit_order)}
    assert sorted(position) == list(range(len(state.nodes)))
    assert position[len(state.nodes) - 1] == 0
    for i, j in state.edges:             # nodes[i] is an operand of nodes[j]
        assert position[j] < position[i]


def test_steps_reveal_gradients_one_node_at_a_time():
    """Does step k reveal exactly the first k visited nodes and mark the k-th as current?"""
    f, _ = notes_example()
    state = BackwardStepsState(f)
    assert state.step == 0 and not state.revealed.any() and state.current is None
    assert "Forward pass" in state.describe()
    state.update(1)
    assert state.current == len(state.nodes) - 1 and state.revealed.sum() == 1
    assert "f is the output" in state.describe() and "passes it on to q, z" in state.describe()
    state.forward()
    state.forward()
    assert state.step == 3 and state.revealed.sum() == 3
    state.update(state.num_steps)
    state.forward()
    assert state.step == state.num_steps and state.revealed.all()
    state.back()
    assert state.step == state.num_steps - 1
    with pytest.raises(ValueError, match="step must be at most 5"):
        state.update(6)


def test_run_backward_false_keeps_the_grads_and_a_node_without_backward_is_refused():
    """With run_backward=False are the existing grads shown; without backward() is the error explained?"""
    f, (x, *_) = notes_example()
    f.backward()
    x.grad = 42.0
    assert by_label(BackwardStepsState(f, run_backward=False))["x"] == 42.0

    class Node:
        def __init__(self, data, prev=()):
            self.data, self.grad, self._prev, self._op = data, 0.0, prev, "+" if prev else ""

    with pytest.raises(TypeError, match="no backward"):
        BackwardStepsState(Node(1.0, (Node(0.5), Node(0.5))))
    with pytest.raises(TypeError, match="has no data, grad, _prev, _op"):
        BackwardStepsState(3.0)


def test_picture_updates_only_gradient_texts_and_the_mark():
    """Is the drawing matched to the nodes, with "grad ?" for nodes not yet reached and the visited node marked?"""
    f, _ = notes_example()
    state = BackwardStepsState(f)
    picture = BackwardStepsPicture(state)
    assert picture.incremental
    boxes, grad_texts = picture.parts
    frame0 = picture.png()
    assert all(text.get_text() == "grad ?" for text in grad_texts) and not picture.marker.get_visible()
    state.update(2)
    frame2 = picture.png()
    shown = [text.get_text() != "grad ?" for text in grad_texts]
    np.testing.assert_array_equal(shown, state.revealed)
    assert grad_texts[state.current].get_text() == picture.revealed_text[state.current]
    assert picture.marker.get_visible() and picture.marker.get_x() == boxes[state.current].get_x()
    assert len({frame0, frame2}) == 2
    state.update(0)
    assert picture.png() == frame0    # a step's picture is kept


def test_picture_falls_back_to_full_drawing_when_the_drawing_cannot_be_matched(monkeypatch):
    """If draw_graph's artists could not be matched to the nodes, does every step still get its own picture?"""
    monkeypatch.setattr(backprop, "_match_node_artists", lambda ax, positions: None)
    state = BackwardStepsState(notes_example()[0])
    picture = BackwardStepsPicture(state)
    assert not picture.incremental
    frames = set()
    for step in range(state.num_steps + 1):
        state.update(step)
        frames.add(picture.png())
    assert len(frames) == state.num_steps + 1


def test_view_slider_buttons_and_run_step_through_the_pass():
    """Do the slider, next/back and run move through the steps, with a caption, and does run stop at the end?"""
    view = BackwardStepsView(neuron(2))
    image = view.picture.widget.value
    view.step.value = 2
    assert view.state.step == 2 and view.picture.widget.value != image and "Step 2 of" in view.caption.value
    view._move_to(view.state.step + 1)
    assert view.state.step == 3
    view.runner.toggle.value = True
    for _ in range(view.state.num_steps + 2):
        view.runner.clock.value += 1
    assert view.state.step == view.state.num_steps and not view.runner.running
