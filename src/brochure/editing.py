"""Saving an edited profile: checked first, never over someone else's change, undoable.

A save writes only a valid profile, atomically, and keeps the file it replaces beside it
(`.NAME.prev`) for one step of undo. It names the version the editor started from (the
sha256 of the file's bytes); when the file has changed since, the save is refused as a
conflict rather than losing the other person's text. Saves of one file are serialised in
this process, so two at once cannot both pass the check.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from .errors import BrochureError, Problem, ProfileError
from .output import write_atomic
from .profile import Profile, validate_data
from .sourcemap import load_yaml

MAX_PROFILE_BYTES = 512 * 1024  # far more than MAX_TOTAL_TEXT's worth of YAML

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


class EditConflictError(BrochureError):
    """The file changed since the editor opened it: saving would lose that change."""


def version_of(data: bytes) -> str:
    """A file's version as an editor names it: the sha256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def previous_path(path: Path) -> Path:
    """Where the version before the last save is kept (hidden, beside the profile)."""
    return path.with_name(f".{path.name}.prev")


def check_text(text: str, path: Path) -> tuple[Profile | None, list[Problem]]:
    """The profile `text` would be at `path`, or every problem with it, located."""
    if len(text.encode()) > MAX_PROFILE_BYTES:
        limit = MAX_PROFILE_BYTES // 1024
        return None, [Problem(f"the profile is longer than {limit} KiB", path)]
    try:
        return validate_data(load_yaml(path, text=text)), []
    except ProfileError as err:
        return None, list(err.problems)


def _lock(path: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(path.resolve(), threading.Lock())


@dataclass(frozen=True)
class Saved:
    """A save that went through: the profile as written, and the new version."""

    profile: Profile
    path: Path
    version: str


def save_profile(path: Path, text: str, *, expected: str | None) -> Saved:
    """Write `text` to `path` if it is a valid profile and `path` is still at `expected`
    (None: the file must not exist yet, as for a new copy).

    Raises:
        ProfileError: the text is not a valid profile (nothing is written).
        EditConflictError: the file changed since `expected` (nothing is written).
    """
    profile, problems = check_text(text, path)
    if profile is None:
        raise ProfileError(problems[0].message, path=path, problems=problems)
    data = text.encode()
    with _lock(path):
        current = path.read_bytes() if path.exists() else None
        found = version_of(current) if current is not None else None
        if found != expected:
            raise EditConflictError(
                "this profile was changed since you opened it; your text is kept, "
                "compare and save again",
                path=path,
            )
        if current is not None:
            write_atomic(previous_path(path), current)
        write_atomic(path, data)
    return Saved(profile, path, version_of(data))


def undo_save(path: Path) -> Saved:
    """Put back the version before the last save (and keep the undone one, so undo
    twice is redo).

    Raises:
        BrochureError: there is nothing to undo.
    """
    previous = previous_path(path)
    with _lock(path):
        if not previous.is_file():
            raise BrochureError("there is no earlier version to go back to", path=path)
        before = previous.read_bytes()
        current = path.read_bytes() if path.exists() else b""
        profile, problems = check_text(before.decode("utf-8", "replace"), path)
        if profile is None:
            raise ProfileError(problems[0].message, path=path, problems=problems)
        write_atomic(previous, current)
        write_atomic(path, before)
    return Saved(profile, path, version_of(before))
