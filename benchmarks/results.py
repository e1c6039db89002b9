"""What a benchmark group produces: rows of measurements, each with a ratio to a baseline and maybe a target.

    Row(measure, value, unit, ratio=None, baseline=None, target=None, detail="")
    Target(on="ratio" | "value", op="<=" | "<" | ">=" | ">", bound, text)
    GroupResult(name, title, rows, notes, parameters, error=None, seconds=0.0)

A row's verdict is "pass" or "MISS" when it has a target, "info" otherwise. A group that could not be measured has
an ``error`` saying why (a missing component, a crash) and no rows.
"""
import operator
from dataclasses import dataclass, field

from .timing import format_number

OPERATORS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt}
SYMBOLS = {"<=": "≤", "<": "<", ">=": "≥", ">": ">"}
VERDICTS = ("pass", "MISS", "info")


@dataclass(frozen=True)
class Target:
    """A bound on a row's ratio or on its value, e.g. Target("ratio", "<=", 1.3, "floor")."""

    on: str
    op: str
    bound: float
    text: str = ""

    def __post_init__(self):
        if self.on not in ("ratio", "value"):
            raise ValueError(f"Target.on must be 'ratio' or 'value', got {self.on!r}")
        if self.op not in OPERATORS:
            raise ValueError(f"Target.op must be one of {sorted(OPERATORS)}, got {self.op!r}")

    def holds(self, row):
        measured = row.ratio if self.on == "ratio" else row.value
        if measured is None:
            raise ValueError(f"row {row.measure!r} has a target on its {self.on} but no {self.on}")
        return OPERATORS[self.op](measured, self.bound)

    def describe(self, unit=""):
        suffix = "×" if self.on == "ratio" else (f" {unit}" if unit else "")
        text = f"{SYMBOLS[self.op]} {format_number(self.bound)}{suffix}"
        return f"{text} {self.text}".strip()


@dataclass(frozen=True)
class Row:
    """One measurement: ``value`` in ``unit``; ``ratio`` = this measurement / ``baseline`` (measured in this run)."""

    measure: str
    value: float
    unit: str
    ratio: float = None
    baseline: str = None
    target: Target = None
    detail: str = ""
    timing: object = None   # the Timing behind the value, when the value is a time (for the JSON file)
    show_p95: bool = False  # the value cell also gives the timing's 95th percentile (in the value's unit, ms)

    def __post_init__(self):
        if (self.ratio is None) != (self.baseline is None):
            raise ValueError(f"row {self.measure!r}: a ratio needs the name of its baseline, and a baseline a ratio")

    @property
    def verdict(self):
        if self.target is None:
            return "info"
        return "pass" if self.target.holds(self) else "MISS"

    def value_text(self):
        text = f"{format_number(self.value)} {self.unit}".strip()
        if self.show_p95 and self.timing is not None:
            text += f", p95 {format_number(self.timing.p95 * 1e3)}"
        return text

    def ratio_text(self):
        return "-" if self.ratio is None else f"{format_number(self.ratio)}× {self.baseline}"

    def target_text(self):
        return "-" if self.target is None else self.target.describe(self.unit)

    def as_dict(self):
        return {"measure": self.measure, "value": self.value, "unit": self.unit, "ratio": self.ratio,
                "baseline": self.baseline,
                "target": None if self.target is None else {"on": self.target.on, "op": self.target.op,
                                                            "bound": self.target.bound,
                                                            "text": self.target.describe(self.unit)},
                "verdict": self.verdict, "detail": self.detail,
                "timing": None if self.timing is None else self.timing.summary()}


@dataclass
class GroupResult:
    """Everything one group measured, or why it could not measure."""

    name: str
    title: str
    rows: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    parameters: dict = field(default_factory=dict)
    error: str = None
    seconds: float = 0.0
    load: tuple = (None, None)   # 1-minute load average when the group started and ended
    other_cores: float = None    # cores used on average by processes outside the run while the group ran

    @property
    def missed(self):
        return [row for row in self.rows if row.verdict == "MISS"]

    def as_dict(self):
        return {"name": self.name, "title": self.title, "seconds": self.seconds, "load_average": list(self.load),
                "other_cores": self.other_cores,
                "parameters": self.parameters,
                "error": self.error, "notes": list(self.notes), "rows": [row.as_dict() for row in self.rows]}


class Unavailable(Exception):
    """A group cannot be measured on this checkout (a component it measures is missing); the message says which."""
