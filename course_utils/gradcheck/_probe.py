"""Calling f with one entry of x moved by a small step: the only code of the package that writes into an array."""
import numpy as np

from ._inputs import (array_value, check_callable, describe_point, float64_copy_of_x, format_index,
                      output_precision_warning, scalar_value)


class Probe:
    """Evaluates f at x, or at x with one entry moved, without leaving a trace on the caller's x.

    f always receives a private float64 copy of x (same shape, C-contiguous), so f can never damage the caller's
    array through its argument. When x is itself a writeable float64 NumPy array, the moved entry is also written
    into x while f runs, as CS231n's checker does, so that a function which ignores its argument and reads x through
    a closure (``f = lambda _: model.loss(X, y)[0]`` with ``x = model.params["W1"]``) sees the step too. Each entry
    is put back right after the call, and the whole of x is restored bitwise from a saved copy when the probe is
    closed: use it as a context manager, so that happens also when f raises.

    If f modifies the array it is given, the results would be silently wrong, so that raises a ValueError.

    Inputs:
    - f: function of an array like x; returns a number (output="scalar") or an array (output="array").
    - x: the point, any shape, floating dtype.
    - output: "scalar" or "array".
    - stacklevel: the ``warnings.warn`` stacklevel that, used in the code calling the probe, points at the user's
      code; warnings about x and about f's values are attributed there.
    """

    def __init__(self, f, x, output, stacklevel):
        check_callable(f)
        self.f = f
        self.output = output
        self.x0 = float64_copy_of_x(x, stacklevel + 1)
        self.shape = self.x0.shape
        self.calls = 0
        self.output_eps = None  # rounding unit of f's values, known after the first call
        self.output_shape = None
        self._stacklevel = stacklevel
        self._x0_flat = self.x0.reshape(-1)
        self._work = self.x0.copy()
        self._work_flat = self._work.reshape(-1)  # a view: the copy is C-contiguous
        is_mirrored = isinstance(x, np.ndarray) and x.dtype == np.float64 and x.flags.writeable
        self._mirror = x if is_mirrored else None
        self._saved = x.copy() if is_mirrored else None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self._mirror is not None:
            np.copyto(self._mirror, self._saved)
        return False

    def center(self):
        """f at x itself: a float (scalar output) or a fresh float64 array (array output)."""
        return self._call(None, None, describe_point((), 0))

    def at(self, flat_index, offset):
        """f at x with entry ``flat_index`` (C order) moved by ``offset``.

        Returns a tuple of:
        - value: a float (scalar output) or a fresh float64 array (array output)
        - step: the offset actually applied, (x + offset) - x in float64, which can differ from offset in the last bits
        """
        index = np.unravel_index(flat_index, self.shape)
        original = self._x0_flat[flat_index]
        moved = original + offset
        step = moved - original
        if step == 0:
            raise ValueError(f"h = {abs(offset):.3g} is too small to move x{format_index(index)} = {original:.6g} "
                             "in float64; use a step of about 1e-5 times the size of the entries")
        self._work_flat[flat_index] = moved
        if self._mirror is not None:
            self._mirror[index] = moved
        try:
            return self._call(flat_index, moved, describe_point(index, offset)), step
        finally:
            if self._mirror is not None:
                self._mirror[index] = self._saved[index]

    def _call(self, flat_index, moved, where):
        raw = self.f(self._work)
        self.calls += 1
        value = self._read(raw, where)  # before the entry is put back: f's value may be a view of its argument
        self._check_untouched(flat_index, moved, where)
        return value

    def _check_untouched(self, flat_index, moved, where):
        intact = flat_index is None or self._work_flat[flat_index] == moved
        if flat_index is not None:
            self._work_flat[flat_index] = self._x0_flat[flat_index]
        if intact and np.array_equal(self._work, self.x0):
            return
        changed = self._work != self.x0
        if not intact:
            changed.reshape(-1)[flat_index] = True
        index = tuple(int(i) for i in np.argwhere(changed)[0])
        raise ValueError(f"f modified the array it was given (entry {format_index(index) or '[]'} changed when f was "
                         f"called at {where}), so its values at the moved points cannot be trusted. Make f compute "
                         "on a copy: `W = W - shift` makes a new array, `W -= shift` overwrites the argument")

    def _read(self, raw, where):
        if self.output == "scalar":
            value = scalar_value(raw, where)
        else:
            value = array_value(raw, where, self.output_shape)
            self.output_shape = value.shape
        if self.output_eps is None:
            self.output_eps = self._rounding_unit(raw)
        return value

    def _rounding_unit(self, raw):
        dtype = np.asarray(raw).dtype
        if dtype.kind != "f" or dtype.itemsize >= 8:
            return float(np.finfo(np.float64).eps)
        # four frames sit between here and the probe's caller: _rounding_unit, _read, _call, then center or at
        output_precision_warning(dtype, self._stacklevel + 4)
        return float(np.finfo(dtype).eps)
