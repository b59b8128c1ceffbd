"""Booklet designs measured on N careers: one WeasyPrint pass versus separate renders.

    .venv/bin/python bench/booklet.py            # 100 careers, prints a Markdown table

Each candidate runs in its own process so that peak memory (ru_maxrss) is its own.
Candidates:
  one-pass   brochure's design: every career in one document, one layout pass.
  merge      each career rendered separately on 2 worker processes, joined with
             pypdf's append (what most tools do): parallel and cacheable, but the
             structure tree is dropped and fonts are embedded once per career.
  copy       each career laid out separately in one process, pages joined with
             WeasyPrint's Document.copy: one PDF, but page counters restart.
  combine    each career rendered separately on 2 worker processes, joined by
             brochure.combine: one structure tree, one font per face (the parts are
             plain handouts: no booklet numbering, front matter or blanks).
  joined     the booklet command's path (brochure.build_booklet): careers laid out
             apart on 2 workers and joined; measured by --rows below.

    .venv/bin/python bench/booklet.py --rows     # the booklet targets, one run

`--rows` measures what `brochure booklet` promises, each against the one pass in the same
run: a 100-career booklet from nothing with -j 2 (time, peak memory of the parent and its
workers together, size); the same booklet after one career's duty is reworded, as the
command and with warm workers (a watcher or the web page); and a 12-career booklet with
every career laid out already, as the command and in a warm process.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import emit, make_careers


def _render_one(path: str) -> bytes:
    import brochure

    return brochure.render_pdf(path)


def one_pass(paths: list[Path]) -> dict[str, object]:
    from pypdf import PdfReader

    from brochure.booklet import build_booklet_one_pass

    report = build_booklet_one_pass(paths, None)
    reader = PdfReader(io.BytesIO(report.data))
    return {
        "bytes": len(report.data),
        "pages": report.pages,
        "tagged": "/StructTreeRoot" in reader.trailer["/Root"],
    }


def merge(paths: list[Path], workers: int = 2) -> dict[str, object]:
    from pypdf import PdfReader, PdfWriter

    with ProcessPoolExecutor(workers) as pool:
        pdfs = list(pool.map(_render_one, [str(p) for p in paths]))
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    out = io.BytesIO()
    writer.write(out)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    return {
        "bytes": len(out.getvalue()),
        "pages": len(reader.pages),
        "tagged": "/StructTreeRoot" in reader.trailer["/Root"],
    }


def combined(paths: list[Path], workers: int = 2) -> dict[str, object]:
    import pikepdf

    from brochure.combine import combine

    with ProcessPoolExecutor(workers) as pool:
        pdfs = list(pool.map(_render_one, [str(p) for p in paths]))
    start = time.perf_counter()
    pdf = combine(pdfs)
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    return {
        "bytes": len(out.getvalue()),
        "pages": len(pdf.pages),
        "tagged": "/StructTreeRoot" in pdf.Root,
        "join_seconds": time.perf_counter() - start,
    }


def merge_rebuild(paths: list[Path]) -> dict[str, object]:
    """One career changed: render it alone, re-join with the 99 cached PDFs."""
    from pypdf import PdfReader, PdfWriter

    cached = [_render_one(str(p)) for p in paths[:-1]]
    start = time.perf_counter()
    pdfs = [*cached, _render_one(str(paths[-1]))]
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    writer.write(io.BytesIO())
    return {"rebuild_seconds": time.perf_counter() - start}


def copy(paths: list[Path]) -> dict[str, object]:
    import brochure
    from brochure.layout import find_layout
    from brochure.pdf import weasy
    from brochure.render import render_html

    layout = find_layout("handout")
    weasyprint = weasy.load_weasyprint()
    documents = []
    for path in paths:
        html = render_html(brochure.load_profile(path), layout, "letter")
        documents.append(
            weasyprint.HTML(string=html, base_url=layout.folder.as_uri() + "/").render(
                font_config=weasy.shared_fonts()
            )
        )
    pages = [page for document in documents for page in document.pages]
    data = documents[0].copy(pages).write_pdf(pdf_tags=True)
    return {"bytes": len(data), "pages": len(pages), "tagged": True}


def _tree_rss() -> int:
    """Resident KiB of this process and its children (the workers), read from /proc."""
    pids = [os.getpid()]
    with contextlib.suppress(OSError):
        pids += [
            int(p)
            for p in Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()
        ]
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            status = Path(f"/proc/{pid}/status").read_text()
            total += int(status.split("VmRSS:")[1].split()[0])
    return total


def joined(paths: list[Path], workers: int = 2) -> dict[str, object]:
    """The booklet command's path from nothing (an empty parts folder), in this process
    and `workers` workers. Memory: the most this process and its workers held at once
    (sampled every 20 ms), and the sum of each one's own peak, an upper bound."""
    import threading

    from brochure import build_booklet
    from brochure.batch import Caps

    most, done = [0], threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            most[0] = max(most[0], _tree_rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with tempfile.TemporaryDirectory() as tmp:
        report = build_booklet(paths, Path(tmp) / "booklet.pdf", jobs=workers, caps=Caps())
    done.set()
    sampler.join()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "bytes": len(report.data),
        "pages": report.pages,
        "tagged": True,
        "memory_mib": most[0] / 1024,
        "bound_mib": (own + workers * kids) / 1024,
        "own_mib": own / 1024,
        "worker_mib": kids / 1024,
        "laid_out": report.count("rendered"),
    }


