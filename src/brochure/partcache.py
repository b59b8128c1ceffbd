"""A booklet's parts as they were last laid out, by key, so that a rebuild lays out
only what changed: `<key>.pdf` and `<key>.json` (pages, how full each is, warnings);
and the fonts the join made of their subsets, `<key>.font`.

The folder belongs to one booklet (`.booklet.pdf.parts` beside `booklet.pdf`) and holds
exactly the parts of its last build: `keep` drops the rest, so it never grows past one
booklet's worth. The JSON records the PDF's sha256: a part whose file was cut short or
changed reads as missing, and is laid out again. Nothing here is ever unpickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, MutableMapping
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


class Unions(MutableMapping[str, bytes]):
    """The font programs `combine.share_fonts` made, by the key of their subsets; each
    file starts with the sha256 of the rest, and a file that does not match is missing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def __getitem__(self, key: str) -> bytes:
        if self.folder is None or not _KEY.match(key):
            raise KeyError(key)
        try:
            stored = (self.folder / f"{key}.font").read_bytes()
        except OSError:
            raise KeyError(key) from None
        if hashlib.sha256(stored[32:]).digest() != stored[:32]:
            raise KeyError(key)
        self.used.add(key)
        return stored[32:]

    def __setitem__(self, key: str, value: bytes) -> None:
        self.used.add(key)
        if self.folder is not None and _KEY.match(key):
            write_atomic(self.folder / f"{key}.font", hashlib.sha256(value).digest() + value)

    def __delitem__(self, key: str) -> None:
        self.used.discard(key)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.used))

    def __len__(self) -> int:
        return len(self.used)


class PartCache:
    """The parts folder of one booklet; `None` keeps nothing (every part is laid out).

    A folder `shared` by many booklets (a web server's) is not cut to one build's parts
    by `keep`; its owner bounds it with `trim`.
    """

    def __init__(self, folder: Path | None, *, shared: bool = False) -> None:
        self.folder = folder
        self.shared = shared
        self.unions = Unions(folder)

    def get(self, key: str) -> LaidPart | None:
        """The part laid out under `key`, or None when it is missing or damaged."""
        if self.folder is None or not _KEY.match(key):
            return None
        try:
            record = json.loads((self.folder / f"{key}.json").read_text())
            data = (self.folder / f"{key}.pdf").read_bytes()
            if hashlib.sha256(data).hexdigest() != record["sha256"]:
                return None
            if self.shared:  # the last use, for `trim`
                os.utime(self.folder / f"{key}.json")
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
        """Drop every part not in `keys`, and every font this build did not use: the
        folder holds the last build and no more."""
        if self.folder is None or self.shared or not self.folder.is_dir():
            return
        wanted = set(keys) | self.unions.used
        for path in self.folder.iterdir():
            ours = _KEY.match(path.stem) and path.suffix in (".pdf", ".json", ".font")
            if ours and path.stem not in wanted:
                with contextlib.suppress(OSError):
                    path.unlink()

    def trim(self, most: int) -> None:
        """Drop the parts used longest ago until the folder holds at most `most` bytes."""
        if self.folder is None or not self.folder.is_dir():
            return
        sizes: dict[str, int] = {}
        used: dict[str, float] = {}
        for path in self.folder.iterdir():
            if _KEY.match(path.stem):
                with contextlib.suppress(OSError):
                    stat = path.stat()
                    sizes[path.stem] = sizes.get(path.stem, 0) + stat.st_size
                    used[path.stem] = max(used.get(path.stem, 0.0), stat.st_mtime)
        total = sum(sizes.values())
        for key in sorted(sizes, key=lambda k: used[k]):
            if total <= most:
                break
            for suffix in (".json", ".pdf", ".font"):
                with contextlib.suppress(OSError):
                    (self.folder / f"{key}{suffix}").unlink()
            total -= sizes[key]


__all__ = ["LaidPart", "PartCache", "Unions"]
