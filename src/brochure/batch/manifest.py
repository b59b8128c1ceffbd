"""The run's record: each input's outcome, the manifest written, read back and merged."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .._version import __version__
from ..errors import BrochureError, Notice, Problem
from ..output import write_atomic

Status = Literal["rendered", "skipped", "failed", "cancelled"]


@dataclass
class Outcome:
    """What happened to one input: `rendered`, `skipped` (up to date), `failed`, or
    `cancelled` (not attempted after a failure with `fail_fast`)."""

    source: Path
    status: Status
    output: Path | None = None
    pages: int = 0
    size: int = 0
    sha256: str = ""
    seconds: float = 0.0
    key: str = ""
    mtime_ns: int = 0
    warnings: list[Notice] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    memory_mib: float = 0.0

    def to_json(self) -> dict[str, object]:
        """The manifest entry."""
        entry: dict[str, object] = {
            "source": str(self.source),
            "output": str(self.output) if self.output else None,
            "status": self.status,
            "pages": self.pages,
            "bytes": self.size,
            "sha256": self.sha256 or None,
            "seconds": round(self.seconds, 3),
        }
        if self.key and self.output:
            entry["key"] = self.key  # what the output was made from, for the next run
            entry["mtime_ns"] = self.mtime_ns
        if self.warnings:
            entry["warnings"] = [w.to_json(self.source) for w in self.warnings]
        if self.problems:
            entry["error"] = str(self.problems[0])
            entry["problems"] = [
                {
                    "message": p.message,
                    "file": str(p.path) if p.path else None,
                    "line": p.line,
                    "field": p.field,
                }
                for p in self.problems
            ]
        return entry


@dataclass
class Report:
    """Every input's outcome, in input order, and where the manifest went."""

    outcomes: list[Outcome] = field(default_factory=list)
    manifest: Path | None = None
    seconds: float = 0.0

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_json(self, **run: object) -> dict[str, object]:
        """The manifest: the run's settings, a summary, and one entry per input."""
        outputs = [o.to_json() for o in self.outcomes]
        return {
            "tool": f"brochure {__version__}",
            **run,
            "summary": summarize(outputs),
            "seconds": round(self.seconds, 3),
            "outputs": outputs,
        }


def write_manifest(path: Path, data: dict[str, Any]) -> None:
    """The run's manifest as JSON, written atomically."""
    try:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    except (TypeError, ValueError) as err:  # pragma: no cover - a bug, not bad input
        raise BrochureError(f"cannot write the manifest: {err}", path=path) from None
    write_atomic(path, text.encode())


def merge_manifests(manifests: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Shards' manifests joined into one, outputs sorted by source, summary recounted."""
    merged: dict[str, Any] = {}
    outputs: list[dict[str, Any]] = []
    for manifest in manifests:
        outputs += manifest.get("outputs", [])
        merged.update(
            {k: v for k, v in manifest.items() if k not in ("outputs", "summary", "shard")}
        )
    outputs.sort(key=lambda entry: str(entry.get("source")))
    merged["outputs"] = outputs
    merged["summary"] = summarize(outputs)
    return merged


def summarize(outputs: Sequence[dict[str, Any]]) -> dict[str, int]:
    """How many outputs have each status."""
    counts = {"rendered": 0, "skipped": 0, "failed": 0, "cancelled": 0}
    for entry in outputs:
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    counts["total"] = len(outputs)
    return counts


def previous_outputs(manifest: Path | None) -> dict[str, dict[str, object]]:
    """The last run's manifest entries by output path; nothing if there is none."""
    if manifest is None or not manifest.is_file():
        return {}
    try:
        data = json.loads(manifest.read_text())
        return {str(e["output"]): e for e in data.get("outputs", []) if e.get("output")}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}
