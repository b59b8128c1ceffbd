"""Which inputs need work: keys matched with the last run, shards, slugs, outputs.

Planning happens in the parent process before any worker gets a job. Unchanged inputs
are matched by key alone and never parsed; the rest are parsed for their slug.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BrochureError, OutputError, ProfileError
from ..freshness import layout_digest, output_key, recorded_key, theme_digest
from ..inputs import expand_paths, plan_outputs, resolve_layout
from ..layout import Layout
from ..options import DEFAULT_OPTIONS, RenderOptions
from ..output import output_name, remove_stale_parts
from ..profile import load_profile
from .job import Job
from .manifest import Outcome, previous_outputs


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


@dataclass(frozen=True)
class Settings:
    """How a run treats its inputs; everything but where they come from and go."""

    html: bool = False
    strict: bool = False
    force: bool = False
    fail_fast: bool = False
    shard: tuple[int, int] | None = None
    options: RenderOptions = DEFAULT_OPTIONS

    def in_shard(self, name: str) -> bool:
        """Whether `name` (a slug, or a file's stem before it is parsed) is this run's share."""
        return self.shard is None or shard_of(name, self.shard[1]) == self.shard[0] - 1


@dataclass
class Plan:
    """A run worked out: its layout and outputs, outcomes known already, jobs to render."""

    sources: list[Path]
    layout: Layout
    paper: str
    out: Path
    single_file: bool
    manifest: Path | None
    outcomes: dict[Path, Outcome] = field(default_factory=dict)
    jobs: list[Job] = field(default_factory=list)
    stopped: bool = False

    def target(self, slug: str) -> Path:
        return self.out if self.single_file else self.out / output_name(slug)


def start_plan(
    paths: Iterable[str | Path],
    out: str | Path,
    layout: Layout | str | Path | None,
    paper: str | None,
    manifest: str | Path | None,
) -> Plan:
    """The run's inputs, layout, paper and outputs, checked before any work.

    Fails on an unsupported paper, on several profiles written to one `.pdf`, and on
    outputs that cannot be written. Leftover temporary files of dead writers go.
    """
    sources = expand_paths(paths)
    chosen = resolve_layout(layout)
    sheet = chosen.paper(paper)
    out = Path(out)
    single_file = out.suffix.lower() == ".pdf"
    if single_file and len(sources) > 1:
        raise OutputError(
            f"names one file but {len(sources)} profiles were given; use a folder", path=out
        )
    plan_outputs(sources, out, single_file)
    manifest_path = None
    if manifest is not None or not single_file:
        manifest_path = Path(manifest) if manifest is not None else out / "manifest.json"
    remove_stale_parts(out.parent if single_file else out)
    return Plan(sources, chosen, sheet.name, out, single_file, manifest_path)


def html_ok(target: Path, html: bool) -> bool:
    """With `--html`, an output is only complete when its HTML file is there too."""
    return not html or target.with_suffix(".html").is_file()


def up_to_date(target: Path, key: str, entry: dict[str, object] | None) -> Outcome | None:
    """A `skipped` outcome if `target` was made from exactly these inputs, else None.

    The last manifest answers without opening the file when size and mtime still
    match; otherwise (a run killed before its manifest, a manifest deleted) the key
    recorded inside the PDF decides.
    """
    try:
        stat = target.stat()
    except OSError:
        return None
    if (
        entry is not None
        and entry.get("bytes") == stat.st_size
        and entry.get("mtime_ns") == stat.st_mtime_ns
    ):
        # The file is the one the manifest describes, so its key is known too.
        if entry.get("key") != key:
            return None
        pages, sha = entry.get("pages"), entry.get("sha256")
        return Outcome(
            target,
            "skipped",
            output=target,
            pages=int(str(pages)),
            size=stat.st_size,
            sha256=str(sha),
            key=key,
            mtime_ns=stat.st_mtime_ns,
        )
    found, pages = recorded_key(target)
    if found != key:
        return None
    data = target.read_bytes()
    return Outcome(
        target,
        "skipped",
        output=target,
        pages=pages,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        key=key,
        mtime_ns=stat.st_mtime_ns,
    )


class Planner:
    """Decides, input by input, between a known outcome and a job for a worker."""

    def __init__(self, plan: Plan, settings: Settings) -> None:
        self.plan = plan
        self.settings = settings
        self.digest = layout_digest(plan.layout)
        self.digests = (self.digest, theme_digest(settings.options.theme))
        self.previous = previous_outputs(plan.manifest)
        self.by_source = {str(entry.get("source")): entry for entry in self.previous.values()}
        self.slugs: dict[str, Path] = {}
        self.inputs = {s.resolve() for s in plan.sources}

    def visit(self, source: Path) -> Job | Outcome | None:
        """The source's outcome if known without rendering, its job if not, None if it
        belongs to another shard."""
        settings = self.settings
        try:
            key = output_key(
                source,
                self.plan.layout,
                self.plan.paper,
                html=settings.html,
                strict=settings.strict,
                options=settings.options,
                digests=self.digests,
            )
        except BrochureError as err:  # a FIFO, a device, a file that vanished
            return self._failed(source, source.stem, err)
        known = self._unchanged(source, key)
        if known is not None and known.output is not None:
            slug = known.output.stem
            if not settings.in_shard(slug):
                return None
            self.slugs[slug] = source
            return known
        try:
            profile = load_profile(source)
        except BrochureError as err:
            return self._failed(source, source.stem, err)
        if not settings.in_shard(profile.key):
            return None
        try:
            target = self._claim(source, profile.key)
        except BrochureError as err:
            return Outcome(source, "failed", problems=err.problems)
        if not settings.force and html_ok(target, settings.html):
            done = up_to_date(target, key, self.previous.get(str(target)))
            if done is not None:
                done.source = source
                return done
        return self._job(source, target, key)

    def _failed(self, source: Path, name: str, err: BrochureError) -> Outcome | None:
        # Before its slug is known, an input belongs to the shard of its file name.
        if not self.settings.in_shard(name):
            return None
        return Outcome(source, "failed", problems=err.problems)

    def _unchanged(self, source: Path, key: str) -> Outcome | None:
        """Skipped without parsing: the last run made this output from the same key."""
        known = self.by_source.get(str(source))
        if self.settings.force or known is None or known.get("key") != key:
            return None
        if not known.get("output"):
            return None
        target = Path(str(known["output"]))
        slug = target.stem
        if target != self.plan.target(slug) or slug in self.slugs:
            return None
        done = up_to_date(target, key, known) if html_ok(target, self.settings.html) else None
        if done is not None:
            done.source = source
        return done

    def _claim(self, source: Path, slug: str) -> Path:
        """The output for `slug`, refused when another input has it or it is an input."""
        if slug in self.slugs:
            raise ProfileError(
                f"slug '{slug}' is also used by {self.slugs[slug]}", path=source, field="slug"
            )
        self.slugs[slug] = source
        target = self.plan.target(slug)
        if target.resolve() in self.inputs:
            raise OutputError("output would overwrite an input file", path=target)
        return target

    def _job(self, source: Path, target: Path, key: str) -> Job:
        plan, settings = self.plan, self.settings
        return Job(
            source,
            target,
            key,
            plan.layout.folder,
            self.digest,
            plan.layout.builtin,
            plan.paper,
            settings.html,
            settings.strict,
            settings.options,
        )


def make_plan(plan: Plan, settings: Settings, record: Callable[[Outcome], bool]) -> None:
    """Fill `plan` with each input's known outcome (passed to `record`) or job.

    `record` returning False (a failure with `fail_fast`) stops planning: the inputs
    after it are `cancelled`.
    """
    planner = Planner(plan, settings)
    for source in plan.sources:
        if plan.stopped:
            plan.outcomes[source] = Outcome(source=source, status="cancelled")
            continue
        found = planner.visit(source)
        if isinstance(found, Job):
            plan.jobs.append(found)
        elif found is not None:
            plan.stopped = not record(found)
