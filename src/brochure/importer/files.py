"""`brochure import` over files: pages read from files or standard input, profiles written
atomically, each page's outcome reported."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import (
    BrochureError,
    ImportPageError,
    Notice,
    OutputError,
    Problem,
    ProfileError,
)
from ..output import write_atomic
from ..profile import Profile
from ..sourcemap import decode
from .page import parse_page
from .yaml_out import to_yaml


@dataclass
class ImportOutcome:
    """One page read into a profile: where it went, what was missing, what to check."""

    page: str
    output: Path | None = None
    slug: str = ""
    mapped: int = 0
    missing: list[str] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_page(path: Path | str) -> tuple[str, str]:
    """The text of a page file (or of standard input for `-`) and the name to report."""
    import sys

    if str(path) == "-":
        raw = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        path = Path(path)
        try:
            if path.exists() and not path.is_file():
                raise ImportPageError("not a regular file", path=path)
            with path.open("rb") as handle:
                raw = handle.read(2_000_001)
        except FileNotFoundError:
            raise ImportPageError("no such file", path=path) from None
        except OSError as err:
            raise ImportPageError(f"cannot read: {err.strerror}", path=path) from None
        name = str(path)
    if len(raw) > 2_000_000:
        raise ImportPageError("the page is larger than 2 MB", path=name)
    try:
        return decode(raw, Path(name), ImportPageError), name
    except ImportPageError:
        raise
    except ProfileError as err:  # pragma: no cover - decode raises the class it is given
        raise ImportPageError(err.message, path=name) from None


def import_pages(
    pages: Iterable[str | Path],
    out: str | Path = "profiles",
    *,
    force: bool = False,
    strict: bool = False,
    today: str | None = None,
) -> list[ImportOutcome]:
    """Read career pages (files, or `-` for standard input) into profiles in `out`.

    An existing profile is kept unless `force`; with `strict`, a page with warnings
    is not written. A page that is not text, empty, or not a career page is a problem
    of its own, and the others are still imported.
    """
    import datetime

    when = today or datetime.date.today().isoformat()
    folder = Path(out)
    outcomes: list[ImportOutcome] = []
    for page in pages:
        outcome = ImportOutcome(page=str(page))
        outcomes.append(outcome)
        try:
            text, name = read_page(page)
            outcome.page = name
            imported = parse_page(text, name)
            outcome.slug, outcome.mapped = imported.slug, imported.mapped
            outcome.missing, outcome.warnings = imported.missing, imported.warnings
            Profile.model_validate(imported.data)  # what we write must load
            target = folder / f"{imported.slug}.yaml"
            if target.exists() and not force:
                raise OutputError("already exists; kept (use --force to replace it)", path=target)
            if strict and imported.warnings:
                raise ProfileError(
                    f"{len(imported.warnings)} warning(s) with --strict; nothing written",
                    path=name,
                )
            write_atomic(target, to_yaml(imported.data, name, when).encode())
            outcome.output = target
        except BrochureError as err:
            outcome.problems = err.problems
        except ValueError as err:  # pydantic: a value the page gave that the format refuses
            outcome.problems = [
                Problem(f"cannot be imported: {_first_error(err)}", Path(outcome.page))
            ]
    return outcomes


def _first_error(err: ValueError) -> str:
    """`pathway[6].title: text is longer than 150 characters`, from a pydantic error."""
    from pydantic import ValidationError

    from ..validation import describe

    if not isinstance(err, ValidationError):
        return str(err).splitlines()[0]
    return describe(Profile, err)
