"""Output names and atomic writes: a reader never sees a half-written file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import OutputError

_UMASK = os.umask(0)
os.umask(_UMASK)


PART = ".part"


def remove_stale_parts(folder: Path) -> int:
    """Delete temporary files left by writers that were killed (their process is gone).

    A file being written right now by a live process is left alone.
    """
    removed = 0
    if not folder.is_dir():
        return 0
    for part in folder.glob(f".*{PART}"):
        fields = part.name.split(".")
        pid = next((int(f) for f in reversed(fields[:-2]) if f.isdigit()), None)
        if pid is None or _alive(pid):
            continue
        with contextlib.suppress(OSError):
            part.unlink()
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    """Whether process `pid` can still write. A killed writer whose parent died with it
    stays a zombie until init reaps it; it answers signals but will never write again."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            # pid (comm) state …: comm may hold spaces and parentheses, so split at the last ')'.
            return stat.read().rpartition(b")")[2].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):  # no /proc (not Linux), or it just went
        return True


def output_name(slug: str, suffix: str = ".pdf") -> str:
    """`registered-nurse` → `registered-nurse.pdf`."""
    return f"{slug}{suffix}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename.

    `os.replace` is atomic on POSIX and Windows, so a crash or kill at any moment
    leaves either the old file or the complete new one.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=PART, dir=folder)
    except OSError as err:
        raise OutputError(f"cannot write: {err.strerror}", path=path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"cannot write: {err.strerror}", path=path) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
