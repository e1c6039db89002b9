"""What a gradient check returns: the table of checked entries, a verdict, and its text and HTML renderings."""
import html
from dataclasses import dataclass

import numpy as np

from ._inputs import format_index
from .judge import GOOD_BELOW, KINK_ACCEPTABLE_BELOW, WRONG_FROM, Verdict, worst

SHOWN_ROWS = 12
"""How many rows the text and HTML renderings show; the worst entries first when a check has more."""

_COLORS = {  # background of a verdict in HTML: green, pale green, amber, orange, red
    Verdict.GOOD: "#d4edda", Verdict.KINK: "#e6f4ea", Verdict.SUSPICIOUS: "#fff3cd",
    Verdict.PROBABLY_WRONG: "#ffe0b2", Verdict.WRONG: "#f8d7da",
}

_ADVICE = {
    Verdict.GOOD: "the analytic gradient matches the numerical one",
    Verdict.KINK: ("the differences sit where f has a kink (a point where it is not differentiable, like ReLU at 0 "
                   "or a hinge at margin 0) within h, which upsets the numerical gradient, not yours"),
    Verdict.SUSPICIOUS: ("f looks smooth there, so the error should be below "
                         f"{GOOD_BELOW:.0e}: look for a small missing term (regularization?) or float32 arithmetic"),
    Verdict.PROBABLY_WRONG: "too large to be rounding, and no kink explains it: the gradient is probably wrong",
    Verdict.WRONG: "the analytic gradient is wrong",
}


@dataclass(frozen=True)
class GradCheckRow:
    """One checked entry of x: its index, both derivatives, their relative error, a kink flag and a verdict."""

    index: tuple
    numerical: float
    analytic: float
    rel_error: float
    kink: bool
    verdict: Verdict


