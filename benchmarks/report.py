"""The results as a table for the terminal, as RESULTS.md and as JSON."""
import json

from .machine import others_warning
from .timing import format_number

COLUMNS = ("measure", "value", "ratio", "target", "verdict")


def _cells(row):
    return (row.measure, row.value_text(), row.ratio_text(), row.target_text(), row.verdict)


def text_table(result):
    """A group's rows as an aligned plain-text table (or the reason it was not measured)."""
    lines = [f"{result.title}  ({format_number(result.seconds)} s)"]
    if result.error:
        return "\n".join(lines + [f"  {line}" for line in result.error.splitlines()])
    table = [COLUMNS] + [_cells(row) for row in result.rows]
    widths = [max(len(cells[i]) for cells in table) for i in range(len(COLUMNS))]
    for k, cells in enumerate(table):
        lines.append("  " + "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip())
        if k == 0:
            lines.append("  " + "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def summary(results):
    """Counts of targets held and missed, and the groups that were not measured."""
    targeted = [row for result in results for row in result.rows if row.target is not None]
    return {
        "targets": len(targeted),
        "passed": sum(row.verdict == "pass" for row in targeted),
        "missed": [f"{result.title}: {row.measure}" for result in results for row in result.missed],
        "not_measured": [result.title for result in results if result.error],
    }


def summary_text(results):
    counts = summary(results)
    lines = [f"Targets: {counts['passed']} of {counts['targets']} held."]
    lines += [f"  MISS  {name}" for name in counts["missed"]]
    lines += [f"  not measured: {title}" for title in counts["not_measured"]]
    return "\n".join(lines)


def _markdown_escape(text):
    return str(text).replace("|", "\\|")


def _markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_markdown_escape(cell) for cell in row) + " |" for row in rows]
    return lines


def _machine_rows(machine):
    blas = machine["blas"]
    environment = ", ".join(f"{name}={value}" for name, value in blas.get("environment", {}).items()
                            if value is not None) or "none set"
    return [
        ("date (UTC)", machine["date"]),
        ("commit", machine.get("git_commit") or "unknown"),
        ("CPU", machine["cpu_model"]),
        ("cores", f"{machine['cpu_count']} ({machine['usable_cores']} usable)"),
        ("memory", f"{machine['memory_gib']} GiB"),
        ("load average (1 min) at start / end",
         f"{machine.get('load_average_start')} / {machine.get('load_average_end')}"),
        ("platform", machine["platform"]),
        ("Python", machine["python"]),
        ("numpy", blas["numpy"]),
        ("BLAS (numpy build)", f"{blas.get('build_name')} {blas.get('build_version')}"),
        ("BLAS library, kernel", f"{blas.get('library')}, core {blas.get('corename')}"),
        ("BLAS threads in the benchmark process", str(blas.get("threads"))),
        ("BLAS environment", environment),
        ("packages", ", ".join(f"{name} {version}" for name, version in machine["packages"].items())),
    ]


def markdown(results, machine, settings, command):
    """RESULTS.md: how to regenerate it, the machine, the targets, then every group's table and notes."""
    lines = ["# Benchmark results", "",
             f"Written by `{command}` (see `benchmarks/__init__.py` for the method); do not edit by hand. "
             "Every figure is measured in this one run; each ratio divides two medians measured in the same run.", "",
             "## Machine", ""]
    lines += _markdown_table(("", "this run"), _machine_rows(machine))
    lines += ["", f"Settings: {'quick' if settings.quick else 'full'} run, BLAS threads pinned to "
                  f"{settings.threads} in this process and in every subprocess.", "", "## Targets", ""]
    targeted = [(result, row) for result in results for row in result.rows if row.target is not None]
    lines += _markdown_table(("group", "measure", "value", "ratio", "target", "verdict"),
                             [(result.name, *_cells(row)) for result, row in targeted])
    not_measured = [result for result in results if result.error]
    if not_measured:
        lines += ["", "Not measured:", ""]
        lines += [f"- {result.title}: {result.error.splitlines()[0]}" for result in not_measured]
    for result in results:
        lines += ["", f"## {result.title}", "",
                  f"Run time {format_number(result.seconds)} s; processes outside the run used "
                  f"{result.other_cores} cores on average meanwhile (load average {result.load[0]} at the start, "
                  f"{result.load[1]} at the end, this run's own work included).", ""]
        warning = others_warning(result.other_cores)
        if warning:
            lines += [f"**{warning[0].upper()}{warning[1:]}.**", ""]
        if result.error:
            lines += ["```", result.error, "```"]
            continue
        lines += _markdown_table(COLUMNS + ("detail",), [(*_cells(row), row.detail) for row in result.rows])
        if result.notes:
            lines += [""] + [f"- {note}" for note in result.notes]
        if result.parameters:
            parameters = ", ".join(f"{name} = {value}" for name, value in result.parameters.items())
            lines += ["", f"Parameters: {parameters}."]
    return "\n".join(lines) + "\n"


def json_document(results, machine, settings, command):
    return json.dumps({
        "command": command,
        "settings": {"quick": settings.quick, "threads": settings.threads, "jobs": settings.jobs},
        "machine": machine,
        "summary": summary(results),
        "groups": [result.as_dict() for result in results],
    }, indent=2, default=str) + "\n"
