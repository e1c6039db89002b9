"""Keep graded notebooks small: cut every output that is longer than a limit, whatever its line count.

nbgrader's ``LimitOutput`` keeps at most ``max_lines`` lines per stream, but one line can be megabytes
(``print("x" * 10**8)``), and rich outputs are never cut. :class:`TruncateOutput` runs right after it and cuts any
stream text, error message or text mime output beyond ``max_characters``, and drops any other output whose data is
larger than ``max_bytes`` (a giant image), leaving a note in its place. The judge's verdicts are added after this
step, so they are never cut.
"""
import json

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer


class TruncateOutput(NbGraderPreprocessor):
    """Cut long text outputs and drop huge rich outputs, leaving a note that says so."""

    max_characters = Integer(20_000, help="Longest text kept per output (stream text, text/* data).").tag(
        config=True)
    max_bytes = Integer(2_000_000, help="Largest non-text output kept (an image, say), in bytes of JSON.").tag(
        config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [self._limit(output) for output in cell.get("outputs", [])]
        return cell, resources

    def _limit(self, output):
        if output.get("output_type") == "stream":
            output["text"] = self._cut("".join(output.get("text", "")))
            return output
        if output.get("output_type") == "error":
            output["evalue"] = self._cut(str(output.get("evalue", "")))
            return output
        data = output.get("data", {})
        for mime, value in list(data.items()):
            if mime.startswith("text/") and isinstance(value, (str, list)):
                data[mime] = self._cut("".join(value) if isinstance(value, list) else value)
        if len(json.dumps(data)) > self.max_bytes:
            return nbformat.v4.new_output("stream", name="stdout",
                                          text=f"[an output of {len(json.dumps(data))} bytes was removed]\n")
        return output

    def _cut(self, text):
        if len(text) <= self.max_characters:
            return text
        return text[: self.max_characters] + f"\n[... {len(text) - self.max_characters} more characters cut]\n"
