"""`brochure.yaml`: a folder's standing choices (theme, language, paper, layout, grayscale,
state, the age of stale figures).

A counselor's office keeps one beside its profiles so that every command run there
prints with the school's theme without repeating options. Command-line options win.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .errors import ThemeError
from .paper import PAPER_NAMES
from .sourcemap import load_yaml
from .validation import validate

CONFIG_NAME = "brochure.yaml"


class Settings(BaseModel):
    """What `brochure.yaml` may set; paths are relative to the file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    theme: str | None = None
    lang: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")] | None = (
        None
    )
    paper: str | None = None
    layout: str | None = None
    grayscale: bool | None = None
    state: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")] | None = None
    stale_after: Annotated[float, Field(ge=0, le=100)] | None = None


def load_settings(folder: Path | None = None) -> tuple[Path | None, dict[str, Any]]:
    """The settings file in `folder` (the working folder), as command defaults.

    Returns the file (or None) and a mapping of option name to value, paths made
    absolute so that they mean the same from any sub-command.
    """
    path = (folder or Path.cwd()) / CONFIG_NAME
    if not path.is_file():
        return None, {}
    doc = load_yaml(path, error=ThemeError)
    settings = validate(Settings, doc, ThemeError, what="settings")
    if settings.paper is not None and settings.paper.lower() not in PAPER_NAMES:
        raise ThemeError(
            f"unknown paper '{settings.paper}' (choose from {', '.join(PAPER_NAMES)})",
            path=path,
            line=doc.line_of(("paper",)),
            field="paper",
        )
    values = settings.model_dump(exclude_none=True)
    for key in ("theme", "layout"):
        if key in values and ("/" in values[key] or values[key].endswith((".yaml", ".yml"))):
            values[key] = str((path.parent / values[key]).resolve())
    return path, values
