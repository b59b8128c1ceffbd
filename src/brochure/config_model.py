"""The model of `brochure.yaml` (see `config`), and reading it into command defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .errors import ThemeError
from .paper import PAPER_NAMES
from .sourcemap import load_yaml
from .validation import validate


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


def read_settings(path: Path) -> dict[str, Any]:
    """The file's settings by option name, paths made absolute."""
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
    return values
