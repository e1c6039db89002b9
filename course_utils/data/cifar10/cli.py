"""The command ``python -m course_utils.data.cifar10 download [--root DIR]``.

Exit status: 0 when the data is in place, 1 when the download or unpacking failed (the reason is printed, no
traceback), 2 for a wrong command line, 130 when interrupted with Ctrl-C.
"""
import argparse
import sys

from ..errors import DatasetError
from ..locate import DATASETS_ENV_VAR, locate_datasets
from .download import CIFAR10_MD5, CIFAR10_URL, download_cifar10
from .loader import CIFAR10_FOLDER, DOWNLOAD_MODULE


def build_parser():
    """The argparse parser of the command (one sub-command, ``download``)."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {DOWNLOAD_MODULE}",
        description="Get the CIFAR-10 dataset (python version) for the course notebooks.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    download = commands.add_parser(
        "download",
        help="download and unpack CIFAR-10 (about 170 MB)",
        description=f"Download the CIFAR-10 archive, verify its MD5 and unpack {CIFAR10_FOLDER}/ into the "
                    "datasets folder. Does nothing if the data is already there.",
    )
    download.add_argument(
        "--root", metavar="DIR",
        help=f"datasets folder to unpack into (default: ${DATASETS_ENV_VAR} if set, else the datasets/ folder "
             f"next to course_utils; now {locate_datasets().path})",
    )
    download.add_argument("--force", action="store_true", help="download and unpack again even if present")
    download.add_argument("--keep-archive", action="store_true", help="keep the .tar.gz after unpacking")
    download.add_argument("--quiet", action="store_true", help="print nothing but errors")
    download.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                          help="give up when the server sends nothing for this long (default: %(default)s)")
    download.add_argument("--url", default=CIFAR10_URL, help="where to fetch the archive (default: %(default)s)")
    download.add_argument("--md5", default=CIFAR10_MD5, help="the archive's expected MD5 (default: %(default)s)")
    return parser


def main(argv=None):
    """Run the command with ``argv`` (default: sys.argv[1:]); returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        download_cifar10(args.root, url=args.url, md5=args.md5, force=args.force, keep_archive=args.keep_archive,
                         timeout=args.timeout, quiet=args.quiet)
    except (DatasetError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted: no partial file was kept. Run the command again to start over.", file=sys.stderr)
        return 130
    return 0
