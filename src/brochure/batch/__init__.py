"""Batch export: plan which outputs are stale, render them in capped workers, keep a manifest.

- `workers`: long-lived processes under time and memory caps (knows nothing of PDFs);
- `job`: one input's job and the worker's side of it;
- `plan`: which inputs need work (keys, shards, slugs, outputs);
- `run`: `render_paths`, plan → run → record;
- `manifest`: outcomes, the manifest written, read back and merged;
- `watch`: `watch_paths` and `watch_booklet`, rendering again on every change.

What an output is made from (keys and digests) is `brochure.freshness`. Names load on
first use, so `brochure.batch.workers` stays light for a parent that never renders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import exports

_EXPORTS = {
    "Job": "job",
    "render_job": "job",
    "Outcome": "manifest",
    "Report": "manifest",
    "Status": "manifest",
    "merge_manifests": "manifest",
    "summarize": "manifest",
    "write_manifest": "manifest",
    "parse_shard": "plan",
    "shard_of": "plan",
    "render_paths": "run",
    "warm_up": "watch",
    "watch_booklet": "watch",
    "watch_paths": "watch",
    "Caps": "workers",
    "WorkerError": "workers",
    "Workers": "workers",
    "call_capped": "workers",
    "cpu_count": "workers",
    "run_all": "workers",
}

if TYPE_CHECKING:
    from .job import Job, render_job
    from .manifest import Outcome, Report, Status, merge_manifests, summarize, write_manifest
    from .plan import parse_shard, shard_of
    from .run import render_paths
    from .watch import warm_up, watch_booklet, watch_paths
    from .workers import Caps, WorkerError, Workers, call_capped, cpu_count, run_all

__all__ = [
    "Caps",
    "Job",
    "Outcome",
    "Report",
    "Status",
    "WorkerError",
    "Workers",
    "call_capped",
    "cpu_count",
    "merge_manifests",
    "parse_shard",
    "render_job",
    "render_paths",
    "run_all",
    "shard_of",
    "summarize",
    "warm_up",
    "watch_booklet",
    "watch_paths",
    "write_manifest",
]


__getattr__ = exports(__name__, _EXPORTS)
