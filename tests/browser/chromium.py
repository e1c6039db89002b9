"""Debian's Chromium, driven by Playwright (the Python package) for the browser tests. No browser is downloaded:
Playwright is pointed at the system's executable, headless, with a fresh profile folder."""
import os
from pathlib import Path

import pytest

CHROMIUM_PATH = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
INSTALL_HINT = ("install it with scripts/ensure_test_tools.sh (runs `apt-get install chromium` as root or with sudo), "
                "or set CHROMIUM=/path/to/chromium")


def require_chromium():
    """The Chromium executable's path; fails the test (never skips it) with how to install what is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail("The browser tests need the Python package playwright: pip install -e '.[dev]' "
                    "(or pip install playwright; do not run `playwright install`, the tests use the system "
                    f"Chromium). Chromium itself: {INSTALL_HINT}.")
    if not (CHROMIUM_PATH.is_file() and os.access(CHROMIUM_PATH, os.X_OK)):
        pytest.fail(f"The browser tests need Chromium at {CHROMIUM_PATH}, which is missing: {INSTALL_HINT}.")
    return CHROMIUM_PATH


def launch(playwright, profile_dir):
    """A headless Chromium browser context with a fresh profile in ``profile_dir``."""
    return playwright.chromium.launch_persistent_context(
        user_data_dir=str(profile_dir), executable_path=str(require_chromium()), headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1400, "height": 1000})
