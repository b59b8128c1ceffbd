"""A tracer that sees what every process of a CLI run does: opens, writes, connects, spawns.

Tests of hostile input must prove that nothing outside the allowed folders is read,
written or contacted, and renders happen in spawned worker processes, so tracing the
CLI's own process is not enough. `run_traced` installs a PEP 578 audit hook in every
interpreter the run starts: a `sitecustomize.py` first on `PYTHONPATH` is imported by
the CLI's interpreter and, through the inherited environment, by every interpreter it
spawns (multiprocessing workers, its resource tracker, any `python` subprocess). Each
process appends JSON lines to its own file, named by pid, through an fd opened before
the hook is installed, so the tracer's own writes are never recorded.

What audit hooks cannot see: file access from C libraries that does not go through
Python (fontconfig, cairo, Pango, libc's own `/etc` lookups), `os.stat`/`os.access`
probes (no audit event), and plain `os.read`/`os.write` on an fd. Every file a template,
the URL fetcher, Jinja's loader or our own code opens from Python is seen.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TRACE_ENV = "BROCHURE_TRACE_DIR"

# Runs at start-up in every traced interpreter: standard library only, never raises.
SITECUSTOMIZE = r'''
"""brochure test tracer: records opens, writes, connects and spawns (tests/tracer.py)."""


def _install():
    import json
    import os
    import sys

    folder = os.environ.get("BROCHURE_TRACE_DIR")
    if not folder:
        return
    state = {"fd": -1, "pid": -1}
    realpath = os.path.realpath
    fspath = os.fspath
    fsdecode = os.fsdecode
    dumps = json.dumps
    write = os.write
    getpid = os.getpid
    readlink = os.readlink
    O_WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def _open_log():
        pid = getpid()
        try:
            fd = os.open(
                os.path.join(folder, f"{pid}.jsonl"),
                os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC,
                0o600,
            )
        except OSError:
            fd = -1
        state["fd"], state["pid"] = fd, pid
        _emit({
            "event": "start",
            "pid": pid,
            "ppid": os.getppid(),
            "executable": sys.executable,
            "prefix": sys.prefix,
            "base_prefix": sys.base_prefix,
            "path": list(sys.path),
            "argv": list(getattr(sys, "orig_argv", sys.argv)),
            "cwd": _cwd(),
        })

    def _cwd():
        try:
            return os.getcwd()
        except OSError:
            return None

    def _emit(record):
        if state["pid"] != getpid():  # a fork without exec: a log of its own
            _open_log()
            return _emit(record)
        if state["fd"] < 0:
            return None
        try:
            data = (dumps(record, default=repr, ensure_ascii=True) + "\n").encode()
            write(state["fd"], data)
        except Exception:
            pass
        return None

    def _text(path):
        """A path argument as text; None for an fd or anything else."""
        if path is None or isinstance(path, int):
            return None
        try:
            return fsdecode(fspath(path))
        except Exception:
            return None

    def _at(path, dir_fd):
        """`path` relative to `dir_fd` (when given) as an absolute path."""
        if isinstance(dir_fd, int) and dir_fd >= 0 and path and not path.startswith("/"):
            try:
                return os.path.join(readlink(f"/proc/self/fd/{dir_fd}"), path)
            except OSError:
                return path
        return path

    def _real(path):
        try:
            return realpath(path)
        except Exception:
            return None

    getframe = sys._getframe
    helpers = ("/subprocess.py", "/tempfile.py", "/shutil.py", "/pathlib.py", "/os.py",
               "/sitecustomize.py", "<frozen os>", "<frozen posixpath>")
    frozen = "<frozen importlib._bootstrap"

    def _origin():
        """Who asked: the innermost callers outside the tracer and the standard
        library's own file helpers, as `file:line function` (a few frames)."""
        try:
            frame = getframe(1)
        except Exception:
            return []
        found = []
        while frame is not None and len(found) < 3:
            code = frame.f_code
            name = code.co_filename
            if not name.endswith(helpers) and not name.startswith(frozen):
                found.append(f"{name}:{frame.f_lineno} {code.co_name}")
            frame = frame.f_back
        return found

    def _record(event, path, write, detail, read=False, dir_fd=None):
        text = _text(path)
        if text is None and path is not None:
            return
        if text is not None:
            text = _at(text, dir_fd)
        _emit({
            "event": event,
            "pid": getpid(),
            "path": text,
            "real": _real(text) if text else None,
            "write": write,
            "read": read,
            "detail": detail,
            "origin": _origin(),
        })

    def _walking_fd():
        """The folder a relative open is made in while shutil.rmtree walks a tree by
        file descriptors: the audit event carries no dir_fd, the walking frame does
        (`topfd` up to Python 3.12, `dirfd` after)."""
        frame = getframe(2)
        while frame is not None:
            if frame.f_code.co_name == "_rmtree_safe_fd":
                for name in ("topfd", "dirfd"):
                    fd = frame.f_locals.get(name)
                    if isinstance(fd, int):
                        return fd
                return None
            frame = frame.f_back
        return None

    def on_open(args):
        path, mode, flags = (tuple(args) + (None, None, None))[:3]
        if isinstance(path, int):
            return
        flags = flags if isinstance(flags, int) else 0
        access = flags & os.O_ACCMODE
        if isinstance(mode, str):
            writes = any(c in mode for c in "wax+")
            reads = "r" in mode or "+" in mode
        else:
            writes = bool(flags & O_WRITES)
            reads = access in (os.O_RDONLY, os.O_RDWR)
        relative = isinstance(path, str) and not path.startswith("/")
        dir_fd = _walking_fd() if relative else None
        _record("open", path, writes, f"mode={mode} flags={flags:#o}", read=reads, dir_fd=dir_fd)

    def paths(*indices, dir_fds=(), write=True):
        def handler(event, args):
            for n, index in enumerate(indices):
                if index < len(args):
                    at = dir_fds[n] if n < len(dir_fds) else len(args)
                    dir_fd = args[at] if at < len(args) else None
                    _record(event, args[index], write, repr(args)[:500], dir_fd=dir_fd)
        return handler

    def listing(event, args):
        path = args[0] if args else "."
        if isinstance(path, int):
            return
        _record(event, "." if path is None else path, False, "", read=True)

    def address(event, args):
        where = args[1] if len(args) > 1 else None
        path = where if isinstance(where, (str, bytes)) and where else None
        _record(event, path, event == "socket.bind" and path is not None, repr(where)[:500])

    def resolving(event, args):
        _record(event, None, False, repr(args[:2])[:500])

    def url(event, args):
        full = args[0] if args else ""
        full = full if isinstance(full, str) else repr(full)
        local = None
        if full.lower().startswith("file:"):
            from urllib.parse import unquote, urlsplit

            local = unquote(urlsplit(full).path) or None
        method = args[3] if len(args) > 3 else None
        _record(event, local, False, f"{method} {full[:500]}")

    def process(event, args):
        _record(event, None, False, repr(args[:3])[:1000])

    def dlopen(event, args):
        _record(event, None, False, repr(args[:1])[:500])

    handlers = {
        "os.rename": paths(0, 1, dir_fds=(2, 3)),
        "os.remove": paths(0, dir_fds=(1,)),
        "os.rmdir": paths(0, dir_fds=(1,)),
        "os.mkdir": paths(0, dir_fds=(2,)),
        "os.symlink": paths(1, dir_fds=(2,)),
        "os.link": paths(0, 1, dir_fds=(2, 3)),
        "os.truncate": paths(0),
        "os.chmod": paths(0, dir_fds=(2,)),
        "os.chown": paths(0, dir_fds=(3,)),
        "os.utime": paths(0, dir_fds=(3,)),
        "os.setxattr": paths(0),
        "os.removexattr": paths(0),
        "shutil.copyfile": paths(1),
        "shutil.copymode": paths(1),
        "shutil.copystat": paths(1),
        "shutil.copytree": paths(1),
        "shutil.move": paths(0, 1),
        "shutil.rmtree": paths(0),
        "shutil.make_archive": paths(0),
        "shutil.unpack_archive": paths(1),
        "tempfile.mkstemp": paths(0),
        "tempfile.mkdtemp": paths(0),
        "sqlite3.connect": paths(0),
        "os.listdir": listing,
        "os.scandir": listing,
        "socket.connect": address,
        "socket.sendto": address,
        "socket.sendmsg": address,
        "socket.bind": address,
        "socket.getaddrinfo": resolving,
        "socket.gethostbyname": resolving,
        "socket.gethostbyaddr": resolving,
        "http.client.connect": resolving,
        "ftplib.connect": resolving,
        "smtplib.connect": resolving,
        "poplib.connect": resolving,
        "imaplib.open": resolving,
        "nntplib.connect": resolving,
        "telnetlib.Telnet.open": resolving,
        "webbrowser.open": resolving,
        "urllib.Request": url,
        "subprocess.Popen": process,
        "os.system": process,
        "os.exec": process,
        "os.posix_spawn": process,
        "os.spawn": process,
        "os.fork": process,
        "os.forkpty": process,
        "pty.spawn": process,
        "ctypes.dlopen": dlopen,
    }

    def hook(event, args):
        if event == "open":
            try:
                on_open(args)
            except Exception:
                pass
            return
        handler = handlers.get(event)
        if handler is not None:
            try:
                handler(event, args)
            except Exception:
                pass

    _open_log()
    sys.addaudithook(hook)