@dataclass(frozen=True, repr=False)
class GradCheckResult:
    """The outcome of a gradient check: assert on ``passed`` or ``verdict``, display it in a notebook.

    Fields:
    - rows: tuple of GradCheckRow, one per checked entry, in C order of x
    - shape: the shape of x
    - h: the step used
    - evaluations: how many times f was called
    - sampled: True for a check of randomly sampled entries, False when every entry was checked
    - notes: tuple of remarks about the inputs (precision, a numerical gradient that is exactly zero, ...)
    """

    rows: tuple
    shape: tuple
    h: float
    evaluations: int
    sampled: bool
    notes: tuple = ()

    @property
    def verdict(self):
        """The worst verdict over the checked entries (a Verdict, equal to its text, e.g. "good")."""
        return worst(row.verdict for row in self.rows)

    @property
    def passed(self):
        """True when the verdict is "good" or "acceptable (kink)"."""
        return self.verdict.passed

    @property
    def worst_row(self):
        """The entry that decided the verdict: most severe verdict, then largest relative error."""
        return max(self.rows, key=lambda row: (row.verdict.severity, row.rel_error))

    @property
    def worst_index(self):
        """Index in x (a tuple) of the worst entry."""
        return self.worst_row.index

    @property
    def max_rel_error(self):
        """The largest relative error over the checked entries (including those a kink explains)."""
        return max(row.rel_error for row in self.rows)

    @property
    def indices(self):
        """Checked indices, a list of tuples."""
        return [row.index for row in self.rows]

    @property
    def numerical(self):
        """Numerical derivatives of the checked entries, shape (K,)."""
        return np.array([row.numerical for row in self.rows])

    @property
    def analytic(self):
        """Analytic derivatives of the checked entries, shape (K,)."""
        return np.array([row.analytic for row in self.rows])

    @property
    def rel_errors(self):
        """Relative errors of the checked entries, shape (K,)."""
        return np.array([row.rel_error for row in self.rows])

    @property
    def kinks(self):
        """Kink flags of the checked entries, a boolean array of shape (K,)."""
        return np.array([row.kink for row in self.rows], dtype=bool)

    @property
    def message(self):
        """Two or three sentences: the verdict, the entry that decided it, and what it means."""
        row = self.worst_row
        checked = f"{len(self.rows)} sampled" if self.sampled else f"all {len(self.rows)}"
        text = (f"{self.verdict}: max relative error {self.max_rel_error:.2e} over {checked} entries of x "
                f"(shape {self.shape})")
        if self.verdict is not Verdict.GOOD:
            text += (f"; worst at x{format_index(row.index) or '[]'}: numerical {row.numerical:.6g}, analytic "
                     f"{row.analytic:.6g}, relative error {row.rel_error:.2e}")
        text += f". {_sentence(_ADVICE[self.verdict])}"
        if self.verdict is Verdict.GOOD and self.max_rel_error >= GOOD_BELOW:
            text += (f" Plain errors above {GOOD_BELOW:.0e} sit where the derivative is tiny, and rounding or "
                     "truncation of the finite difference explains them.")
        elif row.rel_error < self.max_rel_error:
            text += (" Larger plain errors elsewhere are explained by a kink or, where the derivative is tiny, by "
                     "rounding or truncation of the finite difference.")
        return text

    def shown_rows(self):
        """The rows to display: all of them if few, else the SHOWN_ROWS worst, back in index order."""
        if len(self.rows) <= SHOWN_ROWS:
            return list(self.rows)
        ranked = sorted(range(len(self.rows)),
                        key=lambda k: (self.rows[k].verdict.severity, self.rows[k].rel_error), reverse=True)
        return [self.rows[k] for k in sorted(ranked[:SHOWN_ROWS])]

    def __str__(self):
        lines = [f"Gradient check: {self.message}",
                 f"{'index':<14}{'numerical':>15}{'analytic':>15}{'rel. error':>12}  {'kink':<5} verdict"]
        for row in self.shown_rows():
            lines.append(f"{format_index(row.index) or '[]':<14}{row.numerical:>15.6e}{row.analytic:>15.6e}"
                         f"{row.rel_error:>12.2e}  {'yes' if row.kink else '':<5} {row.verdict}")
        lines.extend(self._footer())
        return "\n".join(lines)

    __repr__ = __str__

    def _footer(self):
        lines = []
        hidden = len(self.rows) - len(self.shown_rows())
        if hidden:
            lines.append(f"... {hidden} more entries, none worse than those shown")
        lines.append(f"(h = {self.h:g}, {self.evaluations} evaluations of f; relative error: good < {GOOD_BELOW:.0e}, "
                     f"acceptable near a kink < {KINK_ACCEPTABLE_BELOW:.0e}, wrong from {WRONG_FROM:.0e})")
        lines.extend(f"Note: {note}" for note in self.notes)
        return lines

    def _repr_html_(self):
        cell = "padding:2px 8px;text-align:{}"
        header = "".join(f"<th style='{cell.format(align)}'>{name}</th>" for name, align in
                         [("index", "left"), ("numerical", "right"), ("analytic", "right"),
                          ("rel. error", "right"), ("kink", "center"), ("verdict", "left")])
        body = "".join(
            f"<tr><td style='{cell.format('left')}'><code>{format_index(row.index) or '[]'}</code></td>"
            f"<td style='{cell.format('right')}'>{row.numerical:.6e}</td>"
            f"<td style='{cell.format('right')}'>{row.analytic:.6e}</td>"
            f"<td style='{cell.format('right')}'>{row.rel_error:.2e}</td>"
            f"<td style='{cell.format('center')}'>{'yes' if row.kink else ''}</td>"
            f"<td style='{cell.format('left')};background:{_COLORS[row.verdict]}'>{row.verdict}</td></tr>"
            for row in self.shown_rows())
        footer = "<br>".join(html.escape(line) for line in self._footer())
        return (f"<div><p style='background:{_COLORS[self.verdict]};padding:4px 8px'><b>Gradient check</b>: "
                f"{html.escape(self.message)}</p>"
                f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
                f"<p style='font-size:smaller'>{footer}</p></div>")


def _sentence(text):
    return text[0].upper() + text[1:] + "."
