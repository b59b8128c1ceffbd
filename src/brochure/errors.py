"""Exceptions raised by the library: values that know their file, line and field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Characters that would move the cursor, recolor or reverse a terminal's line, or start
# a new one: escaped in messages, refused in text read from data files.
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with control characters escaped (\\x1b, \\u202e): a file name or value
    from an input must not move the cursor, recolor the terminal, reverse the line
    or start a new one in an error message."""
    return CONTROL.sub(lambda m: ascii(m.group())[1:-1], text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    message: str
    path: Path | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        field = f"{self.field}: " if self.field else ""
        return printable(f"{where}{field}{self.message}")


class Notice(str):
    """A warning, as a value: its `kind`, where it is (file, line, field) and its text.

    It is the `str` of its one-line message, so it prints, compares and is searched as
    warnings always were; the manifest stores its parts. `layout` marks a problem of the
    layout's own files (a CSS rule, a template without a title): the same for every
    profile, so a run reports it once, not once per profile.
    """

    kind: str
    path: Path | None
    line: int | None
    field: str | None
    layout: bool

    def __new__(
        cls,
        message: str,
        kind: str = "render",
        *,
        path: Path | None = None,
        line: int | None = None,
        field: str | None = None,
        layout: bool = False,
    ) -> Notice:
        notice = super().__new__(cls, message)
        notice.kind, notice.path, notice.line = kind, path, line
        notice.field, notice.layout = field, layout
        return notice

    def to_json(self, source: Path | None = None) -> dict[str, object]:
        """The manifest entry; a warning about the input itself is at `source`."""
        where = self.path or (None if self.layout else source)
        return {
            "kind": self.kind,
            "message": str(self),
            "file": str(where) if where else None,
            "line": self.line,
            "field": self.field,
        }


def notices(messages: list[str], kind: str, *, layout: bool = False) -> list[Notice]:
    """Plain messages as warnings of one kind (a message already a Notice stays itself)."""
    return [m if isinstance(m, Notice) else Notice(m, kind, layout=layout) for m in messages]


class BrochureError(Exception):
    """Base of every error the library raises on purpose; `str()` is one line per problem."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        field: str | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.field = field
        self.message = message
        self.problems = problems or [Problem(message, self.path, line, field)]
        super().__init__(self.format_message())

    def format_message(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors travel back from worker processes; keep their file, line and field.
        fields = (self.message, self.path, self.line, self.field, self.problems)
        return (_rebuild, (type(self), *fields))


def _rebuild(
    cls: type[BrochureError],
    message: str,
    path: Path | None,
    line: int | None,
    field: str | None,
    problems: list[Problem],
) -> BrochureError:
    return cls(message, path=path, line=line, field=field, problems=problems)


class ProfileError(BrochureError):
    """A career profile cannot be read or does not match the profile format."""


class LayoutError(BrochureError):
    """A layout folder, its manifest or its templates are unusable."""


class RenderError(BrochureError):
    """Merging a profile into a layout or laying out the PDF failed."""


class OutputError(BrochureError):
    """An output cannot be written where it was asked to go."""


class ImportPageError(BrochureError):
    """A career page cannot be read into a profile."""


class BookletError(BrochureError):
    """Several brochures cannot be combined into one booklet."""


class OptionsError(BrochureError):
    """Options that cannot go together: a usage error (exit 2 at the command line)."""


class BookletOptionsError(OptionsError, BookletError):
    """Options a booklet cannot be made with (imposed sheets and a bleed, say)."""


class ThemeError(BrochureError):
    """A theme or a `brochure.yaml` settings file cannot be used."""


class ColorProfileError(BrochureError):
    """A print shop's ICC profile (`--output-intent`) cannot be a PDF/X output intent."""
