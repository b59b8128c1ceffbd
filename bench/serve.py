"""`brochure serve` benchmarks: the targets of docs/BENCHMARKS.md, over real HTTP.

.venv/bin/python bench/serve.py            # about 3 minutes on 2 cores
.venv/bin/python bench/serve.py --quick    # 100 careers, fewer rounds

A real uvicorn server in this process (its workers are the capped render processes, as
with `brochure serve`), asked by a real HTTP client, so the figures include the HTTP
stack, the templates and the cache.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import emit, machine, make_careers


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    import uvicorn

    from brochure.web.app import ServeConfig, create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(ServeConfig(paths=(folder,), jobs=2))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://localhost:{port}"
    finally:
        server.should_exit = True
        thread.join()


def seconds(client: object, url: str, repeat: int = 1) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        got = client.get(url)  # type: ignore[attr-defined]
        assert got.status_code == 200, (url, got.status_code, got.text[:200])
        times.append(time.perf_counter() - start)
    return times


def preview(client: object, base: str, slug: str, query: str) -> float:
    """A control changed: the career page (which renders) and its first page image."""
    start = time.perf_counter()
    for url in (f"{base}/careers/{slug}?{query}", f"{base}/careers/{slug}/page-1.png?{query}"):
        got = client.get(url, headers={"HX-Request": "true"})  # type: ignore[attr-defined]
        assert got.status_code == 200, (url, got.status_code)
    return time.perf_counter() - start


async def concurrent(base: str, slugs: list[str]) -> tuple[float, int]:
    import httpx2 as httpx

    async with httpx.AsyncClient(timeout=300) as client:
        start = time.perf_counter()
        replies = await asyncio.gather(
            *(client.get(f"{base}/careers/{slug}/page-1.png?paper=a4") for slug in slugs)
        )
        return time.perf_counter() - start, sum(r.status_code == 200 for r in replies)


def main() -> None:
    import httpx2 as httpx

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count = 100 if args.quick else 1000
    folder = Path(tempfile.mkdtemp())
    make_careers(folder, count)
    emit(f"Machine: {machine()}; {count} careers; {time.strftime('%Y-%m-%d')}")
    emit("")
    emit("| measurement | figure | target |")
    emit("| --- | --- | --- |")
    with serving(folder) as base, httpx.Client(timeout=300) as client:
        slugs = sorted(p.stem for p in folder.glob("*.yaml"))
        seconds(client, f"{base}/careers/{slugs[0]}")  # workers warm, templates compiled
        library = statistics.median(seconds(client, f"{base}/", repeat=5))
        emit(
            f"| library page, {count} careers (median of 5) | {library * 1000:.0f} ms | ≤ 300 ms |"
        )
        typed = [
            statistics.median(seconds(client, f"{base}/?q={word}", repeat=3))
            for word in ("n", "nu", "nur", "nurse", "nurse pat")
        ]
        emit(
            f"| search as you type, 5 keystrokes (median of each, worst shown) | "
            f"{max(typed) * 1000:.0f} ms | ≤ 100 ms |"
        )
        changes = ["lang=es", "grayscale=1", "layout=flyer", "paper=a4", "layout=trifold"]
        fresh = [preview(client, base, slugs[1 + i], q) for i, q in enumerate(changes)]
        emit(
            f"| a control changed → new preview (page + image), warm, 5 changes: median "
            f"(worst) | {statistics.median(fresh):.2f} s ({max(fresh):.2f} s) | ≤ 1.5 s |"
        )
        again = [preview(client, base, slugs[1 + i], q) for i, q in enumerate(changes)]
        emit(
            f"| the same preview again, from the cache: median (worst) | "
            f"{statistics.median(again) * 1000:.0f} ms ({max(again) * 1000:.0f} ms) | ≤ 50 ms |"
        )
        took, ok = asyncio.run(concurrent(base, slugs[10:30]))
        emit(
            f"| 20 concurrent previews of different careers | {ok}/20 ok in {took:.1f} s, "
            f"{20 / took:.1f} previews/s | all ok, within the caps |"
        )


if __name__ == "__main__":
    main()
