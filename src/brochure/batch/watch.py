"""Render again whenever an input, the layout, the theme or the print profile changes."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import BrochureError
from ..icc import load_output_intent
from ..inputs import resolve_layout
from ..layout import Layout, load_layout
from ..options import DEFAULT_OPTIONS, RenderOptions
from ..pipeline import render_profile
from ..theme import Theme, load_theme
from .manifest import Report
from .run import render_paths
from .workers import Caps, Workers


def warm_up(folder: Path, builtin: bool) -> None:
    """Lay out a throwaway one-line profile: imports, fonts, CSS and templates get ready."""
    from ..profile import Profile

    # A broken layout is reported by the real run, at its file and line.
    with suppress(BrochureError):
        chosen = load_layout(folder, builtin=builtin)
        render_profile(Profile.model_validate({"title": "Warm-up"}), chosen)


Snapshot = dict[Path, tuple[int, int]]


def _snapshot(paths: Sequence[str | Path], layout: Layout, theme: Theme | None = None) -> Snapshot:
    """Size and mtime of every input, layout and theme file: what a watcher compares."""
    seen: Snapshot = {}
    files: list[Path] = [p for folder in layout.folders for p in folder.rglob("*")]
    if theme is not None and theme.folder is not None:
        files.extend(theme.folder.rglob("*"))
    for raw in paths:
        path = Path(raw)
        files.extend(path.rglob("*") if path.is_dir() else [path])
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            seen[path] = (-1, -1)  # gone, or not there yet: its arrival is a change too
            continue
        if not path.is_dir():
            seen[path] = (stat.st_size, stat.st_mtime_ns)
    return seen


def _settle(
    paths: Sequence[str | Path], layout: Layout, now: Snapshot, theme: Theme | None = None
) -> None:
    """Wait until files stop changing: an editor or a copy may save in several writes."""
    for _ in range(40):  # at most two seconds, then render what is there
        time.sleep(0.05)
        later = _snapshot(paths, layout, theme)
        if later == now:
            return
        now = later


def watch_paths(
    paths: Sequence[str | Path],
    out: str | Path = "out",
    *,
    layout: Layout | str | Path | None = None,
    jobs: int = 1,
    force: bool = False,
    interval: float = 0.25,
    on_report: Callable[[Report], None] | None = None,
    on_error: Callable[[BrochureError], None] | None = None,
    stop: Callable[[], bool] | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
    caps: Caps | None = None,
    **settings: Any,
) -> None:
    """Render like `render_paths`, then again whenever an input or the layout changes.

    The workers stay up between rounds, warm, so a changed profile costs one warm
    render instead of a cold start. Files are polled every `interval` seconds (this
    also works on network shares, where change notifications often do not arrive).
    `force` applies to the first round; `settings` are `render_paths`' other options,
    passed to every round. Runs until `stop()` is true or the process is interrupted.
    """
    chosen = resolve_layout(layout)
    warm = partial(warm_up, chosen.folder, chosen.builtin)
    # A print shop's ICC profile is watched like an input: a new one renders again.
    watched = list(paths)
    if options.output_intent is not None:
        watched.append(options.output_intent.path)
    with Workers(jobs, warm_up=warm, caps=caps) as pool:
        while True:
            seen = _snapshot(watched, chosen, options.theme)
            try:
                chosen, options = _reload(chosen, options)
                report = render_paths(
                    paths, out, layout=chosen, pool=pool, force=force, options=options, **settings
                )
            except BrochureError as err:
                if on_error is None:
                    raise
                on_error(err)
            else:
                if on_report is not None:
                    on_report(report)
            force = False
            if not _changed(watched, chosen, options.theme, seen, interval, stop):
                return


def _reload(layout: Layout, options: RenderOptions) -> tuple[Layout, RenderOptions]:
    """The layout, the theme and the ICC profile as they are now: any may have been
    edited since the last round."""
    layout = load_layout(layout.folder, builtin=layout.builtin)
    if options.theme.path is not None:
        options = replace(options, theme=load_theme(options.theme.path))
    if options.output_intent is not None:
        options = replace(options, output_intent=load_output_intent(options.output_intent.path))
    return layout, options


def _changed(
    watched: Sequence[str | Path],
    layout: Layout,
    theme: Theme,
    seen: Snapshot,
    interval: float,
    stop: Callable[[], bool] | None,
) -> bool:
    """Poll until a watched file changes and settles (True) or `stop()` says so (False)."""
    while True:
        if stop is not None and stop():
            return False
        time.sleep(interval)
        now = _snapshot(watched, layout, theme)
        if now != seen:
            _settle(watched, layout, now, theme)
            return True
