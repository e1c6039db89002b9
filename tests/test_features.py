"""course_utils.features: intensity/colour histograms and bag-of-words counts."""
import numpy as np
import pytest

from course_utils.features import build_vocabulary, intensity_histogram, tokenize, word_counts


def histograms_one_by_one(images, num_bins, value_range, channels):
    """Independent reference: np.histogram per image and per channel."""
    rows = []
    for image in images:
        pixels = image.reshape(-1, channels)
        rows.append(np.concatenate([np.histogram(pixels[:, k], bins=num_bins, range=value_range)[0]
                                    for k in range(channels)]))
    return np.array(rows, dtype=np.float64)


def test_do_grayscale_histograms_match_numpy_per_image():
    images = np.random.default_rng(0).integers(0, 17, (6, 8, 8)).astype(np.uint8)
    features = intensity_histogram(images, 17, (0, 17))
    assert features.shape == (6, 17) and features.dtype == np.float64
    np.testing.assert_array_equal(features, histograms_one_by_one(images, 17, (0, 17), 1))
    np.testing.assert_array_equal(features.sum(axis=1), np.full(6, 64.0))


def test_do_colour_histograms_put_each_channel_in_its_own_block():
    images = np.random.default_rng(1).integers(0, 256, (4, 5, 7, 3)).astype(np.uint8)
    features = intensity_histogram(images, 8, (0, 256))
    assert features.shape == (4, 24)
    np.testing.assert_array_equal(features, histograms_one_by_one(images, 8, (0, 256), 3))


def test_does_a_pure_red_image_fill_the_top_red_bin_and_the_bottom_green_and_blue_bins():
    red = np.zeros((1, 2, 2, 3), dtype=np.uint8)
    red[..., 0] = 255
    features = intensity_histogram(red, 4, (0, 256))[0]
    np.testing.assert_array_equal(features, [0, 0, 0, 4, 4, 0, 0, 0, 4, 0, 0, 0])


def test_do_float_images_and_flat_rows_work():
    rng = np.random.default_rng(2)
    images = rng.uniform(-1.0, 1.0, (3, 10))
    features = intensity_histogram(images, 5, (-1.0, 1.0))
    np.testing.assert_array_equal(features, histograms_one_by_one(images, 5, (-1.0, 1.0), 1))


def test_does_the_upper_end_of_the_range_count_in_the_last_bin():
    images = np.array([[0.0, 0.5, 1.0, 1.0]])
    np.testing.assert_array_equal(intensity_histogram(images, 2, (0.0, 1.0)), [[1, 3]])


def test_does_normalize_give_fractions_per_channel():
    images = np.random.default_rng(3).integers(0, 256, (2, 4, 4, 3))
    features = intensity_histogram(images, 16, (0, 256), normalize=True)
    np.testing.assert_allclose(features.reshape(2, 3, 16).sum(axis=2), np.ones((2, 3)))


def test_is_the_input_left_unchanged():
    images = np.random.default_rng(4).integers(0, 17, (3, 8, 8)).astype(np.uint8)
    before = images.copy()
    intensity_histogram(images, 17, (0, 17))
    np.testing.assert_array_equal(images, before)


def test_does_a_range_that_misses_pixels_raise_with_both_ranges():
    images = np.array([[[0, 300]]])
    with pytest.raises(ValueError, match=r"value_range = \(0, 256\).*from 0 to 300"):
        intensity_histogram(images, 8, (0, 256))


@pytest.mark.parametrize("kwargs, message", [
    ({"num_bins": 0, "value_range": (0, 1)}, "num_bins: expected an integer >= 1, got 0"),
    ({"num_bins": 2.5, "value_range": (0, 1)}, "num_bins"),
    ({"num_bins": 4, "value_range": (1, 1)}, "low < high"),
    ({"num_bins": 4, "value_range": 5}, "a pair"),
])
def test_are_bad_arguments_rejected_by_name(kwargs, message):
    with pytest.raises(ValueError, match=message):
        intensity_histogram(np.zeros((1, 2, 2)), **kwargs)


def test_are_bad_images_rejected():
    with pytest.raises(ValueError, match=r"images: expected shape"):
        intensity_histogram(np.zeros(5), 4, (0, 1))
    with pytest.raises(TypeError, match="dtype"):
        intensity_histogram(np.array([["a", "b"]]), 4, (0, 1))
    with pytest.raises(ValueError, match="NaN"):
        intensity_histogram(np.array([[0.0, np.nan]]), 4, (0, 1))


def test_does_tokenize_lowercase_and_drop_punctuation():
    assert tokenize("It's HOT, isn't it? 42 degrees!") == ["it's", "hot", "isn't", "it", "42", "degrees"]


def test_are_the_notes_word_counts_reproduced():
    vocabulary = ("this", "that", "is", "extremely", "hello", "onomatopoeia")
    counts = word_counts(["This is what an extremely short sentence is."], vocabulary)
    assert counts.dtype == np.int64
    np.testing.assert_array_equal(counts, [[1, 0, 2, 1, 0, 0]])


def test_is_the_vocabulary_sorted_unique_and_filtered_by_count():
    sentences = ["the cat sat", "The dog sat.", "a cat"]
    assert build_vocabulary(sentences) == ("a", "cat", "dog", "sat", "the")
    assert build_vocabulary(sentences, min_count=2) == ("cat", "sat", "the")


def test_do_counts_ignore_unknown_words_and_allow_empty_sentences():
    counts = word_counts(["zebra zebra", "", "cat cat dog"], ("cat", "dog"))
    np.testing.assert_array_equal(counts, [[0, 0], [0, 0], [2, 1]])


def test_does_swapping_words_keep_the_same_counts():
    pair = ["The team beat the champions.", "The champions beat the team."]
    counts = word_counts(pair, build_vocabulary(pair))
    np.testing.assert_array_equal(counts[0], counts[1])


def test_is_a_single_string_refused_with_the_fix():
    with pytest.raises(TypeError, match=r"wrap it in a list: \[sentence\]"):
        word_counts("a sentence", ("a",))
    with pytest.raises(TypeError, match="every item must be a str"):
        build_vocabulary(["fine", 3])


def test_are_bad_vocabularies_refused():
    with pytest.raises(ValueError, match="distinct"):
        word_counts(["a b"], ("a", "a"))
    with pytest.raises(ValueError, match="lower min_count"):
        build_vocabulary(["one two"], min_count=2)
