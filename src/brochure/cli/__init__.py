"""The `brochure` command: parse options, call the library, report, pick the exit code.

Click lives here and nowhere else. `app` holds the group and the entry point, `common`
the options every command shares; each other module holds commands that call one
library function each.
"""

from __future__ import annotations

from . import library, opendata, products, render, serve  # noqa: F401  (each registers its commands)
from .app import cli, main

__all__ = ["cli", "main"]
