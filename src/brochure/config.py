"""`brochure.yaml`: a folder's standing choices (theme, language, paper, layout, grayscale,
state, the age of stale figures).

A counselor's office keeps one beside its profiles so that every command run there
prints with the school's theme without repeating options. Command-line options win.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CONFIG_NAME = "brochure.yaml"


def load_settings(folder: Path | None = None) -> tuple[Path | None, dict[str, Any]]:
    """The settings file in `folder` (the working folder), as command defaults.

    Returns the file (or None) and a mapping of option name to value, paths made
    absolute so that they mean the same from any sub-command. Every command asks, and
    most folders have no such file: only then are the model and YAML imported (0.1 s
    that a booklet command would spend before starting its first worker).
    """
    path = (folder or Path.cwd()) / CONFIG_NAME
    if not path.is_file():
        return None, {}
    from .config_model import read_settings

    return path, read_settings(path)
