"""Whether gitmon's text output is coloured: decided where it is printed.

Its own module (os and sys only): the hook's fast path asks it for a daemon, which
renders the text far from the hook's terminal (`daemon/staged.py`).
"""

from __future__ import annotations

import os
import sys


def use_colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
