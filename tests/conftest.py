"""Shared fixtures: paths, a CLI runner, PDFs rendered once per test run, and the
command line's capped workers run in this process unless a test is about workers."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import pickle
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner

from brochure import pipeline
from brochure.batch import workers
from brochure.layout import find_layout
from brochure.profile import load_profile
from brochure.render import DEFAULT_OPTIONS, RenderOptions
from brochure.resources import profiles_dir

# The real-browser fixtures `browser` and `page` (tests/browser.py).
pytest_plugins = ("tests.browser",)

# The suite runs as of 1 June 2025 (SOURCE_DATE_EPOCH stands for today in `stale`), a
# year after the built-in profiles' figures, so that a render's warnings are its own on
# any day; the stale-figures tests set their own dates. Workers and subprocesses inherit it.
os.environ["SOURCE_DATE_EPOCH"] = "1748736000"

TESTS = Path(__file__).parent
DATA = TESTS / "data"
BUILTIN_PROFILES = sorted(profiles_dir().glob("*.yaml"))
TINY_LAYOUT = DATA / "layouts" / "tiny"
T = TypeVar("T")


def slow_but(fast: object, values: Sequence[object], ids: Sequence[str] | None = None) -> list[Any]:
    """`values` as parameters (a tuple is one parameter set), all marked slow but `fast`:
    the one case `make check` keeps, as a smoke test, of a list `make test` runs whole."""
    return [
        pytest.param(
            *(value if isinstance(value, tuple) else (value,)),
            marks=() if value == fast else (pytest.mark.slow,),
            id=ids[index] if ids is not None else None,
        )
        for index, value in enumerate(values)
    ]


def waited(reports: Sequence[T], count: int, seconds: float = 60) -> T:
    """The `count`th report a watcher running in a thread has made, once it has."""
    deadline = time.monotonic() + seconds
    while len(reports) < count:
        assert time.monotonic() < deadline, "the watcher did not react"
        time.sleep(0.05)
    return reports[count - 1]


def stopped_watcher(command: Sequence[str], stop: int) -> tuple[list[str], str, int]:
    """A watching command run until its first round is done, then sent `stop` (to its
    whole process group, as a terminal's Ctrl-C is): what it said before, after, and its
    exit status."""
    with subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as process:
        assert process.stderr is not None
        # A watcher that never says it is watching is killed (and the test fails on what
        # it said) rather than left to hang the run.
        stuck = threading.Timer(120, os.killpg, (process.pid, signal.SIGKILL))
        stuck.start()
        try:
            lines = []
            for line in process.stderr:
                lines.append(line)
                if line.startswith("watching for changes"):
                    break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, stop)
            rest = process.stderr.read()
            return lines, rest, process.wait(timeout=60)
        finally:
            stuck.cancel()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden from current output"
    )
    parser.addoption(
        "--update-visual",
        action="store_true",
        help="rewrite the reference page images in tests/visual from current output",
    )


# The command line renders every input in a spawned worker under time and memory caps
# (batch.Workers); starting one costs about a second, mostly importing WeasyPrint. Tests
# that are not about workers run the same jobs in this process instead: each job and
# its reply still go through pickle, as they would through a worker's pipe, but no cap
# applies. Tests about workers, caps, time-outs and hostile inputs are marked
# `real_workers` (test_jobs, test_hostile, test_tracer) and keep real processes.
_ONE_JOB_AT_A_TIME = threading.Lock()


def _run_here(slot: Any, work: Callable[[Any], Any], item: Any, seconds: float) -> Any:
    """`workers._Slot._run` without a process: what `workers._serve` does, in this process."""
    slot.used = True
    work, item = pickle.loads(pickle.dumps((work, item)))
    with _ONE_JOB_AT_A_TIME:  # the renderer is not shared between threads
        try:
            reply: tuple[str, Any] = ("ok", work(item))
        except BaseException as err:  # sent back whole, raised in the caller
            reply = ("error", err)
    try:
        status, value = pickle.loads(pickle.dumps(reply))
    except Exception as err:  # as a worker reports a result it cannot send back
        status, value = "error", RuntimeError(f"cannot send the result back: {err}")
    if status == "error":
        raise value
    return value


def _ready_here(slot: Any) -> None:
    slot.ready = True


@pytest.fixture(autouse=True)
def in_process_workers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker jobs run in this process, unless the test is marked `real_workers`."""
    if request.node.get_closest_marker("real_workers") is not None:
        return
    monkeypatch.setattr(workers._Slot, "start_process", lambda slot: None)
    monkeypatch.setattr(workers._Slot, "wait_ready", _ready_here)
    monkeypatch.setattr(workers._Slot, "_run", _run_here)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def update_visual(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-visual"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private copy of tests/data, so tests may write next to inputs."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


class WeasyLog(logging.Handler):
    """Collects what WeasyPrint logs, so a test can fail when the renderer complains."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_CACHE: dict[tuple[str, str, str, RenderOptions], tuple[pipeline.Rendered, list[str]]] = {}
Render = Callable[..., tuple[pipeline.Rendered, list[str]]]


def _shared_folder(factory: pytest.TempPathFactory) -> Path:
    """A folder every pytest-xdist worker of this run sees (their temporary folders are
    siblings), and only this run: what one worker renders, the other need not."""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder = base / "shared-renders"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def render_builtin(tmp_path_factory: pytest.TempPathFactory) -> Render:
    """Render a built-in profile once per run (the handout on letter unless told; paper
    None is the layout's default); returns it with WeasyPrint's log lines.

    Renders are keyed on (profile, paper, layout, options): `RenderOptions` and `Theme`
    are frozen and compare by value, so a theme loaded again finds the same render. What
    it returns is shared between tests: read it, never change it. The workers of one
    run share their renders through a folder, one worker rendering each key while the
    other waits for it (a lock file per key).
    """
    shared = _shared_folder(tmp_path_factory)

    def made(path: Path, paper: str | None, layout: str, options: RenderOptions) -> Any:
        handler = WeasyLog()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(handler)
        try:
            rendered = pipeline.render_profile(load_profile(path), layout, paper, options=options)
        finally:
            logger.removeHandler(handler)
        log = [r.getMessage() for r in handler.records if "HarfBuzz" not in r.getMessage()]
        return rendered, log

    def get(
        path: Path,
        paper: str | None = "letter",
        layout: str = "handout",
        options: RenderOptions = DEFAULT_OPTIONS,
    ) -> tuple[pipeline.Rendered, list[str]]:
        sheet = find_layout(layout).paper(paper).name
        key = (str(Path(path).resolve()), sheet, layout, options)
        if key not in _CACHE:
            named = repr(key)
            if " at 0x" in named:  # an option that is not a value: not shared
                _CACHE[key] = made(path, paper, layout, options)
                return _CACHE[key]
            stem = shared / hashlib.sha256(named.encode()).hexdigest()
            with open(stem.with_suffix(".lock"), "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                done = stem.with_suffix(".pickle")
                if done.exists():
                    _CACHE[key] = pickle.loads(done.read_bytes())
                else:
                    _CACHE[key] = made(path, paper, layout, options)
                    partial = stem.with_suffix(".partial")
                    partial.write_bytes(pickle.dumps(_CACHE[key]))
                    partial.replace(done)
        return _CACHE[key]

    return get
