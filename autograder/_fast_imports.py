"""Skip one slow optional import for the command-line processes (import this first).

``nbformat`` imports ``jsonschema``, which tries to import ``rfc3987_syntax`` (pulled in by JupyterLab's
dependencies) only to check the "iri" string format, which no notebook schema uses; building its grammar takes over
a second in every process. Marking it absent makes ``jsonschema`` skip that format checker, as it does when the
package is not installed.
"""
import sys

sys.modules.setdefault("rfc3987_syntax", None)
