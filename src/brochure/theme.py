"""Themes: a school's or a fair's name, logo, colors, fonts and contact block on every page.

A theme is a YAML file; the logo and any font files it names sit beside it (or below
it), and nothing outside its folder can be reached from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StringConstraints

from .errors import ThemeError
from .sourcemap import Document, load_yaml, problem_at
from .validation import validate

_HEX = r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"
LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


Line = Annotated[str, BeforeValidator(_strip), StringConstraints(min_length=1, max_length=200)]
Color = Annotated[str, StringConstraints(pattern=_HEX)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Colors(_Model):
    """`primary` carries bands and headings; `accent` marks figures and rules."""

    primary: Color | None = None
    accent: Color | None = None


class Fonts(_Model):
    """A font file in the theme's folder, or a family the system or the layout has."""

    heading: Line | None = None
    body: Line | None = None


class Contact(_Model):
    """Where a student or parent goes next; every line optional."""

    template_extras: ClassVar[tuple[str, ...]] = ("lines",)

    office: Line | None = None
    address: Annotated[str, StringConstraints(min_length=1, max_length=400)] | None = None
    phone: Line | None = None
    email: Line | None = None
    website: Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"]+$")] | None = None

    @property
    def lines(self) -> list[str]:
        return [v for v in (self.office, self.address, self.phone, self.email) if v]


class Theme(_Model):
    """What a layout shows of the organisation handing the brochure out.

    Templates see its fields, `is_plain` and `logo_url` (the logo's address as text):
    never a path, which would let a template read or write files.
    """

    template_extras: ClassVar[tuple[str, ...]] = ("is_plain", "logo_url")

    name: Line | None = None
    logo: Line | None = None
    logo_alt: Line | None = None
    colors: Colors = Field(default_factory=Colors)
    fonts: Fonts = Field(default_factory=Fonts)
    contact: Contact = Field(default_factory=Contact)
    footer_note: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None

    _path: Path | None = PrivateAttr(default=None)

    @property
    def path(self) -> Path | None:
        """The theme file, or None for the built-in plain theme."""
        return self._path

    @property
    def folder(self) -> Path | None:
        return self._path.resolve().parent if self._path else None

    @property
    def logo_path(self) -> Path | None:
        return self.folder / self.logo if self.folder and self.logo else None

    @property
    def logo_url(self) -> str | None:
        """The logo as an image address (`file:` URL) for templates."""
        return self.logo_path.resolve().as_uri() if self.logo_path else None

    def font_path(self, value: str | None) -> Path | None:
        """The font file a `fonts` entry names, or None when it names a family."""
        if value and self.folder and value.lower().endswith(FONT_SUFFIXES):
            return self.folder / value
        return None

    @property
    def is_plain(self) -> bool:
        return self == Theme()


PLAIN = Theme()


def _inside(
    doc: Document, folder: Path, name: str, where: tuple[str, ...], kinds: tuple[str, ...]
) -> None:
    target = (folder / name).resolve()
    problem = None
    if not name.lower().endswith(kinds):
        problem = f"expected a {' or '.join(k.lstrip('.').upper() for k in kinds)} file"
    elif not target.is_relative_to(folder):
        problem = "must be a file in the theme's folder (or below it)"
    elif not target.is_file():
        problem = f"file '{name}' not found beside the theme"
    if problem:
        found = problem_at(doc, where, problem)
        raise ThemeError(problem, path=doc.path, line=found.line, field=found.field)


def load_theme(path: str | Path) -> Theme:
    """Read and check a theme file, and that the files it names are beside it.

    Raises:
        ThemeError: at the file, line and field of each mistake.
    """
    path = Path(path)
    doc = load_yaml(path, error=ThemeError)
    theme = validate(Theme, doc, ThemeError, what="theme settings")
    folder = path.resolve().parent
    if theme.logo:
        _inside(doc, folder, theme.logo, ("logo",), LOGO_SUFFIXES)
    for role in ("heading", "body"):
        value = getattr(theme.fonts, role)
        if value and value.lower().endswith(FONT_SUFFIXES):
            _inside(doc, folder, value, ("fonts", role), FONT_SUFFIXES)
    theme._path = path
    return theme
