"""``python -m benchmarks``: run the groups, print the table, write RESULTS.md and results.json."""
import argparse
import os
import sys
from pathlib import Path

from . import blas

HERE = Path(__file__).resolve().parent
RESULTS_MD = "RESULTS.md"
RESULTS_JSON = "results.json"


def _group_names(text):
    from .runner import GROUPS

    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in GROUPS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown group(s) {unknown or [text]}; choose from {', '.join(GROUPS)}")
    return names


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def parser():
    from .runner import GROUPS

    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="The course's benchmark suite: every figure a ratio to a baseline measured in the same run. "
                    "A full run of every group rewrites benchmarks/RESULTS.md and benchmarks/results.json.")
    p.add_argument("--only", type=_group_names, action="extend", metavar="GROUP[,GROUP]",
                   help=f"run only these groups ({', '.join(GROUPS)}); may be repeated")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: small sizes and few repeats (its numbers are not the committed results)")
    p.add_argument("--threads", type=_positive, default=1,
                   help="BLAS/OpenMP threads, here and in every kernel and grader started (default: 1)")
    p.add_argument("--jobs", type=_positive, default=None,
                   help="grading processes of `course autograde` in the autograde group (default: all cores)")
    p.add_argument("--output", type=Path, default=None,
                   help="folder for RESULTS.md and results.json (default: benchmarks/ for a full run of every "
                        "group; a partial or quick run writes only when this is given)")
    p.add_argument("--workdir", type=Path, default=None,
                   help="where scratch folders (notebook runs, the sample class) go (default: the system's temp)")
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    # before numpy is imported anywhere in this process (the library reads it when it loads), and again through
    # the library itself in case numpy was already imported
    blas.pin_environment(args.threads)
    from .machine import load_average, load_warning, machine_info, others_warning
    from .report import json_document, markdown, summary_text, text_table
    from .runner import GROUPS, run_groups
    from .settings import Settings

    pinned = blas.pin_threads(args.threads)
    settings = Settings(quick=args.quick, threads=args.threads, workdir=args.workdir, jobs=args.jobs)
    names = args.only or list(GROUPS)
    complete = set(names) == set(GROUPS) and not args.quick
    output = args.output or (HERE if complete else None)
    command = " ".join(["python -m benchmarks", *(sys.argv[1:] if argv is None else argv)])

    machine = machine_info()
    print(f"{machine['cpu_model']}, {machine['usable_cores']} cores, Python {machine['python']}, numpy "
          f"{machine['blas']['numpy']} ({machine['blas'].get('build_name')}, core {machine['blas'].get('corename')}, "
          f"{pinned if pinned is not None else '?'} BLAS thread(s)); load {machine['load_average_start']}",
          flush=True)
    if load_warning(machine["load_average_start"]):
        print(load_warning(machine["load_average_start"]), flush=True)
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)

    def show(result):
        print("\n" + text_table(result), flush=True)
        if others_warning(result.other_cores):
            print("  " + others_warning(result.other_cores), flush=True)

    results = run_groups(names, settings, on_result=show)
    machine["load_average_end"] = load_average()
    print("\n" + summary_text(results))
    if output is None:
        print("\nNot written (partial or quick run); pass --output DIR to keep these results.")
    else:
        output.mkdir(parents=True, exist_ok=True)
        (output / RESULTS_MD).write_text(markdown(results, machine, settings, command))
        (output / RESULTS_JSON).write_text(json_document(results, machine, settings, command))
        print(f"\nWritten: {os.path.relpath(output / RESULTS_MD)} and {os.path.relpath(output / RESULTS_JSON)}")
    return 1 if any(result.error and result.error.startswith("crashed") for result in results) else 0
