"""Entry point of ``python -m course_utils.data.cifar10``; see course_utils.data.cifar10.cli."""
import sys

from .cli import main

sys.exit(main())
