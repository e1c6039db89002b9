"""The self-test catalog: realistic buggy and alternative-correct answers, stored as YAML data.

One file per notebook, ``autograder/catalog/<assignment>.yaml``, holding a list of entries::

    - id: svm_vectorized_no_reg            # unique across the course
      assignment: 02_svm_softmax_loss
      answer: svm_loss_vectorized          # grade_id of the answer cell this entry replaces
      kind: bug                            # or: alternative (a correct answer written differently)
      mistake: forgets the regularization term      # what a student did (bugs) or how it differs (alternatives)
      caught_by: [test_svm_loss_vectorized]         # bugs: test cells that must lose points
      source: |                            # the whole answer cell as the student wrote it
        def svm_loss_vectorized(W, X, y, reg):
            ...

A bug must lose points in every test cell it lists (and may lose them elsewhere); an alternative must get full marks.
"""
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

CATALOG_DIR = Path(__file__).with_name("catalog")
KINDS = ("bug", "alternative")
_REQUIRED = ("id", "assignment", "answer", "kind", "mistake", "source")


@dataclass(frozen=True)
class Entry:
    id: str
    assignment: str
    answer: str
    kind: str
    mistake: str
    source: str
    caught_by: tuple = ()

    @property
    def is_bug(self):
        return self.kind == "bug"


def load_file(path):
    """Entries of one catalog file, validated (a ValueError names the file, the entry and the problem)."""
    data = yaml.safe_load(Path(path).read_text()) or []
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of entries, got {type(data).__name__}")
    return [_entry(item, path, index) for index, item in enumerate(data)]


def _entry(item, path, index):
    where = f"{path}: entry {index}"
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected a mapping, got {type(item).__name__}")
    missing = [key for key in _REQUIRED if not item.get(key)]
    if missing:
        raise ValueError(f"{where} ({item.get('id', '?')}): missing {', '.join(missing)}")
    if item["kind"] not in KINDS:
        raise ValueError(f"{where} ({item['id']}): kind must be one of {KINDS}, got {item['kind']!r}")
    caught_by = tuple(item.get("caught_by") or ())
    if item["kind"] == "bug" and not caught_by:
        raise ValueError(f"{where} ({item['id']}): a bug must list the test cells that catch it in caught_by")
    unknown = sorted(set(item) - set(_REQUIRED) - {"caught_by"})
    if unknown:
        raise ValueError(f"{where} ({item['id']}): unknown keys {unknown}")
    return Entry(id=item["id"], assignment=item["assignment"], answer=item["answer"], kind=item["kind"],
                 mistake=item["mistake"], source=item["source"], caught_by=caught_by)


@functools.lru_cache(maxsize=None)
def load_catalog(directory=CATALOG_DIR):
    """Every entry of every ``*.yaml`` file in ``directory``; ids must be unique across files."""
    entries, seen = [], {}
    for path in sorted(Path(directory).glob("*.yaml")):
        for entry in load_file(path):
            if entry.id in seen:
                raise ValueError(f"catalog id {entry.id!r} appears in {seen[entry.id]} and {path}")
            seen[entry.id] = path
            entries.append(entry)
    return tuple(entries)
