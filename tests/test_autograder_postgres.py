"""A PostgreSQL gradebook: `--db postgresql+psycopg2://...` goes through to nbgrader, for a real server this test starts.

Needs Debian's `postgresql` package (initdb and pg_ctl under /usr/lib/postgresql/<version>/bin) and the
`psycopg2-binary` driver. The server runs from a temporary folder, listens on 127.0.0.1 on a free port and is
stopped at the end. PostgreSQL refuses to run as root, so as root the server runs in a user namespace as uid 1000.
"""
import glob
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

from autograder.notebook_cells import code
from mini_class import MiniCourse

pytestmark = pytest.mark.slow

WRONG_SCALE = "def scale(x, factor):\n    return x + factor\n"
# A submission that tries to give itself full marks through the database server it might find on this machine.
WRITE_DATABASE = '''import psycopg2
try:
    connection = psycopg2.connect(host="127.0.0.1", port={port}, user="grader", dbname="course", connect_timeout=3)
    with connection, connection.cursor() as cursor:
        cursor.execute("UPDATE grade SET manual_score = 100")
    print("wrote the gradebook")
except psycopg2.OperationalError as error:
    print("no database:", str(error).splitlines()[0])
'''


def postgres_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if found:
        return os.path.dirname(found[-1])
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        return os.path.dirname(os.path.realpath(pg_ctl))
    pytest.fail("PostgreSQL's server programs were not found: install Debian's postgresql package "
                "(apt-get install -y postgresql)")


def as_server_user(command):
    """PostgreSQL will not run as root: as root, run it in a user namespace where we are uid 1000."""
    if os.geteuid() != 0:
        return command
    return ["unshare", "--user", "--map-user=1000", "--map-group=1000"] + command


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A running PostgreSQL server with an empty database `course`; yields (url, port)."""
    try:
        import psycopg2  # noqa: PLC0415
    except ImportError:
        pytest.fail("the PostgreSQL driver is missing: pip install psycopg2-binary (part of the dev extra)")
    folder = tmp_path_factory.mktemp("postgres")
    data, port, binaries = folder / "data", free_port(), postgres_bin()
    subprocess.run(as_server_user([f"{binaries}/initdb", "-D", str(data), "-U", "grader", "--auth=trust",
                                   "-E", "UTF8", "--no-instructions"]), check=True, capture_output=True)
    options = f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(as_server_user([f"{binaries}/pg_ctl", "-D", str(data), "-l", str(folder / "server.log"),
                                   "-o", options, "-w", "start"]), check=True, capture_output=True)
    try:
        connection = psycopg2.connect(host="127.0.0.1", port=port, user="grader", dbname="postgres")
        connection.autocommit = True
        connection.cursor().execute("CREATE DATABASE course")
        connection.close()
        yield f"postgresql+psycopg2://grader@127.0.0.1:{port}/course", port
    finally:
        server = int((data / "postmaster.pid").read_text().split()[0])
        os.kill(server, signal.SIGTERM)
        for _ in range(100):
            if subprocess.run(["kill", "-0", str(server)], capture_output=True).returncode != 0:
                break
            time.sleep(0.1)


def test_does_the_whole_cycle_run_on_a_postgresql_gradebook(tmp_path, database):
    import psycopg2  # noqa: PLC0415

    url, port = database
    course = MiniCourse(tmp_path)
    released = course.run("release", "--db", url, "--no-validate")
    assert released.returncode == 0, released.stdout + released.stderr
    course.submit("alice", course.source())
    course.submit("bob", course.with_answer("scale", WRONG_SCALE))
    mallory = course.source()
    mallory.cells.insert(2, code(WRITE_DATABASE.format(port=port)))
    course.submit("mallory", mallory)
    graded = course.run("autograde", "--db", url, "--no-progress")
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert "3 graded" in graded.stdout
    assert not (course.root / "gradebook.db").exists(), "the SQLite default was used instead of --db"

    report = course.run("report", "--db", url, "--output", tmp_path / "out")
    assert report.returncode == 0, report.stderr
    rows = [line.split(",") for line in (tmp_path / "out" / "grades.csv").read_text().splitlines()[1:]]
    assert {row[3]: float(row[9]) for row in rows} == {"alice": 4.0, "bob": 1.0, "mallory": 4.0}

    with psycopg2.connect(host="127.0.0.1", port=port, user="grader", dbname="course") as connection:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), count(manual_score) FROM grade")
            grades, manual = cursor.fetchone()
    assert grades == 9 and manual == 0  # 3 students x 3 graded cells; the kernel could not reach the server
    attempt = next(cell for cell in course.autograded("mallory").cells if "psycopg2" in cell.source)
    assert "".join(output.get("text", "") for output in attempt.outputs).startswith("no database:")