_install()
del _install
'''


@dataclass(frozen=True)
class Event:
    """One recorded audit event. A rename or link gives one Event per path it names."""

    pid: int
    event: str  # the audit event name, e.g. "open", "os.rename", "socket.connect"
    path: str | None  # as given (absolute when given relative to a dir_fd)
    real: str | None  # os.path.realpath(path) when the event happened, or None
    write: bool  # creates or changes something
    detail: str  # mode/flags, address, argv … as text
    read: bool = False  # an open that can read (not write-only), or a folder listing
    origin: tuple[str, ...] = ()  # innermost callers, `file:line function`, for messages


@dataclass(frozen=True)
class Start:
    """What a traced interpreter said about itself when it started."""

    pid: int
    ppid: int
    executable: str
    prefix: str
    base_prefix: str
    path: tuple[str, ...]  # sys.path at start-up: before the script's folder or cwd is added
    argv: tuple[str, ...]  # sys.orig_argv: how the interpreter was started
    cwd: str | None


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


SPAWN_EVENTS = frozenset(
    {
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
        "os.forkpty",
        "pty.spawn",
    }
)
NET_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.sendto",
        "socket.sendmsg",
        "socket.bind",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
        "poplib.connect",
        "imaplib.open",
        "nntplib.connect",
        "telnetlib.Telnet.open",
        "webbrowser.open",
    }
)
LISTINGS = frozenset({"os.listdir", "os.scandir"})
# URL schemes urllib.Request serves without the network (WeasyPrint fetches both).
LOCAL_SCHEMES = ("file:", "data:")


def _resolved(path: str | Path) -> str:
    return os.path.realpath(os.fspath(path))


def _under(real: str, roots: Iterable[str]) -> bool:
    return any(root == "/" or real == root or real.startswith(root + "/") for root in roots)


def _library_probe(event: Event) -> bool:
    """A subprocess that ctypes.util.find_library runs (`ldconfig -p`, `gcc -Wl,-t`,
    `ld -t`): cffi calls it when WeasyPrint loads Pango, HarfBuzz and fontconfig by
    name, in every process that imports WeasyPrint (about 20 a worker)."""
    import ctypes.util

    here = {ctypes.util.__file__, os.path.realpath(ctypes.util.__file__)}
    return bool(event.origin) and event.origin[0].rsplit(":", 1)[0] in here


def _builtin_data() -> list[str]:
    """The built-in layouts and profiles, wherever this installation keeps them."""
    from brochure.resources import layouts_dir, profiles_dir

    return [_resolved(layouts_dir()), _resolved(profiles_dir())]


def baseline_reads() -> list[str]:
    """Files and folders outside every input that a benign render reads from Python.

    Found by tracing `brochure render` of a built-in profile to one file and of a
    folder with -j 2 (tests/test_tracer.py keeps both runs clean). Deliberately
    narrow: never /etc, $HOME or the temporary folder as a whole (hostile tests plant
    secrets there; /etc/passwd and /etc/hostname are targets). The interpreter's own
    folders come from each process's start record (Trace.baseline).
    """
    import mimetypes

    home = Path(os.path.expanduser("~"))
    return [
        # brochure's built-in layouts and profiles: every render reads a built-in
        # layout's templates, CSS and fonts unless told another.
        *_builtin_data(),
        # Installed fonts: WeasyPrint reads a CSS `local()` font (DejaVuSans.ttf in a
        # benign render) through the fetcher, which allows exactly these folders
        # (brochure.pdf.SYSTEM_FONT_DIRS).
        "/usr/share/fonts",
        "/usr/local/share/fonts",
        str(home / ".local/share/fonts"),
        str(home / ".fonts"),
        # fontconfig's configuration and caches. fontconfig reads them from C, which
        # this tracer does not see; listed so a Python-level font lookup would pass.
        "/etc/fonts",
        "/var/cache/fontconfig",
        str(home / ".cache/fontconfig"),
        # The time zone database: babel.localtime reads the local zone at import
        # (/etc/localtime → /usr/share/zoneinfo/Etc/UTC here), in every process.
        "/usr/share/zoneinfo",
        "/etc/localtime",
        "/etc/timezone",
        # MIME types: urllib's file: handler calls mimetypes, whose init reads the
        # first of these that exists (/etc/mime.types here), in every worker.
        *(str(name) for name in mimetypes.knownfiles),
        # subprocess's DEVNULL (the library probes) and multiprocessing's stdin.
        "/dev/null",
    ]


@dataclass
class Trace:
    """Every event of every traced process of one run."""

    events: list[Event]
    main_pid: int  # the CLI's own process
    starts: dict[int, Start] = field(default_factory=dict)  # pid → its start record
    folder: Path | None = None  # where the logs were written (removed after loading)

    def pids(self) -> set[int]:
        """Every process that logged anything (its start record at least)."""
        return {e.pid for e in self.events} | set(self.starts)

    def workers(self) -> set[int]:
        """Processes other than the CLI's own: workers, the resource tracker, children."""
        return self.pids() - {self.main_pid}

    def spawn_workers(self) -> set[int]:
        """Processes that multiprocessing's spawn started (`spawn_main` in their argv).

        A spawn is not an audit event (multiprocessing uses _posixsubprocess.fork_exec,
        which raises none); the child's own start record shows it.
        """
        return {pid for pid, s in self.starts.items() if any("spawn_main" in a for a in s.argv)}

    def opened(self) -> list[Event]:
        return [e for e in self.events if e.event == "open"]

    def written(self) -> list[Event]:
        return [e for e in self.events if e.write]

    def connects(self) -> list[Event]:
        """Network use: socket connects/sends/binds, name lookups, and urllib requests
        other than file: and data: URLs."""
        return [
            e
            for e in self.events
            if e.event in NET_EVENTS
            or (
                e.event == "urllib.Request"
                and not e.detail.partition(" ")[2].lower().startswith(LOCAL_SCHEMES)
            )
        ]

    def spawned(self, *, probes: bool = False) -> list[Event]:
        """subprocess/exec/fork events, without ctypes.util.find_library's probes
        unless `probes` (see _library_probe). Spawned interpreters: spawn_workers()."""
        return [
            e for e in self.events if e.event in SPAWN_EVENTS and (probes or not _library_probe(e))
        ]

    def listed(self) -> list[Event]:
        """Folder listings (os.listdir, os.scandir)."""
        return [e for e in self.events if e.event in LISTINGS]

    def touching(self, path: Path) -> list[Event]:
        """Events whose real path, or absolute path as given, is `path` or inside it."""
        root = _resolved(path)
        given = os.path.abspath(path)
        return [
            e
            for e in self.events
            if (e.real is not None and _under(e.real, [root]))
            or (e.path is not None and e.path.startswith("/") and _under(e.path, [given]))
        ]

    def baseline(self) -> list[str]:
        """Real paths any traced run may read: baseline_reads(), the trace folder, and
        each interpreter's own files (sys.prefix, sys.base_prefix and the start-up
        sys.path, which holds the standard library, site-packages and the editable
        checkout's src/, but not yet the script's folder or the working folder)."""
        roots = {_resolved(p) for p in baseline_reads()}
        for start in self.starts.values():
            for entry in (start.prefix, start.base_prefix, *start.path):
                if entry and os.path.isabs(entry):
                    roots.add(_resolved(entry))
        if self.folder is not None:
            roots.add(_resolved(self.folder))
        return sorted(roots)

    def _benign_read(self, event: Event) -> bool:
        """Reads that depend on who made them."""
        start = self.starts.get(event.pid)
        return (
            # brochure.batch measures its own memory use.
            event.real == f"/proc/{event.pid}/statm"
            # The import system and importlib.metadata list sys.path[0], which is the
            # working folder for `-m` and `-c`: its names, not its files.
            or (
                event.event in LISTINGS
                and start is not None
                and start.cwd is not None
                and event.real == _resolved(start.cwd)
            )
        )

    def reads_outside(self, *allowed: Path) -> list[Event]:
        """Opens that can read, and folder listings, whose real path is under none of
        `allowed` nor the baseline."""
        roots = [_resolved(p) for p in allowed] + self.baseline()
        return [
            e
            for e in self.events
            if (e.event == "open" and e.read) or e.event in LISTINGS
            if e.real is None or not (_under(e.real, roots) or self._benign_read(e))
        ]

    def writes_outside(self, *allowed: Path) -> list[Event]:
        """Writes whose real path (for a file not yet there: its resolved folder and
        name) is under none of `allowed`, /dev/null or the trace folder (which holds
        the run's TMPDIR)."""
        roots = [_resolved(p) for p in allowed] + ["/dev/null"]
        if self.folder is not None:
            roots.append(_resolved(self.folder))
        return [e for e in self.written() if e.real is None or not _under(e.real, roots)]


def load_trace(folder: Path, main_pid: int) -> Trace:
    """Read every process's log in `folder`, the main process's first."""
    events: list[Event] = []
    starts: dict[int, Start] = {}
    logs = sorted(folder.glob("*.jsonl"), key=lambda p: (int(p.stem) != main_pid, p.stem))
    for log in logs:
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record: dict[str, Any] = json.loads(line)
            except ValueError:  # a line cut short by a killed process
                continue
            if record.get("event") == "start":
                starts[int(record["pid"])] = Start(
                    pid=int(record["pid"]),
                    ppid=int(record["ppid"]),
                    executable=str(record["executable"]),
                    prefix=str(record["prefix"]),
                    base_prefix=str(record["base_prefix"]),
                    path=tuple(record["path"]),
                    argv=tuple(record["argv"]),
                    cwd=record.get("cwd"),
                )
                continue
            events.append(
                Event(
                    pid=int(record["pid"]),
                    event=str(record["event"]),
                    path=record.get("path"),
                    real=record.get("real"),
                    write=bool(record.get("write")),
                    detail=str(record.get("detail", "")),
                    read=bool(record.get("read")),
                    origin=tuple(record.get("origin") or ()),
                )
            )
    return Trace(events=events, main_pid=main_pid, starts=starts, folder=folder)


def run_traced_argv(
    argv: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> tuple[Run, Trace]:
    """Run `argv` (a Python interpreter first) with the tracer in it and its children.

    `env` is added to this process's environment. TMPDIR points into the trace
    folder unless `env` sets it.
    """
    folder = Path(tempfile.mkdtemp(prefix="brochure-trace-"))
    try:
        site, logs, scratch = folder / "site", folder / "log", folder / "tmp"
        for sub in (site, logs, scratch):
            sub.mkdir()
        (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        child_env = dict(os.environ)
        # The run's temporary files (WeasyPrint's @font-face folder, tempfile's probe,
        # find_library's scratch files) land in the trace folder, which writes_outside
        # tolerates, not in the shared temporary folder, which it does not.
        child_env["TMPDIR"] = str(scratch)
        child_env.update(env or {})
        # After the tracer's folder, whatever PYTHONPATH this process runs with (so the
        # child imports the same brochure) or `env` gives. Its entries join the
        # baseline through sys.path: keep broad folders out of it.
        python_path = [str(site), *filter(None, [child_env.get("PYTHONPATH")])]
        child_env["PYTHONPATH"] = os.pathsep.join(python_path)
        child_env[TRACE_ENV] = str(logs)
        with subprocess.Popen(
            [os.fspath(a) for a in argv],
            cwd=cwd,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="backslashreplace",
        ) as process:
            try:
                stdout, stderr = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                raise
        trace = load_trace(logs, process.pid)
        trace.folder = folder
        if process.pid not in trace.starts:
            raise RuntimeError(f"the tracer did not start in {argv[0]}: {stderr[-2000:]}")
        return Run(process.returncode, stdout, stderr), trace
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_python_traced(
    code: str,
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> tuple[Run, Trace]:
    """`python -c CODE` under the tracer."""
    return run_traced_argv([sys.executable, "-c", code], cwd=cwd, env=env, timeout=timeout)


def run_traced(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> tuple[Run, Trace]:
    """`python -m brochure ARGS` under the tracer."""
    return run_traced_argv(
        [sys.executable, "-m", "brochure", *args], cwd=cwd, env=env, timeout=timeout
    )


def describe(events: Iterable[Event], limit: int = 40) -> str:
    """Events as lines, for assertion messages: who did what, from where."""
    listed = list(events)
    lines = [
        f"{e.pid} {e.event} {e.path!r} → {e.real!r} {e.detail[:100]}"
        + (f"\n    from {e.origin[0]}" if e.origin else "")
        for e in listed[:limit]
    ]
    if len(listed) > limit:
        lines.append(f"… and {len(listed) - limit} more")
    return "\n".join(lines)
