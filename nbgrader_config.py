"""nbgrader configuration for running the course from this folder (source notebooks live in notebooks/)."""
from autograder.grading_config import configure

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
configure(c)
