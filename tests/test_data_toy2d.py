"""Do the toy 2-D generators give the documented shapes, geometry and determinism, and refuse bad arguments?"""
import numpy as np
import pytest

from course_utils.data import make_blobs, make_circles, make_spiral, make_xor

GENERATORS = {
    "blobs": (make_blobs, 3),
    "spiral": (make_spiral, 3),
    "circles": (make_circles, 2),
    "xor": (make_xor, 2),
}


@pytest.fixture(params=sorted(GENERATORS))
def generator(request):
    return GENERATORS[request.param]


def test_shapes_dtypes_and_class_order(generator):
    make, default_classes = generator
    X, y = make(num_points_per_class=7)
    assert X.shape == (7 * default_classes, 2) and X.dtype == np.float64
    assert y.shape == (7 * default_classes,) and y.dtype == np.int64
    assert y.tolist() == np.repeat(np.arange(default_classes), 7).tolist()
    assert np.isfinite(X).all()


@pytest.mark.parametrize("make", [make_blobs, make_spiral, make_circles])
def test_num_classes_sets_the_label_range(make):
    X, y = make(num_points_per_class=4, num_classes=5)
    assert X.shape == (20, 2)
    assert np.bincount(y).tolist() == [4] * 5


def test_same_seed_same_points_other_seed_other_points(generator):
    make, _ = generator
    X_a, y_a = make(seed=3)
    X_b, y_b = make(seed=3)
    X_c, _ = make(seed=4)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)
    assert not np.allclose(X_a, X_c)


def test_global_random_state_is_neither_used_nor_changed(generator):
    make, _ = generator
    np.random.seed(123)
    state = np.random.get_state()[1].copy()
    X_first, _ = make(seed=0)
    np.testing.assert_array_equal(np.random.get_state()[1], state)
    np.random.seed(999)
    X_second, _ = make(seed=0)
    np.testing.assert_array_equal(X_first, X_second)


def test_noise_is_the_standard_deviation_per_coordinate(generator):
    make, _ = generator
    X_clean, _ = make(num_points_per_class=4000, noise=0.0, seed=1)
    X_noisy, _ = make(num_points_per_class=4000, noise=0.2, seed=1)
    jitter = X_noisy - X_clean
    np.testing.assert_allclose(jitter.std(axis=0), [0.2, 0.2], rtol=0.05)
    np.testing.assert_allclose(jitter.mean(axis=0), [0.0, 0.0], atol=0.01)


def test_blobs_without_noise_sit_on_their_centers():
    X, y = make_blobs(num_points_per_class=3, num_classes=4, noise=0.0, center_radius=1.5)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.5)
    np.testing.assert_allclose(X[y == 0], [[0.0, 1.5]] * 3, atol=1e-12)
    np.testing.assert_allclose(X[y == 1], [[-1.5, 0.0]] * 3, atol=1e-12)  # next center a quarter turn on


def test_spiral_without_noise_moves_out_evenly_and_turns_four_radians():
    X, y = make_spiral(num_points_per_class=5, num_classes=2, noise=0.0)
    np.testing.assert_allclose(np.linalg.norm(X[y == 0], axis=1), [0.0, 0.25, 0.5, 0.75, 1.0], atol=1e-12)
    np.testing.assert_allclose(X[4], [np.cos(4.0), np.sin(4.0)])  # class 0 ends at angle 4 rad
    np.testing.assert_allclose(X[9], -X[4])  # class 1 is the same arm turned by pi


def test_circles_without_noise_lie_on_radius_k_plus_one_over_c():
    X, y = make_circles(num_points_per_class=50, num_classes=4, noise=0.0)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), (y + 1) / 4)


def test_circles_noise_spreads_the_radius():
    X, y = make_circles(num_points_per_class=4000, num_classes=2, noise=0.02, seed=2)
    # For jitter much smaller than the radius, the radial spread is the per-coordinate standard deviation.
    np.testing.assert_allclose((np.linalg.norm(X, axis=1) - (y + 1) / 2).std(), 0.02, rtol=0.05)


def test_xor_labels_follow_the_sign_of_the_product():
    X, y = make_xor(num_points_per_class=6, noise=0.0)
    np.testing.assert_array_equal(np.abs(X), np.ones_like(X))
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(np.int64))
    # Each class is split evenly between its two opposite corners.
    assert sorted(map(tuple, X[y == 0])) == [(-1.0, -1.0)] * 3 + [(1.0, 1.0)] * 3


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"num_points_per_class": 0}, ValueError, "num_points_per_class must be a whole number >= 1, got 0"),
        ({"num_points_per_class": 2.5}, TypeError, "num_points_per_class must be a whole number >= 1, got float"),
        ({"num_points_per_class": True}, TypeError, "got bool"),
        ({"noise": -0.1}, ValueError, "noise must be a finite number >= 0, got -0.1"),
        ({"noise": float("nan")}, ValueError, "noise must be a finite number >= 0, got nan"),
        ({"noise": "0.1"}, TypeError, "noise must be a number >= 0, got str"),
        ({"seed": -1}, ValueError, "seed must be a whole number >= 0, got -1"),
        ({"seed": 0.5}, TypeError, "seed must be a whole number >= 0, got float"),
    ],
)
def test_bad_arguments_are_named(generator, kwargs, error, message):
    make, _ = generator
    with pytest.raises(error, match=message.replace(".", r"\.").replace("(", r"\(")):
        make(**kwargs)


@pytest.mark.parametrize("make", [make_blobs, make_spiral, make_circles])
def test_one_class_is_refused(make):
    with pytest.raises(ValueError, match="num_classes must be a whole number >= 2, got 1"):
        make(num_classes=1)


def test_numpy_integers_are_accepted():
    X, y = make_blobs(num_points_per_class=np.int64(3), num_classes=np.int32(2), seed=np.int64(5))
    assert X.shape == (6, 2)