def _reword(path: Path) -> None:
    """One duty of a career made a little longer: the edit the rows measure."""
    text = path.read_text()
    marker = "duties:\n- "
    assert marker in text, path
    path.write_text(text.replace(marker, marker + "Carefully, ", 1))


def _command(paths: list[Path], out: Path, *extra: str) -> tuple[float, str]:
    brochure = str(Path(sys.executable).with_name("brochure"))
    start = time.perf_counter()
    done = subprocess.run(
        [brochure, "booklet", *map(str, paths), "-o", str(out), "-j", "2", "-q", *extra],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start, done.stderr


def edited(paths: list[Path]) -> dict[str, object]:
    """Built once by the command, then one career reworded and built again by it."""
    import json as json_

    with tempfile.TemporaryDirectory() as tmp:
        copies = _copies(paths, Path(tmp) / "careers")
        out = Path(tmp) / "out" / "booklet.pdf"
        first, _ = _command(copies, out)
        _reword(copies[len(copies) // 2])
        again, _ = _command(copies, out)
        manifest = json_.loads(out.with_name("booklet.manifest.json").read_text())
    return {"first_seconds": first, "edit_seconds": again, "laid_out": manifest["summary"]}


def edited_warm(paths: list[Path], workers: int = 2) -> dict[str, object]:
    """The same edit with the workers already running, as in a watcher or the web page."""
    from brochure import build_booklet
    from brochure.batch import Caps
    from brochure.batch.job import load_renderer
    from brochure.batch.workers import Workers

    with tempfile.TemporaryDirectory() as tmp, Workers(workers, load_renderer, Caps()) as pool:
        copies = _copies(paths, Path(tmp) / "careers")
        out = Path(tmp) / "booklet.pdf"
        build_booklet(copies, out, pool=pool, jobs=workers)
        _reword(copies[len(copies) // 2])
        start = time.perf_counter()
        report = build_booklet(copies, out, pool=pool, jobs=workers)
        seconds = time.perf_counter() - start
    return {"edit_seconds": seconds, "laid_out": report.count("rendered")}


def cached_twelve(paths: list[Path]) -> dict[str, object]:
    """Twelve careers every one laid out already: the command, and a warm process."""
    from brochure import build_booklet

    with tempfile.TemporaryDirectory() as tmp:
        twelve = paths[:12]
        out = Path(tmp) / "booklet.pdf"
        _command(twelve, out)
        command, _ = _command(twelve, out)
        build_booklet(twelve, out)  # this process warm: imports and first read done
        start = time.perf_counter()
        report = build_booklet(twelve, out)
        warm = time.perf_counter() - start
    return {"command_seconds": command, "warm_seconds": warm, "laid_out": report.count("rendered")}


def _copies(paths: list[Path], folder: Path) -> list[Path]:
    folder.mkdir(parents=True)
    copies = []
    for path in paths:
        copy = folder / path.name
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    return copies


def rows(folder: Path, count: int) -> None:
    """The booklet targets, each a ratio against the one pass measured in this run."""
    one = run_child("one-pass", folder, count)
    new = run_child("joined", folder, count)
    edit = run_child("edited", folder, count)
    warm = run_child("edited-warm", folder, count)
    twelve = run_child("cached-twelve", folder, count)

    def number(result: dict[str, object], key: str) -> float:
        return float(str(result[key]))

    base, memory = number(one, "seconds"), number(new, "memory_mib")
    size, seconds = number(new, "bytes"), number(new, "seconds")
    edit_s, warm_s = number(edit, "edit_seconds"), number(warm, "edit_seconds")
    emit(
        f"One pass, {count} careers: {base:.1f} s, {number(one, 'peak_mib'):.0f} MiB, "
        f"{number(one, 'bytes') / 1e6:.2f} MB, {one['pages']} pages."
    )
    emit("")
    emit("| row | measured | against the one pass | target |")
    emit("| --- | --- | --- | --- |")
    emit(
        f"| {count} careers from nothing, -j 2 | {seconds:.1f} s, {new['pages']} pages "
        f"| {seconds / base:.2f}x | <= 0.6x |"
    )
    emit(
        f"| after one career's duty is reworded, the command | {edit_s:.2f} s "
        f"(parts: {edit['laid_out']}) | {edit_s / base:.1%} | <= 5% |"
    )
    emit(
        f"| the same, warm workers | {warm_s:.2f} s ({warm['laid_out']} part laid out) "
        f"| {warm_s / base:.1%} | <= 2 s |"
    )
    emit(
        f"| 12 careers, every one laid out already: the command "
        f"| {number(twelve, 'command_seconds'):.2f} s | | <= 1 s |"
    )
    emit(
        f"| the same, in a warm process | {number(twelve, 'warm_seconds'):.2f} s "
        f"({twelve['laid_out']} laid out) | | <= 1 s |"
    )
    emit(f"| size | {size / 1e6:.2f} MB | {size / number(one, 'bytes'):.2f}x | <= 1.2x |")
    emit(
        f"| peak memory, the parent and both workers at once (sampled) | {memory:.0f} MiB "
        f"| {memory / number(one, 'peak_mib'):.2f}x | <= 0.5x |"
    )
    bound = number(new, "bound_mib")
    emit(
        f"| the same, each process's own peak added up (parent {number(new, 'own_mib'):.0f}, "
        f"a worker {number(new, 'worker_mib'):.0f}) | {bound:.0f} MiB "
        f"| {bound / number(one, 'peak_mib'):.2f}x | |"
    )


CANDIDATES = {
    "one-pass": one_pass,
    "merge": merge,
    "copy": copy,
    "merge-rebuild": merge_rebuild,
    "combine": combined,
    "joined": joined,
    "edited": edited,
    "edited-warm": edited_warm,
    "cached-twelve": cached_twelve,
}


def run_child(name: str, folder: Path, count: int) -> dict[str, object]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", name, "--folder", str(folder), "--count", str(count)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    result["seconds"] = time.perf_counter() - start
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--child")
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--only", nargs="*", default=["one-pass", "merge", "copy", "combine"])
    parser.add_argument("--rows", action="store_true", help="The booklet targets, one run.")
    args = parser.parse_args()
    if args.child:
        paths = sorted(args.folder.glob("*.yaml"))[: args.count]
        result = CANDIDATES[args.child](paths)
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        result["peak_mib"] = max(own, kids) / 1024
        emit(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_careers(folder, args.count)
        if args.rows:
            rows(folder, args.count)
            return
        emit("| candidate | careers | seconds | peak MiB | pages | MB | tagged |")
        emit("| --- | --- | --- | --- | --- | --- | --- |")
        for name in args.only:
            r = run_child(name, folder, args.count)
            head = f"| {name} | {args.count} |"
            if name == "merge-rebuild":
                seconds = f"{r['rebuild_seconds']:.1f} (of {r['seconds']:.0f})"
                emit(f"{head} {seconds} | {r['peak_mib']:.0f} | | | |")
                continue
            size = int(str(r["bytes"])) / 1e6
            seconds = f"{r['seconds']:.1f}"
            if "join_seconds" in r:
                seconds += f" (join {r['join_seconds']:.1f})"
            if "phases" in r:
                seconds += f" ({r['phases']})"
            emit(
                f"{head} {seconds} | {r['peak_mib']:.0f} | {r['pages']} "
                f"| {size:.2f} | {r['tagged']} |"
            )


if __name__ == "__main__":
    main()
