"""Render again, or build the booklet again, whenever an input, the layout, the theme or
the print profile changes."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import BrochureError
from ..icc import load_output_intent
from ..inputs import PROFILE_SUFFIXES, resolve_layout
from ..layout import Layout, load_layout
from ..options import DEFAULT_OPTIONS, RenderOptions
from ..pipeline import render_profile
from ..theme import Theme, load_theme
from .manifest import Report
from .run import render_paths
from .workers import Caps, Workers

if TYPE_CHECKING:
    from ..booklet import BookletReport


def warm_up(folder: Path, builtin: bool) -> None:
    """Lay out a throwaway one-line profile: imports, fonts, CSS and templates get ready."""
    from ..profile import Profile

    # A broken layout is reported by the real run, at its file and line.
    with suppress(BrochureError):
        chosen = load_layout(folder, builtin=builtin)
        render_profile(Profile.model_validate({"title": "Warm-up"}), chosen)


Snapshot = dict[Path, tuple[int, int]]


def _snapshot(
    paths: Sequence[str | Path],
    layout: Layout,
    theme: Theme | None = None,
    skip: Sequence[Path] = (),
) -> Snapshot:
    """Size and mtime of every input, layout and theme file: what a watcher compares.

    In a folder of profiles only what is named like a profile counts (translations
    too): a log or a note written beside them is no edit, and a watcher whose own
    messages went into the folder would otherwise build forever. Files in `skip` (or
    under it) are what the watcher writes itself: not inputs."""
    seen: Snapshot = {}
    files: list[Path] = [p for folder in layout.folders for p in folder.rglob("*")]
    if theme is not None and theme.folder is not None:
        files.extend(theme.folder.rglob("*"))
    for raw in paths:
        path = Path(raw)
        files.extend(_named_like_profiles(path) if path.is_dir() else [path])
    for path in files:
        if _written(path, skip):
            continue
        try:
            stat = path.stat()
        except OSError:
            seen[path] = (-1, -1)  # gone, or not there yet: its arrival is a change too
            continue
        if not path.is_dir():
            seen[path] = (stat.st_size, stat.st_mtime_ns)
    return seen


def _named_like_profiles(folder: Path) -> Iterator[Path]:
    """Every file below `folder` named like a profile or a translation, hidden ones aside."""
    for top, dirs, files in os.walk(folder):  # followlinks=False, as the inputs are found
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in PROFILE_SUFFIXES:
                yield Path(top, name)


def _written(path: Path, skip: Sequence[Path]) -> bool:
    """Whether `path` is one of `skip` or inside one (named relatively or not)."""
    if not skip:
        return False
    path = path.absolute()
    return any(path.is_relative_to(own.absolute()) for own in skip)


def _settle(
    paths: Sequence[str | Path],
    layout: Layout,
    now: Snapshot,
    theme: Theme | None = None,
    skip: Sequence[Path] = (),
) -> None:
    """Wait until files stop changing: an editor or a copy may save in several writes."""
    for _ in range(40):  # at most two seconds, then render what is there
        time.sleep(0.05)
        later = _snapshot(paths, layout, theme, skip)
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

    def one(chosen: Layout, options: RenderOptions, pool: Workers, force: bool) -> Report:
        return render_paths(
            paths, out, layout=chosen, pool=pool, force=force, options=options, **settings
        )

    watching = _Watching(paths, layout, options, interval, stop)
    watching.rounds(one, jobs, caps, force, on_report, on_error)


def watch_booklet(
    paths: Sequence[str | Path],
    out: str | Path = "out/booklet.pdf",
    *,
    layout: Layout | str | Path | None = None,
    jobs: int = 1,
    force: bool = False,
    interval: float = 0.25,
    on_report: Callable[[BookletReport], None] | None = None,
    on_error: Callable[[BrochureError], None] | None = None,
    stop: Callable[[], bool] | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
    caps: Caps | None = None,
    writes: Sequence[Path] = (),
    **settings: Any,
) -> None:
    """Build the booklet like `build_booklet`, then again whenever a career, the layout,
    the theme or the print profile changes.

    The workers stay up between rounds, warm, and the parts cache keeps every career
    that did not change: an edited career costs one warm layout and a join. `settings`
    are `build_booklet`'s other options, passed to every round; the booklet, its
    manifest, its parts folder and `writes` (what `on_report` writes) are not watched.
    Runs until `stop()` is true or the process is interrupted.
    """
    from ..booklet_apart import build_booklet, manifest_path, parts_folder

    target = Path(out)
    watching = _Watching(paths, layout, options, interval, stop)
    watching.own += [target, parts_folder(target), manifest_path(target), *writes]

    def one(chosen: Layout, options: RenderOptions, pool: Workers, force: bool) -> BookletReport:
        report = build_booklet(
            paths,
            out,
            layout=chosen,
            pool=pool,
            jobs=jobs,
            force=force,
            options=options,
            **settings,
        )
        if report.output is not None:  # a folder named as `out`: the file in it
            written = report.output
            watching.own += [written, parts_folder(written), manifest_path(written)]
        return report

    watching.rounds(one, jobs, caps, force, on_report, on_error)


R = TypeVar("R")


class _Watching:
    """What a watcher compares between rounds, and its rounds: warm workers, the layout,
    theme and print profile read again each round, a round after every settled change."""

    def __init__(
        self,
        paths: Sequence[str | Path],
        layout: Layout | str | Path | None,
        options: RenderOptions,
        interval: float,
        stop: Callable[[], bool] | None,
    ) -> None:
        self.layout, self.options = resolve_layout(layout), options
        self.interval, self.stop = interval, stop
        # A print shop's ICC profile is watched like an input: a new one renders again.
        self.watched = list(paths)
        if options.output_intent is not None:
            self.watched.append(options.output_intent.path)
        self.own: list[Path] = []  # what the rounds write: not inputs, even among them

    def rounds(
        self,
        one: Callable[[Layout, RenderOptions, Workers, bool], R],
        jobs: int,
        caps: Caps | None,
        force: bool,
        on_report: Callable[[R], None] | None,
        on_error: Callable[[BrochureError], None] | None,
    ) -> None:
        chosen, options = self.layout, self.options
        warm = partial(warm_up, chosen.folder, chosen.builtin)
        with Workers(jobs, warm_up=warm, caps=caps) as pool:
            while True:
                seen = _snapshot(self.watched, chosen, options.theme, self.own)
                try:
                    chosen, options = _reload(chosen, options)
                    report = one(chosen, options, pool, force)
                except BrochureError as err:
                    if on_error is None:
                        raise
                    on_error(err)
                else:
                    seen = {p: v for p, v in seen.items() if not _written(p, self.own)}
                    if on_report is not None:
                        on_report(report)
                force = False
                changed = _changed(
                    self.watched, chosen, options.theme, seen, self.interval, self.stop, self.own
                )
                if not changed:
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
    skip: Sequence[Path] = (),
) -> bool:
    """Poll until a watched file changes and settles (True) or `stop()` says so (False)."""
    while True:
        if stop is not None and stop():
            return False
        time.sleep(interval)
        now = _snapshot(watched, layout, theme, skip)
        if now != seen:
            _settle(watched, layout, now, theme, skip)
            return True
