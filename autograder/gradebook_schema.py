"""The schema version nbgrader stamps into a new gradebook, read in-process.

When nbgrader creates a gradebook it records the head revision of its own database migrations, and to learn it,
it runs the ``alembic`` command in a subprocess (``nbgrader.api.get_alembic_version``): a new Python process that
takes about 2.5 s, and fails outright when the venv's ``bin`` is not on PATH. Alembic's ScriptDirectory reads the
same migration scripts, shipped inside nbgrader, in a few milliseconds. :func:`use_in_process_schema_version`
makes nbgrader ask it instead; the value is the same (a test compares them).

Every grading run creates at least one gradebook (the template each submission's scratch course starts from), so
this is a fixed cost of every ``course autograde``, ``selftest`` and ``release`` of a new course.
"""
import functools
import os


@functools.lru_cache(maxsize=1)
def nbgrader_schema_head():
    """The head revision of nbgrader's migration scripts, e.g. 'e43177bfe90b'."""
    import nbgrader  # noqa: PLC0415 (nbgrader and alembic are slow to import; only when a gradebook is made)
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    return ScriptDirectory(os.path.join(os.path.dirname(nbgrader.__file__), "alembic")).get_current_head()


def use_in_process_schema_version():
    """Point ``nbgrader.api.get_alembic_version`` (which runs a subprocess) at :func:`nbgrader_schema_head`."""
    import nbgrader.api  # noqa: PLC0415

    nbgrader.api.get_alembic_version = nbgrader_schema_head
