"""Do flattening and mean subtraction return new float64 arrays of the documented shapes, using the training
mean only, without touching their inputs?"""
import numpy as np
import pytest

from course_utils.data import flatten_images, subtract_mean_image


def test_flatten_images_gives_row_major_float64_rows():
    images = np.arange(2 * 3 * 4 * 3, dtype=np.uint8).reshape(2, 3, 4, 3)
    X = flatten_images(images)
    assert X.shape == (2, 36) and X.dtype == np.float64
    np.testing.assert_array_equal(X[1], np.arange(36, 72))
    # Pixel (row 1, column 2, channel 0) of image 0 is at 1 * 12 + 2 * 3 + 0.
    assert X[0, 18] == images[0, 1, 2, 0]


def test_flatten_images_copies_even_float64_input():
    images = np.ones((3, 2, 2))
    X = flatten_images(images)
    X[:] = 5.0
    np.testing.assert_array_equal(images, np.ones((3, 2, 2)))


def test_flatten_images_accepts_already_flat_data_and_lists():
    np.testing.assert_array_equal(flatten_images([[1, 2], [3, 4]]), [[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize(
    "images, error, message",
    [
        (np.zeros(5), ValueError, r"images must have shape \(N, d_1, ..., d_k\): one row per example; got shape "
                                  r"\(5,\). For a single example use images\[None\]"),
        (np.array([["a", "b"]]), TypeError, r"images must hold integers or floats; got dtype <U1"),
    ],
)
def test_flatten_images_explains_bad_input(images, error, message):
    with pytest.raises(error, match=message):
        flatten_images(images)


def test_mean_comes_from_train_only_and_is_applied_to_every_set():
    X_train = np.array([[0, 10], [2, 30]], dtype=np.uint8)
    X_val = np.array([[100, 100]], dtype=np.uint8)
    X_test = np.array([[1, 20], [5, 5], [7, 7]], dtype=np.int64)
    mean_image, train_c, val_c, test_c = subtract_mean_image(X_train, X_val, X_test)
    np.testing.assert_array_equal(mean_image, [1.0, 20.0])
    np.testing.assert_array_equal(train_c, [[-1.0, -10.0], [1.0, 10.0]])
    np.testing.assert_array_equal(val_c, [[99.0, 80.0]])
    np.testing.assert_array_equal(test_c, [[0.0, 0.0], [4.0, -15.0], [6.0, -13.0]])
    assert all(array.dtype == np.float64 for array in (mean_image, train_c, val_c, test_c))


def test_mean_image_keeps_the_image_shape_so_it_can_be_shown():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (10, 4, 4, 3), dtype=np.uint8)
    mean_image, centered = subtract_mean_image(images)
    assert mean_image.shape == (4, 4, 3)
    np.testing.assert_allclose(mean_image, images.astype(np.float64).mean(axis=0))
    np.testing.assert_allclose(centered.mean(axis=0), 0.0, atol=1e-12)


def test_inputs_are_left_unchanged():
    X_train = np.arange(6.0).reshape(3, 2)
    X_val = np.ones((2, 2), dtype=np.float32)
    originals = X_train.copy(), X_val.copy()
    _, train_c, val_c = subtract_mean_image(X_train, X_val)
    train_c += 1
    val_c += 1
    np.testing.assert_array_equal(X_train, originals[0])
    np.testing.assert_array_equal(X_val, originals[1])
    assert val_c.dtype == np.float64  # float32 input still gives float64 output


def test_sets_of_a_different_example_shape_are_refused_by_position():
    with pytest.raises(ValueError, match=r"X_others\[1\] has examples of shape \(3,\) but X_train has \(2,\): "
                                         r"prepare every set the same way"):
        subtract_mean_image(np.zeros((4, 2)), np.zeros((1, 2)), np.zeros((1, 3)))


def test_empty_training_set_has_no_mean():
    with pytest.raises(ValueError, match=r"X_train has no examples \(shape \(0, 2\)\), so it has no mean"):
        subtract_mean_image(np.zeros((0, 2)))
