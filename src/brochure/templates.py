"""A layout's Jinja environment: templates read only from its folders, run in the sandbox,
and every failure reported at the template file and line it happened on.
"""

from __future__ import annotations

import os
import posixpath
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path

from .errors import LayoutError
from .layout import Layout
from .sandbox import RecordUndefined, SlotError, TemplateSandbox

__all__ = ["FolderLoader", "make_environment", "template_error"]


class FolderLoader(jinja2.BaseLoader):
    """Templates from one folder, never through a link that leads out of it.

    Jinja's `FileSystemLoader` refuses `..` in a name but follows symbolic links, so a
    partial that is a link to `/etc/passwd` would be read and printed. Here each file's
    real path must lie in the folder's real path, checked before the file is opened.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.root = os.path.realpath(folder)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        filename = posixpath.join(str(self.folder), *split_template_path(template))
        real = os.path.realpath(filename)
        if not os.path.isfile(real):
            raise jinja2.TemplateNotFound(template)
        if os.path.commonpath([self.root, real]) != self.root:
            raise LayoutError(
                "is a link to a file outside the layout folder; templates are read only "
                "from their layout's own folder",
                path=Path(filename),
            )
        with open(real, encoding="utf-8") as handle:
            source = handle.read()
        mtime = os.path.getmtime(real)
        return source, filename, lambda: os.path.getmtime(real) == mtime


def make_environment(
    layout: Layout, filters: Mapping[str, Callable[..., Any]]
) -> jinja2.Environment:
    """The one Jinja environment of a layout: sandboxed (`sandbox.TemplateSandbox`),
    autoescaped, strict about typos, reading templates only from the layout's folders
    and the shared parts."""
    # This layout's files shadow its parents'; a parent's own template is also reachable
    # as "<name>/<file>" so that a child can extend it and change a block, and the shared
    # parts as "_shared/<file>" (the base template, the macros).
    prefixed = (*layout.parents, *((layout.shared,) if layout.shared else ()))
    env = TemplateSandbox(
        loader=jinja2.ChoiceLoader(
            [
                *(FolderLoader(f) for f in layout.search_path),
                jinja2.PrefixLoader({f.name: FolderLoader(f) for f in prefixed}),
            ]
        ),
        autoescape=True,
        undefined=RecordUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(filters)
    return env


def template_error(layout: Layout, err: Exception, name: str | None = None) -> LayoutError:
    """A Jinja failure as a `LayoutError` at the template file and line it happened on."""
    entry = layout.folder / (name or layout.template)
    if isinstance(err, LayoutError):  # already located (a refused template file)
        return err
    if isinstance(err, jinja2.TemplateSyntaxError):
        where = Path(err.filename) if err.filename else entry
        return LayoutError(f"template syntax: {err.message}", path=where, line=err.lineno)
    if isinstance(err, jinja2.TemplateNotFound):
        return LayoutError(f"template '{err.name}' not found", path=layout.folder)
    path, line = entry, None
    for frame in traceback.extract_tb(err.__traceback__):
        candidate = Path(frame.filename)
        if any(candidate.is_relative_to(folder) for folder in layout.folders):
            path, line = candidate, frame.lineno
    if isinstance(err, SecurityError):
        return LayoutError(f"template tried something unsafe: {err}", path=path, line=line)
    if isinstance(err, SlotError):
        return LayoutError(f"template error: {err}", path=path, line=line)
    if isinstance(err, jinja2.UndefinedError):
        return LayoutError(f"template error: {err.message}", path=path, line=line)
    if isinstance(err, MemoryError):
        return LayoutError("template ran out of memory (see --max-memory)", path=path, line=line)
    return LayoutError(f"template error: {type(err).__name__}: {err}", path=path, line=line)
