"""A booklet's parts as they were last laid out, by key, so that a rebuild lays out
only what changed: `<key>.pdf` and `<key>.json` (pages, how full each is, warnings).

The folder belongs to one booklet (`.booklet.pdf.parts` beside `booklet.pdf`) and holds
exactly the parts of its last build: `keep` drops the rest, so it never grows past one
booklet's worth. The JSON records the PDF's sha256: a part whose file was cut short or
changed reads as missing, and is laid out again. Nothing here is ever unpickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Notice
from .output import write_atomic

_KEY = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class LaidPart:
    """One part of a booklet laid out: its PDF and what the booklet checks of it."""

    data: bytes
    pages: int
    fills: tuple[float, ...] = ()
    warnings: tuple[Notice, ...] = field(default=())


def _notice_json(notice: Notice) -> dict[str, object]:
    return {
        "message": str(notice),
        "kind": notice.kind,
        "file": str(notice.path) if notice.path else None,
        "line": notice.line,
        "field": notice.field,
        "layout": notice.layout,
    }


def _notice(entry: dict[str, Any]) -> Notice:
    return Notice(
        str(entry["message"]),
        str(entry["kind"]),
        path=Path(entry["file"]) if entry.get("file") else None,
        line=int(entry["line"]) if entry.get("line") is not None else None,
        field=str(entry["field"]) if entry.get("field") else None,
        layout=bool(entry.get("layout")),
    )


class PartCache:
    """The parts folder of one booklet; `None` keeps nothing (every part is laid out)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, key: str) -> LaidPart | None:
        """The part laid out under `key`, or None when it is missing or damaged."""
        if self.folder is None or not _KEY.match(key):
            return None
        try:
            record = json.loads((self.folder / f"{key}.json").read_text())
            data = (self.folder / f"{key}.pdf").read_bytes()
            if hashlib.sha256(data).hexdigest() != record["sha256"]:
                return None
            return LaidPart(
                data,
                int(record["pages"]),
                tuple(float(fill) for fill in record["fills"]),
                tuple(_notice(entry) for entry in record["warnings"]),
            )
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def put(self, key: str, part: LaidPart) -> None:
        """Keep a part: its PDF first, then the record that vouches for it."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / f"{key}.pdf", part.data)
        record = {
            "sha256": hashlib.sha256(part.data).hexdigest(),
            "pages": part.pages,
            "fills": list(part.fills),
            "warnings": [_notice_json(w) for w in part.warnings],
        }
        write_atomic(self.folder / f"{key}.json", json.dumps(record, indent=1).encode())

    def keep(self, keys: Iterable[str]) -> None:
        """Drop every part not in `keys`: the folder holds the last build and no more."""
        if self.folder is None or not self.folder.is_dir():
            return
        wanted = set(keys)
        for path in self.folder.iterdir():
            ours = _KEY.match(path.stem) and path.suffix in (".pdf", ".json")
            if ours and path.stem not in wanted:
                with contextlib.suppress(OSError):
                    path.unlink()


__all__ = ["LaidPart", "PartCache"]
