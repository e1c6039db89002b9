"""The settings of one run, shared by every group, and how a group picks its sizes."""
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """- quick: smoke run (small sizes, few repeats); its numbers are not the committed results
    - threads: BLAS / OpenMP threads, in this process and in every subprocess (kernels, nbgrader, course)
    - workdir: scratch folder for notebook runs and the sample class (a temporary folder when None)
    - jobs: grading processes of `course autograde` in the autograde group (None: one per core)
    """

    quick: bool = False
    threads: int = 1
    workdir: Path = None
    jobs: int = None


def group_parameters(full, quick, settings, overrides):
    """The group's parameters: ``quick`` or ``full`` (per settings), with ``overrides`` replacing some of them.

    An override that names no parameter is an error (a typo would otherwise be measured silently with defaults).
    """
    chosen = dict(quick if settings.quick else full)
    unknown = sorted(set(overrides) - set(chosen))
    if unknown:
        raise TypeError(f"unknown parameters {unknown}; this group takes {sorted(chosen)}")
    chosen.update(overrides)
    return chosen
