"""Layout folders: find them, validate their `layout.yaml`, build their Jinja environment."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .errors import LayoutError
from .paper import PAPER_NAMES, PAPERS, Paper
from .resources import layouts_dir
from .sourcemap import format_path, load_yaml
from .validation import validate

MANIFEST = "layout.yaml"
__all__ = ["MANIFEST", "PAPERS", "PAPER_NAMES", "Layout", "Paper", "find_layout", "load_layout"]
PaperName = Literal["letter", "a4", "half-letter", "a5"]


class _Fit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_last_page: float = Field(default=0.3, ge=0, le=1)
    stylesheets: list[str] = Field(default_factory=list)


class _Booklet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    template: str
    stylesheets: list[str] = Field(default_factory=list)


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")]
    description: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    template: str = "template.html.j2"
    stylesheets: list[str] = Field(default_factory=list)
    papers: list[PaperName] = Field(default=["letter", "a4"], min_length=1)
    fit: _Fit = Field(default_factory=_Fit)
    booklet: _Booklet | None = None


@dataclass(frozen=True)
class Layout:
    """A validated layout folder. `builtin` layouts ship with the package."""

    name: str
    description: str
    folder: Path
    template: str
    stylesheets: tuple[str, ...]
    papers: tuple[str, ...]
    fit_stylesheets: tuple[str, ...] = ()
    min_last_page: float = 0.0
    booklet_template: str | None = None
    booklet_stylesheets: tuple[str, ...] = ()
    builtin: bool = False

    @property
    def manifest(self) -> Path:
        return self.folder / MANIFEST

    @property
    def default_paper(self) -> str:
        return self.papers[0]

    def paper(self, name: str | None) -> Paper:
        """The `Paper` for `name` (or the default), if this layout supports it."""
        chosen = (name or self.default_paper).lower()
        if chosen not in self.papers:
            raise LayoutError(
                f"layout '{self.name}' does not support paper '{chosen}' "
                f"(supported: {', '.join(self.papers)})",
                path=self.manifest,
            )
        return PAPERS[chosen]


def load_layout(folder: Path, *, builtin: bool = False) -> Layout:
    """Read and check `folder/layout.yaml`, and that every file it names exists."""
    folder = folder.resolve()
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise LayoutError(f"not a layout folder (no {MANIFEST})", path=folder)
    doc = load_yaml(manifest_path, error=LayoutError)
    manifest = validate(_Manifest, doc, LayoutError, what="layout settings")
    if manifest.name != folder.name:
        raise LayoutError(
            f"name '{manifest.name}' must equal the folder name '{folder.name}'",
            path=manifest_path,
            line=doc.line_of(("name",)),
            field="name",
        )
    named: list[tuple[tuple[str | int, ...], str]] = [(("template",), manifest.template)]
    named += [(("stylesheets", i), name) for i, name in enumerate(manifest.stylesheets)]
    named += [(("fit", "stylesheets", i), name) for i, name in enumerate(manifest.fit.stylesheets)]
    if manifest.booklet is not None:
        named.append((("booklet", "template"), manifest.booklet.template))
        sheets = manifest.booklet.stylesheets
        named += [(("booklet", "stylesheets", i), name) for i, name in enumerate(sheets)]
    for where, name in named:
        target = (folder / name).resolve()
        if not target.is_relative_to(folder) or not target.is_file():
            raise LayoutError(
                f"file '{name}' not found in the layout folder",
                path=manifest_path,
                line=doc.line_of(where),
                field=format_path(where),
            )
    return Layout(
        name=manifest.name,
        description=manifest.description,
        folder=folder,
        template=manifest.template,
        stylesheets=tuple(manifest.stylesheets),
        papers=tuple(dict.fromkeys(manifest.papers)),
        fit_stylesheets=tuple(manifest.fit.stylesheets),
        min_last_page=manifest.fit.min_last_page,
        booklet_template=manifest.booklet.template if manifest.booklet else None,
        booklet_stylesheets=tuple(manifest.booklet.stylesheets) if manifest.booklet else (),
        builtin=builtin,
    )


def builtin_layouts() -> list[Layout]:
    """Every layout shipped with the package, sorted by name."""
    root = layouts_dir()
    return [
        load_layout(child, builtin=True)
        for child in sorted(root.iterdir())
        if (child / MANIFEST).is_file()
    ]


def find_layout(spec: str | Path) -> Layout:
    """A built-in layout by name, or any folder holding a `layout.yaml`."""
    text = str(spec)
    path = Path(text).expanduser()
    if isinstance(spec, Path) or "/" in text or "\\" in text or path.is_dir():
        if not path.is_dir():
            raise LayoutError("no such layout folder", path=path)
        return load_layout(path)
    builtin = layouts_dir() / text
    if (builtin / MANIFEST).is_file():
        return load_layout(builtin, builtin=True)
    names = ", ".join(layout.name for layout in builtin_layouts())
    raise LayoutError(f"unknown layout '{text}' (available: {names})")


def make_environment(
    layout: Layout, filters: Mapping[str, Callable[..., Any]]
) -> jinja2.Environment:
    """The one Jinja environment of a layout: sandboxed, autoescaped, strict about typos."""
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(layout.folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(filters)
    return env


def template_error(layout: Layout, err: Exception, name: str | None = None) -> LayoutError:
    """A Jinja failure as a `LayoutError` at the template file and line it happened on."""
    entry = layout.folder / (name or layout.template)
    if isinstance(err, jinja2.TemplateSyntaxError):
        where = Path(err.filename) if err.filename else entry
        return LayoutError(f"template syntax: {err.message}", path=where, line=err.lineno)
    if isinstance(err, jinja2.TemplateNotFound):
        return LayoutError(f"template '{err.name}' not found", path=layout.folder)
    path, line = entry, None
    for frame in traceback.extract_tb(err.__traceback__):
        candidate = Path(frame.filename)
        if candidate.is_relative_to(layout.folder):
            path, line = candidate, frame.lineno
    if isinstance(err, SecurityError):
        return LayoutError(f"template tried something unsafe: {err}", path=path, line=line)
    if isinstance(err, jinja2.UndefinedError):
        return LayoutError(f"template error: {err.message}", path=path, line=line)
    return LayoutError(f"template error: {type(err).__name__}: {err}", path=path, line=line)
