"""Inputs: profile files and folders expanded, built-in profiles by slug, layouts by name,
and what a run would write, checked before anything is rendered.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from .errors import (
    BrochureError,
    OutputError,
    Problem,
    ProfileError,
)
from .layout import Layout, find_layout
from .profile import load_profile, translation_of
from .resources import profiles_dir

DEFAULT_LAYOUT = "handout"


PROFILE_SUFFIXES = (".yaml", ".yml")


def builtin_profile(slug: str) -> Path | None:
    """The file of a built-in profile named by its slug, if there is one."""
    if "/" in slug or "\\" in slug or slug.startswith("."):
        return None
    for suffix in PROFILE_SUFFIXES:
        candidate = profiles_dir() / f"{slug}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def builtin_profiles() -> list[Path]:
    """Every profile file of the built-in library, sorted by name."""
    return sorted(p for p in profiles_dir().iterdir() if p.suffix in PROFILE_SUFFIXES)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Profile files named on the command line, and every `*.yaml`/`*.yml` under folders.

    Files keep the order given; a folder's files come sorted, hidden ones skipped.
    Links to folders are not followed. Whatever is named like a profile is listed,
    even a folder, a FIFO or a link that leads out of the folder, so that reading it
    fails with a located error instead of being skipped in silence. A name that is
    not a path but a built-in profile's slug stands for that profile.
    Raises `ProfileError` for a path that does not exist or a folder without profiles.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(_profiles_in(path))
            if not inside:
                raise ProfileError("folder holds no profiles (*.yaml, *.yml)", path=path)
            found.extend(inside)
        elif path.exists() or path.is_symlink():
            found.append(path)
        elif (builtin := builtin_profile(str(raw))) is not None:
            found.append(builtin)
        else:
            raise ProfileError("no such file or folder (nor a built-in profile)", path=path)
    return list(dict.fromkeys(found))


def _profiles_in(folder: Path) -> Iterator[Path]:
    """Every entry named like a profile below `folder`, translations and hidden ones aside."""
    for top, dirs, files in os.walk(folder):  # followlinks=False
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in [*files, *dirs]:
            path = Path(top, name)
            if (
                not name.startswith(".")
                and path.suffix.lower() in PROFILE_SUFFIXES
                and not _is_translation(path)
            ):
                yield path


def _is_translation(path: Path) -> bool:
    """`nurse.es.yaml` beside `nurse.yaml` is the nurse's Spanish text, not a career."""
    found = translation_of(path)
    return found is not None and any(
        path.with_name(found[0] + suffix).is_file() for suffix in PROFILE_SUFFIXES
    )


def resolve_layout(layout: Layout | str | Path | None) -> Layout:
    if isinstance(layout, Layout):
        return layout
    return find_layout(layout or DEFAULT_LAYOUT)


def plan_outputs(sources: Sequence[Path], out: Path, single_file: bool) -> None:
    """Refuse output paths that would overwrite an input or are a file where a folder goes."""
    if out.resolve() in {s.resolve() for s in sources}:
        raise OutputError("output would overwrite an input file", path=out)
    if not single_file and out.exists() and not out.is_dir():
        raise OutputError("is a file; give a folder, or a .pdf name for one profile", path=out)


def validate_paths(paths: Iterable[str | Path]) -> dict[Path, list[Problem]]:
    """Every profile under `paths` with its problems (an empty list when valid)."""
    results: dict[Path, list[Problem]] = {}
    for source in expand_paths(paths):
        try:
            load_profile(source)
            results[source] = []
        except BrochureError as err:
            results[source] = err.problems
    return results
