"""The `brochure` command: parse options, call the library, report, pick the exit code.

Click lives here and nowhere else. `app` holds the group and the entry point, `common`
the options every command shares; each other module holds commands that call one
library function each.

Importing this package imports none of them: a worker process started by a command
imports the command's script again (that is how `spawn` starts a process), and it
needs no Click and no commands, only the work it is handed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import click

__all__ = ["cli", "main"]


def _group() -> click.Group:
    from . import library, opendata, products, render, serve  # noqa: F401  (each registers its commands)
    from .app import cli

    return cli


def main(argv: Sequence[str] | None = None) -> None:
    """The entry point (`app.main`), every command registered first."""
    _group()
    from .app import main as run

    run(argv)


def __getattr__(name: str) -> Any:
    if name == "cli":
        return _group()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
