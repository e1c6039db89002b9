"""Safe JSON encoding of what a hidden check observes in the student's kernel.

Observations travel from the student's kernel to the grader as notebook output (JSON). The grader must never
unpickle or evaluate anything the student's process produced, so the format is deliberately small:

- ``None``, ``bool``, ``int``, ``str`` as themselves;
- ``float`` and numpy scalars and arrays as ``{"__ndarray__": base64 bytes, "dtype": "<f8", "shape": [...]}``
  (this also carries NaN and infinities, which plain JSON cannot);
- lists, tuples (decoded as tuples) and dicts with string keys, recursively;
- anything else as ``{"__unencodable__": type name, "repr": short repr}`` so the judge can say what it got.

Only numeric and boolean dtypes are accepted on decode; arrays above ``MAX_ARRAY_BYTES`` are replaced by a
description of their shape, so a runaway output cannot bloat the graded notebook.
"""
import base64

import numpy as np

MAX_ARRAY_BYTES = 4_000_000
_ALLOWED_KINDS = "biufc"  # bool, signed, unsigned, float, complex


def encode(value):
    """Turn an observation into JSON-compatible data (see the module docstring for the format)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) < 2**53 else _encode_array(np.asarray(float(value)))
    if isinstance(value, (float, np.generic, np.ndarray)):
        return _encode_array(np.asarray(value))
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"__dict__": {k: encode(v) for k, v in value.items()}}
    return _unencodable(value)


def decode(data):
    """Inverse of :func:`encode`. Raises ValueError on anything not produced by it."""
    if data is None or isinstance(data, (bool, int, str)):
        return data
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        raise ValueError(f"observation: cannot decode a {type(data).__name__}")
    if "__ndarray__" in data:
        return _decode_array(data)
    if "__tuple__" in data:
        return tuple(decode(v) for v in data["__tuple__"])
    if "__dict__" in data:
        return {str(k): decode(v) for k, v in data["__dict__"].items()}
    if "__unencodable__" in data:
        return Unencodable(str(data["__unencodable__"]), str(data.get("repr", "")))
    raise ValueError(f"observation: unknown record keys {sorted(data)}")


class Unencodable:
    """Stands in for a value the kernel could not send (a student's function returned something unexpected)."""

    def __init__(self, type_name, text):
        self.type_name = type_name
        self.text = text

    def __repr__(self):
        return f"<{self.type_name}: {self.text}>"


def _encode_array(array):
    if array.dtype.kind not in _ALLOWED_KINDS:
        return _unencodable(array)
    if array.nbytes > MAX_ARRAY_BYTES:
        return {"__unencodable__": "ndarray", "repr": f"array of shape {array.shape} and dtype {array.dtype} "
                                                        f"({array.nbytes} bytes, too large to record)"}
    contiguous = np.array(array, order="C")  # (ascontiguousarray would turn a 0-d array into 1-d)
    return {
        "__ndarray__": base64.b64encode(contiguous.tobytes()).decode("ascii"),
        "dtype": contiguous.dtype.str,
        "shape": list(contiguous.shape),
    }


def _decode_array(data):
    dtype = np.dtype(str(data["dtype"]))
    if dtype.kind not in _ALLOWED_KINDS:
        raise ValueError(f"observation: dtype {dtype} is not allowed")
    shape = tuple(int(n) for n in data["shape"])
    raw = base64.b64decode(data["__ndarray__"], validate=True)
    array = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    return array


def _unencodable(value):
    text = repr(value)
    return {"__unencodable__": type(value).__name__, "repr": text[:200]}
