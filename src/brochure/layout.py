"""Layout folders: find them and validate their `layout.yaml` (templates: `templates.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .errors import LayoutError
from .paper import PAPER_NAMES, PAPERS, Paper
from .resources import layouts_dir, shared_dir
from .sourcemap import Document, format_path, load_yaml
from .validation import validate

MANIFEST = "layout.yaml"
__all__ = ["MANIFEST", "PAPERS", "PAPER_NAMES", "Layout", "Paper", "find_layout", "load_layout"]
PaperName = Literal["letter", "a4", "half-letter", "a5"]


ListName = Literal["duties", "work_settings", "pathway", "certifications", "sources", "related"]


class _FitStep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stylesheet: str | None = None
    limits: dict[ListName, Annotated[int, Field(ge=1, le=100)]] = Field(default_factory=dict)


class _Fit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_last_page: float = Field(default=0.3, ge=0, le=1)
    stylesheets: list[str] = Field(default_factory=list)
    steps: list[_FitStep] = Field(default_factory=list, max_length=10)


class _Pages(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    exact: int | None = Field(default=None, ge=1, le=50)
    max: int | None = Field(default=None, ge=1, le=50)

    @model_validator(mode="after")
    def _one(self) -> _Pages:
        if (self.exact is None) == (self.max is None):
            raise ValueError("give either exact or max")
        return self


class _Booklet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    template: str
    stylesheets: list[str] = Field(default_factory=list)


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")]
    description: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    extends: str | None = None
    template: str | None = None
    stylesheets: list[str] = Field(default_factory=list)
    papers: list[PaperName] | None = Field(default=None, min_length=1)
    orientation: Literal["portrait", "landscape"] | None = None
    pages: _Pages | None = None
    fit: _Fit | None = None
    booklet: _Booklet | None = None


@dataclass(frozen=True)
class FitStep:
    """One way to make content fit: a tighter stylesheet, and at most so many list items."""

    stylesheet: Path | None = None
    limits: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Layout:
    """A validated layout folder. `builtin` layouts ship with the package.

    A layout may extend another (`parents`, nearest first): it inherits every setting
    it does not give, its templates and partials shadow the parent's, and its
    stylesheets come after the parent's. `stylesheets` are the hrefs templates link
    (relative inside the layout's own folder); `stylesheet_paths` are the files.
    Every layout may also use the parts in `shared` (`layouts/_shared`: the base
    template, macros, print stylesheet and fonts), named with the `_shared/` prefix.
    """

    name: str
    description: str
    folder: Path
    template: str
    stylesheets: tuple[str, ...]
    papers: tuple[str, ...]
    stylesheet_paths: tuple[Path, ...] = ()
    parents: tuple[Path, ...] = ()
    shared: Path | None = None
    orientation: str = "portrait"
    pages_exact: int | None = None
    pages_max: int | None = None
    fit_steps: tuple[FitStep, ...] = ()
    min_last_page: float = 0.0
    booklet_template: str | None = None
    booklet_stylesheets: tuple[str, ...] = ()
    booklet_stylesheet_paths: tuple[Path, ...] = ()
    builtin: bool = False

    # What a template sees of its layout: names and hrefs, never a folder or a file.
    template_fields: ClassVar[tuple[str, ...]] = (
        "name",
        "description",
        "stylesheets",
        "booklet_stylesheets",
        "papers",
        "orientation",
    )
    template_extras: ClassVar[tuple[str, ...]] = ("page_rule", "default_paper")

    @property
    def manifest(self) -> Path:
        return self.folder / MANIFEST

    @property
    def search_path(self) -> tuple[Path, ...]:
        """Where templates and files are looked up by name, this layout first."""
        return (self.folder, *self.parents)

    @property
    def folders(self) -> tuple[Path, ...]:
        """Every folder a render of this layout reads: the search path, then the shared
        parts. The layout's digest, the fetcher's roots and the labels cover them all."""
        return (*self.search_path, *((self.shared,) if self.shared else ()))

    @property
    def default_paper(self) -> str:
        return self.papers[0]

    def allows_pages(self, count: int) -> bool:
        if self.pages_exact is not None:
            return count == self.pages_exact
        return self.pages_max is None or count <= self.pages_max

    @property
    def page_rule(self) -> str:
        """`exactly 1 page`, `at most 2 pages`, or empty when any count will do."""
        count = self.pages_exact or self.pages_max
        if count is None:
            return ""
        word = "page" if count == 1 else "pages"
        return f"{'exactly' if self.pages_exact else 'at most'} {count} {word}"

    def paper(self, name: str | None) -> Paper:
        """The `Paper` for `name` (or the default), if this layout supports it."""
        chosen = (name or self.default_paper).lower()
        if chosen not in self.papers:
            raise LayoutError(
                f"layout '{self.name}' does not support paper '{chosen}' "
                f"(supported: {', '.join(self.papers)})",
                path=self.manifest,
            )
        paper = PAPERS[chosen]
        if self.orientation == "landscape":
            return replace(
                paper, css=f"{paper.css} landscape", width=paper.height, height=paper.width
            )
        return paper


MAX_EXTENDS = 4


def load_layout(folder: Path, *, builtin: bool = False, _depth: int = 0) -> Layout:
    """Read and check `folder/layout.yaml`, and that every file it names exists."""
    folder = folder.resolve()
    doc, manifest = _read_manifest(folder)
    base = _base_layout(manifest.extends, folder, doc, _depth) if manifest.extends else None
    shared = shared_dir()
    files = _Files((folder, *(base.search_path if base else ())), shared, doc)
    template = manifest.template or (base.template if base else "template.html.j2")
    files.find(template, "template")
    own_sheets = [files.find(n, "stylesheets", i) for i, n in enumerate(manifest.stylesheets)]
    sheets = [*(base.stylesheet_paths if base else ()), *own_sheets]
    papers = list(manifest.papers or (base.papers if base else ("letter", "a4")))
    fit_steps, min_last_page = _fit(manifest, base, files)
    if manifest.pages is not None:
        exact, most = manifest.pages.exact, manifest.pages.max
    else:
        exact, most = (base.pages_exact, base.pages_max) if base else (None, None)
    booklet_template, booklet_sheets = _booklet(manifest, base, files)
    return Layout(
        name=manifest.name,
        description=manifest.description,
        folder=folder,
        template=template,
        stylesheets=tuple(_href(p, folder) for p in sheets),
        stylesheet_paths=tuple(sheets),
        papers=tuple(dict.fromkeys(papers)),
        parents=base.search_path if base else (),
        shared=shared,
        orientation=manifest.orientation or (base.orientation if base else "portrait"),
        pages_exact=exact,
        pages_max=most,
        fit_steps=fit_steps,
        min_last_page=min_last_page,
        booklet_template=booklet_template,
        booklet_stylesheets=tuple(_href(p, folder) for p in booklet_sheets),
        booklet_stylesheet_paths=tuple(booklet_sheets),
        builtin=builtin,
    )


def _read_manifest(folder: Path) -> tuple[Document, _Manifest]:
    """The folder's `layout.yaml`, validated, with the lines of its fields."""
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
    return doc, manifest


@dataclass(frozen=True)
class _Files:
    """The files a manifest names, looked up in the layout's folder, then in the folders
    of the layouts it extends, and `_shared/NAME` in the shared parts; a missing one is
    reported at its line of the manifest."""

    folders: tuple[Path, ...]
    shared: Path | None
    doc: Document

    def find(self, name: str, *where: str | int) -> Path:
        places = [(root, name) for root in self.folders]
        if self.shared is not None and name.startswith(f"{self.shared.name}/"):
            places.append((self.shared, name.split("/", 1)[1]))
        for root, inside in places:
            target = (root / inside).resolve()
            if target.is_relative_to(root) and target.is_file():
                return target
        raise LayoutError(
            f"file '{name}' not found in the layout folder",
            path=self.doc.path,
            line=self.doc.line_of(where),
            field=format_path(where),
        )


def _href(path: Path, folder: Path) -> str:
    """How a template links a file: relative inside its own folder, else by address."""
    return path.relative_to(folder).as_posix() if path.is_relative_to(folder) else path.as_uri()


def _fit(
    manifest: _Manifest, base: Layout | None, files: _Files
) -> tuple[tuple[FitStep, ...], float]:
    """The fit steps and the least fill of a last page: the manifest's, else the parent's."""
    if manifest.fit is None:
        return (base.fit_steps, base.min_last_page) if base else ((), 0.3)
    fit = manifest.fit
    steps = [
        FitStep(files.find(name, "fit", "stylesheets", i)) for i, name in enumerate(fit.stylesheets)
    ]
    for i, step in enumerate(fit.steps):
        sheet = (
            files.find(step.stylesheet, "fit", "steps", i, "stylesheet")
            if step.stylesheet
            else None
        )
        steps.append(FitStep(sheet, tuple(sorted(step.limits.items()))))
    return tuple(steps), fit.min_last_page


def _booklet(
    manifest: _Manifest, base: Layout | None, files: _Files
) -> tuple[str | None, list[Path]]:
    """The booklet template and its stylesheets: the manifest's, else the parent's."""
    if manifest.booklet is not None:
        files.find(manifest.booklet.template, "booklet", "template")
        sheets = [
            files.find(name, "booklet", "stylesheets", i)
            for i, name in enumerate(manifest.booklet.stylesheets)
        ]
        return manifest.booklet.template, sheets
    if base is not None and base.booklet_template is not None:
        return base.booklet_template, list(base.booklet_stylesheet_paths)
    return None, []


def _base_layout(spec: str, folder: Path, doc: Document, depth: int) -> Layout:
    """The layout `extends:` names: a built-in one, or a folder relative to this one."""

    def refused(message: str) -> LayoutError:
        return LayoutError(message, path=doc.path, line=doc.line_of(("extends",)), field="extends")

    if depth >= MAX_EXTENDS:
        raise refused(f"layouts extend each other more than {MAX_EXTENDS} deep")
    builtin = layouts_dir() / spec
    if "/" not in spec and "\\" not in spec and (builtin / MANIFEST).is_file():
        target, is_builtin = builtin, True
    else:
        target, is_builtin = (folder / spec).resolve(), False
    if target.resolve() == folder:
        raise refused("a layout cannot extend itself")
    if not (target / MANIFEST).is_file():
        raise refused(f"extends '{spec}', which is neither a built-in layout nor a layout folder")
    return load_layout(target, builtin=is_builtin, _depth=depth + 1)


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


_SCAFFOLD_CSS = """/* {name}: changes to the '{base}' layout. This file is linked after {base}'s own
   stylesheets, so a rule here wins over the same rule there. Some starting points: */

/* Colors (a --theme file sets these too, for every layout at once): */
:root {{
  /* --primary: #16385c; */
  /* --accent: #0d7a84; */
}}

/* A bigger title: */
/* h1 {{ font-size: 30pt; }} */
"""

_SCAFFOLD_TEMPLATE = """{{#- {name}: the '{base}' template with one block changed.
    Blocks you can override: head (inside <head>, after the stylesheets) and body; the
    others every template has (title, stylesheets, page, body_class) are in _shared/base.html.j2.
    Any of {base}'s partials can be replaced too: copy partials/<name> here and edit it.
    docs/LAYOUTS.md lists every variable a template can use. -#}}
{{% extends "{base}/{template}" %}}

{{% block head %}}
{{{{ super() }}}}
<style>
  /* Rules that only make sense with this template go here. */
</style>
{{% endblock %}}
"""


def scaffold_layout(name: str, where: Path, base: str = "handout") -> Path:
    """Write a new layout folder `where/name` that extends the built-in layout `base`.

    The copy holds a manifest, a stylesheet linked after the parent's and a template
    that overrides one block: a working layout from the first render, and one that
    keeps getting the parent's fixes.

    Raises:
        LayoutError: a bad name, an unknown base, or a folder that already exists.
    """
    if not re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)*", name):
        raise LayoutError(
            f"layout name '{name}' must be lowercase letters, digits, - or _ (e.g. my-handout)"
        )
    parent = find_layout(base)
    if not parent.builtin:
        raise LayoutError(f"'{base}' is not a built-in layout")
    folder = where / name
    if folder.exists():
        raise LayoutError("already exists; choose another name or remove it", path=folder)
    folder.mkdir(parents=True)
    manifest = (
        f"# {name}: the built-in '{base}' layout, changed where this folder says so.\n"
        f"name: {name}\n"
        f"description: {parent.description}\n"
        f"extends: {base}\n"
        "template: template.html.j2\n"
        "stylesheets: [custom.css]   # linked after the parent's stylesheets\n"
    )
    (folder / MANIFEST).write_text(manifest, encoding="utf-8")
    (folder / "custom.css").write_text(_SCAFFOLD_CSS.format(name=name, base=base), "utf-8")
    template = _SCAFFOLD_TEMPLATE.format(name=name, base=base, template=parent.template)
    (folder / "template.html.j2").write_text(template, encoding="utf-8")
    load_layout(folder)  # the scaffold must itself be a valid layout
    return folder
