"""Throw-away gradebooks need not wait for the disk.

Every submission is graded in a scratch course with its own copy of a template gradebook (SQLite), which is deleted
as soon as its scores have been read back; the template itself is built in scratch space before it is cached. By
default SQLite waits for the disk (fsync) at every commit, and nbgrader commits once per cell: hundreds of waits
per notebook, for a file that is thrown away. :func:`relax_durability_under` turns that off (``synchronous=OFF``,
the rollback journal in memory) for SQLite databases inside a given folder only; the course's real gradebook,
elsewhere, keeps SQLite's full durability.
"""
import os
import sqlite3

_folders = set()


def relax_durability_under(folder):
    """Skip fsync and the on-disk journal for every SQLite database opened from now on inside ``folder``."""
    from sqlalchemy import event  # noqa: PLC0415 (SQLAlchemy comes with nbgrader; import it only when grading)
    from sqlalchemy.engine import Engine  # noqa: PLC0415

    if not _folders:
        event.listen(Engine, "connect", _on_connect)
    _folders.add(os.path.join(os.path.realpath(folder), ""))


def _on_connect(connection, _record):
    if not isinstance(connection, sqlite3.Connection):
        return
    cursor = connection.cursor()
    try:
        path = next((row[2] for row in cursor.execute("PRAGMA database_list") if row[1] == "main"), "")
        if path and any(os.path.realpath(path).startswith(folder) for folder in _folders):
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA journal_mode=MEMORY")
    finally:
        cursor.close()
