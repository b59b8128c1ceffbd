"""Brochures for web requests: rendered in the capped worker pool, kept in a small cache.

Every request that needs a PDF or a page image goes through one `Renderer`: the same
capped, long-lived workers the command line uses (docs/SECURITY.md), warm between
requests. A brochure is made once per key (the batch's output key, so an edited profile,
layout or theme makes a new one); requests for the same key while it renders wait for
that one render instead of starting another.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..batch.workers import Caps, Workers
from ..errors import Notice
from ..freshness import output_key, theme_digest
from ..layout import Layout
from ..options import RenderOptions
from ..partcache import PartCache

if TYPE_CHECKING:
    from ..booklet import BookletReport

J = TypeVar("J")
R = TypeVar("R")

SCREEN_DPI = 96  # page images for a screen, not a printer
CACHE_BYTES = 256 * 2**20  # PDFs and page images kept, at most


@dataclass(frozen=True)
class PreviewJob:
    """One brochure to make: everything a worker needs, nothing it must look up."""

    source: Path
    layout: Path
    builtin: bool
    layout_digest: str
    paper: str
    options: RenderOptions
    dpi: int = SCREEN_DPI


@dataclass(frozen=True)
class Brochure:
    """A rendered brochure: the PDF, its pages as PNG images, and what was wrong."""

    pdf: bytes
    pages: tuple[bytes, ...]
    warnings: tuple[Notice, ...] = ()
    fit: str | None = None

    @property
    def size(self) -> int:
        return len(self.pdf) + sum(len(page) for page in self.pages)


def make_brochure(job: PreviewJob) -> Brochure:
    """Render and rasterize one brochure; runs in a worker process."""
    from ..batch.job import worker_layout
    from ..pipeline import render_profile
    from ..preview import page_images

    layout = worker_layout(job.layout, job.builtin, job.layout_digest)
    rendered = render_profile(job.source, layout, job.paper, options=job.options)
    pages = []
    for image in page_images(rendered.pdf.data, dpi=job.dpi):
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        pages.append(buffer.getvalue())
    return Brochure(rendered.pdf.data, tuple(pages), tuple(rendered.pdf.warnings), rendered.pdf.fit)


@dataclass
class Renderer:
    """The worker pool and the cache every request shares."""

    jobs: int = 2
    caps: Caps = field(default_factory=Caps)
    cache_bytes: int = CACHE_BYTES

    def __post_init__(self) -> None:
        self._pool: Workers | None = None
        self._parts: PartCache | None = None
        self._cache: OrderedDict[str, Brochure] = OrderedDict()
        self._pending: dict[str, asyncio.Future[Brochure]] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        from ..batch.job import load_renderer

        self._pool = Workers(self.jobs, load_renderer, self.caps, wait=False)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._parts is not None and self._parts.folder is not None:
            shutil.rmtree(self._parts.folder, ignore_errors=True)
            self._parts = None

    async def booklet(self, paths: Sequence[Path], **settings: Any) -> BookletReport:
        """A booklet of `paths`: its careers laid out in the pool and kept between
        requests (every visitor's booklets share their parts), then joined here."""
        from ..booklet_apart import build_booklet

        if self._pool is None:
            self.start()
        if self._parts is None:
            self._parts = PartCache(Path(tempfile.mkdtemp(prefix="brochure-parts-")), shared=True)
        parts = self._parts
        made = await asyncio.to_thread(
            build_booklet,
            paths,
            None,
            pool=self._pool,
            jobs=self.jobs,
            cache=parts,
            **settings,
        )
        parts.trim(self.cache_bytes)
        return made

    def key(self, job: PreviewJob, layout: Layout) -> str:
        """The brochure's identity: the batch's output key and the image resolution."""
        digests = (job.layout_digest, theme_digest(job.options.theme))
        made = output_key(
            job.source,
            layout,
            job.paper,
            html=False,
            strict=False,
            options=job.options,
            digests=digests,
        )
        return f"{made}:{job.dpi}"

    def cached(self, key: str) -> Brochure | None:
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
            return found

    async def brochure(self, job: PreviewJob, layout: Layout) -> Brochure:
        """The brochure for `job`, from the cache or rendered once in a worker.

        Raises the render's `BrochureError` (a profile that does not fit, a cap passed).
        """
        key = self.key(job, layout)
        found = self.cached(key)
        if found is not None:
            return found
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        if self._pool is None:
            self.start()
        assert self._pool is not None
        future = asyncio.wrap_future(self._pool.submit(make_brochure, job))
        self._pending[key] = future
        try:
            made = await future
        finally:
            self._pending.pop(key, None)
        self._keep(key, made)
        return made

    async def run(self, work: Callable[[J], R], item: J, seconds: float | None = None) -> R:
        """Any picklable job in the pool (a booklet), with its own time cap."""
        if self._pool is None:
            self.start()
        assert self._pool is not None
        return await asyncio.wrap_future(self._pool.submit(work, item, seconds=seconds))

    def _keep(self, key: str, made: Brochure) -> None:
        with self._lock:
            self._cache[key] = made
            total = sum(b.size for b in self._cache.values())
            while total > self.cache_bytes and len(self._cache) > 1:
                _, dropped = self._cache.popitem(last=False)
                total -= dropped.size
