"""Batch work: long-lived worker processes, cache keys for incremental runs, the manifest."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import nullcontext
from pathlib import Path
from typing import Any, TypeVar

from .errors import BrochureError
from .output import write_atomic

J = TypeVar("J")
R = TypeVar("R")

KEY_FIELD = "BrochureKey"  # the PDF Info entry that records what an output was made from


def cpu_count() -> int:
    """CPUs this process may use (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def folder_digest(folder: Path) -> str:
    """sha256 over every file in a folder (names and bytes): a layout's identity.

    Not cached: a watching process must see a layout change; a run computes it once.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def cache_key(*parts: str | bytes) -> str:
    """A key that changes when any part does; parts are length-prefixed, so never ambiguous."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def recorded_key(pdf: Path) -> tuple[str | None, int]:
    """The cache key written into an existing output, and its page count.

    Anything unreadable (missing, truncated, not ours) reads as no key, so it is redone.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(pdf)
        metadata = reader.metadata
        value = metadata.get(f"/{KEY_FIELD}") if metadata is not None else None
        return (str(value) if value else None, len(reader.pages))
    except (OSError, PyPdfError, ValueError, KeyError):
        return None, 0


def shard_of(name: str, shards: int) -> int:
    """Which of `shards` shares (0-based) `name` belongs to; stable as inputs come and go."""
    return int(hashlib.sha256(name.encode()).hexdigest()[:12], 16) % shards


def parse_shard(text: str) -> tuple[int, int]:
    """`"2/4"` → (2, 4); raises ValueError with the reason."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"expected K/N such as 1/4, got {text!r}") from None
    if not 1 <= k <= n:
        raise ValueError(f"K must be between 1 and N, got {text!r}")
    return k, n


def _context() -> Any:
    # spawn: a fresh interpreter per worker, safe whatever threads the parent runs,
    # and the same on every platform. Workers live for the whole run, so its start-up
    # cost (about a second, mostly importing WeasyPrint) is paid once per worker.
    return multiprocessing.get_context("spawn")


def _worker_start(warm_up: Callable[[], object] | None) -> None:
    # Ctrl-C (and a TERM sent to the whole group) is the parent's to handle: it lets
    # running jobs finish (their files are written atomically) and stops the workers,
    # instead of every worker printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if warm_up is not None:
        warm_up()


class Workers:
    """A pool of long-lived worker processes that outlives one run (for `--watch`).

    `warm_up`, a picklable function, runs in each worker as it starts, so that the
    first job a watcher hands over does not pay for imports and first-use caches.
    """

    def __init__(self, count: int, warm_up: Callable[[], object] | None = None) -> None:
        self.count = max(1, count)
        self._pool = ProcessPoolExecutor(
            max_workers=self.count,
            mp_context=_context(),
            initializer=_worker_start,
            initargs=(warm_up,),
        )
        if warm_up is not None:  # start every worker now, not at the first job
            for future in [self._pool.submit(os.getpid) for _ in range(self.count)]:
                future.result()

    def submit(self, work: Callable[[J], R], item: J) -> Future[R]:
        return self._pool.submit(work, item)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_all(
    work: Callable[[J], R],
    items: Sequence[J],
    *,
    workers: int,
    on_done: Callable[[J, R], bool] | None = None,
    pool: Workers | None = None,
) -> list[tuple[J, R]]:
    """Run `work` on every item, in `workers` long-lived processes (in-process for 1).

    With `pool`, its (already warm) processes do the work whatever the count.
    `on_done` sees each result as it arrives; returning False stops the run (pending
    items are dropped, running ones finish). Results come back in completion order.
    """
    done: list[tuple[J, R]] = []
    if pool is None and (workers <= 1 or len(items) <= 1):
        for item in items:
            result = work(item)
            done.append((item, result))
            if on_done is not None and not on_done(item, result):
                break
        return done
    if not items:
        return done
    # A pool that was handed in stays open for the caller's next run.
    with nullcontext(pool) if pool is not None else Workers(min(workers, len(items))) as owner:
        pending: dict[Future[R], J] = {owner.submit(work, item): item for item in items}
        stop = False
        while pending and not stop:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                item = pending.pop(future)
                result = future.result()
                done.append((item, result))
                if on_done is not None and not on_done(item, result):
                    stop = True
        if stop:
            for future in pending:
                future.cancel()
            for future, item in pending.items():
                if not future.cancelled():
                    done.append((item, future.result()))
    return done


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
