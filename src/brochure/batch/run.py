"""`render_paths`: plan the run, render what is stale in workers, record the manifest."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from ..layout import Layout
from ..options import DEFAULT_OPTIONS, RenderOptions
from .job import load_renderer, lost_job, render_job
from .manifest import Outcome, Report, write_manifest
from .plan import Plan, Settings, make_plan, start_plan
from .workers import Caps, Workers, run_all


def render_paths(
    paths: Iterable[str | Path],
    out: str | Path = "out",
    *,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
    html: bool = False,
    strict: bool = False,
    jobs: int = 1,
    force: bool = False,
    fail_fast: bool = False,
    shard: tuple[int, int] | None = None,
    manifest: str | Path | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
    pool: Workers | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
    caps: Caps | None = None,
) -> Report:
    """Render every profile under `paths` into `out`, in `jobs` worker processes.

    `out` is a folder (`<slug>.pdf` inside it, and `manifest.json` unless `manifest`
    names another file) or, for a single profile, a `.pdf` file. An output whose
    inputs (profile, layout files, options, tool version) are unchanged since it was
    written is `skipped` unless `force`. A bad profile is reported in its `Outcome`
    and the others are still rendered, unless `fail_fast`. `shard=(k, n)` renders
    the k-th of n stable shares of the inputs. `pool` lends warm workers that outlive
    the call (a watching run); otherwise `jobs` workers start and stop with it.
    With `caps` every render runs in a worker under those time and memory caps, even
    a single one; without, one job or one input renders in this process.
    """
    started = time.perf_counter()
    settings = Settings(html, strict, force, fail_fast, shard, options)
    run = _Run(jobs, caps, on_outcome, on_plan, started)
    if pool is None and caps is not None:
        # One worker starts importing the renderer now, while this process works out
        # what is stale; the others start only when there is work for them.
        with Workers(jobs, load_renderer, caps, start=1, wait=False) as early:
            return run(start_plan(paths, out, layout, paper, manifest), settings, early)
    return run(start_plan(paths, out, layout, paper, manifest), settings, pool)


class _Run:
    """Plan → run → record, with the caller's callbacks."""

    def __init__(
        self,
        jobs: int,
        caps: Caps | None,
        on_outcome: Callable[[Outcome], None] | None,
        on_plan: Callable[[int], None] | None,
        started: float,
    ) -> None:
        self.jobs, self.caps = jobs, caps
        self.on_outcome, self.on_plan = on_outcome, on_plan
        self.started = started

    def __call__(self, plan: Plan, settings: Settings, pool: Workers | None) -> Report:

        def record(outcome: Outcome) -> bool:
            plan.outcomes[outcome.source] = outcome
            if self.on_outcome is not None:
                self.on_outcome(outcome)
            return not (settings.fail_fast and outcome.status == "failed")

        make_plan(plan, settings, record)
        if self.on_plan is not None:
            self.on_plan(len(plan.jobs))
        if not plan.stopped:
            run_all(
                render_job,
                plan.jobs,
                workers=self.jobs,
                pool=pool,
                caps=self.caps,
                lost=lost_job,
                on_done=lambda _, done: record(done),
            )
        for job in plan.jobs:
            plan.outcomes.setdefault(job.source, Outcome(source=job.source, status="cancelled"))
        report = Report([plan.outcomes[s] for s in plan.sources if s in plan.outcomes])
        report.seconds = time.perf_counter() - self.started
        _record(plan, settings, report)
        return report


def _record(plan: Plan, settings: Settings, report: Report) -> None:
    """Write the manifest, if the run has one: its settings, summary and outcomes."""
    if plan.manifest is None:
        return
    run_info: dict[str, object] = {
        "layout": plan.layout.name,
        "paper": plan.paper,
        "html": settings.html,
        "strict": settings.strict,
        **settings.options.to_manifest(),
    }
    if settings.shard is not None:
        run_info["shard"] = f"{settings.shard[0]}/{settings.shard[1]}"
    write_manifest(plan.manifest, report.to_json(**run_info))
    report.manifest = plan.manifest
