"""Hand-designed features: what a linear classifier sees when it is not given raw pixels.

Before features were learned, inputs were turned into short, fixed-length vectors by hand. Two classic examples:

- :func:`intensity_histogram`: how many pixels of each image fall in each brightness bin (one histogram per colour
  channel for colour images). It keeps the overall tones and colours and forgets where things are.
- :func:`build_vocabulary` + :func:`word_counts`: a bag of words, how often each vocabulary word occurs in a
  sentence. It keeps which words appear and forgets their order.

Both return one row per example, of shape (N, F), ready for any classifier that takes (N, D) data.
"""
import re

import numpy as np

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def intensity_histogram(images, num_bins, value_range, normalize=False):
    """Per-image histograms of pixel values, one per channel, computed for the whole batch at once.

    Inputs:
    - images: of shape (N, H, W) or (N, D) for grayscale, or (N, H, W, K) for K channels (K = 3 for colour,
      channels last); any integer or float dtype
    - num_bins: number of equal-width bins per channel, >= 1
    - value_range: (low, high), low < high. Bin k covers [low + k * width, low + (k + 1) * width) with
      width = (high - low) / num_bins; a value equal to high counts in the last bin (as in np.histogram)
    - normalize: if True, each channel's histogram sums to 1 (fractions of the pixels) instead of counting pixels

    Returns:
    - features: float64 array of shape (N, num_bins) for grayscale or (N, K * num_bins) for K channels, channel 0's
      bins first, then channel 1's, and so on

    Raises ValueError if a pixel lies outside value_range (the range must cover the data, e.g. (0, 256) for uint8
    images, (0, 17) for the 0..16 digits).
    """
    images = _numeric_array("images", images)
    if images.ndim not in (2, 3, 4) or images.shape[0] == 0:
        raise ValueError("images: expected shape (N, H, W), (N, D) or (N, H, W, K) with N >= 1, "
                         f"got {images.shape}")
    num_bins = _positive_int("num_bins", num_bins)
    low, high = _value_range(value_range)
    # Channels last for colour; a grayscale image is one channel.
    pixels = images.reshape(images.shape[0], -1, images.shape[-1] if images.ndim == 4 else 1)
    pixels = pixels.astype(np.float64)  # uint8 arithmetic would wrap around
    if not np.all(np.isfinite(pixels)):
        raise ValueError("images: found NaN or infinite pixel values; a histogram needs finite values.")
    if pixels.min() < low or pixels.max() > high:
        raise ValueError(f"value_range = ({low:g}, {high:g}) does not cover the pixel values, which go from "
                         f"{pixels.min():g} to {pixels.max():g}: widen value_range.")
    num_images, num_pixels, num_channels = pixels.shape
    bins = np.minimum(((pixels - low) * (num_bins / (high - low))).astype(np.int64), num_bins - 1)
    # One bincount for the whole batch: each (image, channel, bin) triple gets its own slot.
    image_index = np.arange(num_images)[:, None, None]
    channel_index = np.arange(num_channels)[None, None, :]
    slots = (image_index * num_channels + channel_index) * num_bins + bins
    counts = np.bincount(slots.ravel(), minlength=num_images * num_channels * num_bins)
    features = counts.reshape(num_images, num_channels * num_bins).astype(np.float64)
    return features / num_pixels if normalize else features


def tokenize(sentence):
    """The words of a sentence, lowercased, punctuation dropped: "It's hot!" -> ["it's", "hot"]."""
    if not isinstance(sentence, str):
        raise TypeError(f"sentence: expected a str, got {type(sentence).__name__}")
    return _WORD.findall(sentence.lower())


def build_vocabulary(sentences, min_count=1):
    """The words seen in ``sentences`` at least ``min_count`` times, sorted alphabetically.

    Inputs:
    - sentences: a list (or tuple) of N strings
    - min_count: drop words seen fewer times than this across all the sentences, >= 1

    Returns a tuple of V words; word v is feature column v of :func:`word_counts`.
    """
    min_count = _positive_int("min_count", min_count)
    words, counts = np.unique(np.array(_all_tokens(sentences), dtype=str), return_counts=True)
    vocabulary = tuple(str(word) for word in words[counts >= min_count])
    if not vocabulary:
        raise ValueError(f"no word occurs at least min_count = {min_count} times in the {len(sentences)} "
                         "sentences: lower min_count or pass more text.")
    return vocabulary


def word_counts(sentences, vocabulary):
    """Bag-of-words features: how many times each vocabulary word occurs in each sentence.

    Inputs:
    - sentences: a list (or tuple) of N strings
    - vocabulary: a sequence of V distinct words, e.g. from build_vocabulary; words outside it are ignored

    Returns:
    - counts: int64 array of shape (N, V); counts[i, v] is how often vocabulary[v] occurs in sentences[i]
    """
    _check_sentences(sentences)
    vocabulary = tuple(vocabulary)
    column = {word: index for index, word in enumerate(vocabulary)}
    if len(column) != len(vocabulary) or not vocabulary:
        raise ValueError(f"vocabulary: expected distinct words (at least one), got {len(vocabulary)} words "
                         f"of which {len(column)} are distinct")
    rows, columns = [], []
    for row, sentence in enumerate(sentences):
        known = [column[word] for word in tokenize(sentence) if word in column]
        rows.extend([row] * len(known))
        columns.extend(known)
    slots = np.asarray(rows, dtype=np.int64) * len(vocabulary) + np.asarray(columns, dtype=np.int64)
    counts = np.bincount(slots, minlength=len(sentences) * len(vocabulary))
    return counts.reshape(len(sentences), len(vocabulary)).astype(np.int64)


def _all_tokens(sentences):
    _check_sentences(sentences)
    return [word for sentence in sentences for word in tokenize(sentence)]


def _check_sentences(sentences):
    if isinstance(sentences, str):
        raise TypeError("sentences: expected a list of strings, got a single str; wrap it in a list: [sentence]")
    if not isinstance(sentences, (list, tuple)):
        raise TypeError(f"sentences: expected a list of strings, got {type(sentences).__name__}")
    not_text = [type(s).__name__ for s in sentences if not isinstance(s, str)]
    if not_text:
        raise TypeError(f"sentences: every item must be a str, found {not_text[0]}")


def _numeric_array(name, value):
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name}: expected integer or float values, got dtype {array.dtype}")
    return array


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}: expected an integer >= 1, got {value!r}")
    return int(value)


def _value_range(value_range):
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise ValueError(f"value_range: expected a pair (low, high), got {value_range!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"value_range: expected finite low < high, got ({low:g}, {high:g})")
    return low, high
