"""Plain-text tables for the terminal (the commands' summaries): columns sized to their content, numbers right-aligned.

    print(render(["student", "score"], [["alice", 7.5], ["bob", 10]]))
"""
import numbers


def cell_text(value):
    if value is None:
        return "-"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{value:g}" if float(value) != int(value) else str(int(value))
    return str(value)


def render(headers, rows, max_width=60):
    """The table as a string; long cells are cut at ``max_width`` characters with an ellipsis."""
    texts = [[_clip(cell_text(value), max_width) for value in row] for row in rows]
    widths = [max([len(str(header))] + [len(row[i]) for row in texts]) for i, header in enumerate(headers)]
    numeric = [all(_is_number(row[i]) for row in rows) and bool(rows) for i in range(len(headers))]

    def line(values):
        cells = [value.rjust(width) if right else value.ljust(width)
                 for value, width, right in zip(values, widths, numeric)]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line([str(h) for h in headers]), rule] + [line(row) for row in texts])


def _is_number(value):
    return value is None or (isinstance(value, numbers.Real) and not isinstance(value, bool))


def _clip(text, width):
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
