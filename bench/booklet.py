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
  apart      the booklet itself joined from parts (brochure.booklet_apart): careers
             laid out on 2 workers as booklet pages, front and back matter and folios
             once their page counts are known.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

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


def apart(paths: list[Path], workers: int = 2) -> dict[str, object]:
    from pypdf import PdfReader

    from brochure import booklet_apart

    # Where the time goes: the joining steps timed as they run; the rest is laying out
    # the parts (careers, then cover and contents, back cover and folios).
    spent: dict[str, float] = {}

    def timing(name: str, step: Any) -> Any:
        def timed_step(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return step(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

        return timed_step

    for name in ("combine", "lay_over", "share_fonts"):
        setattr(booklet_apart, name, timing(name, getattr(booklet_apart, name)))
    start = time.perf_counter()
    report = booklet_apart.build_booklet(paths, None, jobs=workers)
    total = time.perf_counter() - start
    reader = PdfReader(io.BytesIO(report.data))
    joined = sum(spent.values())
    return {
        "bytes": len(report.data),
        "pages": report.pages,
        "tagged": "/StructTreeRoot" in reader.trailer["/Root"],
        "phases": f"join {spent['combine']:.1f} s, folios over and fonts "
        f"{spent['lay_over'] + spent['share_fonts']:.1f} s, the rest {total - joined:.1f} s",
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


CANDIDATES = {
    "one-pass": one_pass,
    "merge": merge,
    "copy": copy,
    "merge-rebuild": merge_rebuild,
    "combine": combined,
    "apart": apart,
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
    parser.add_argument("--only", nargs="*", default=list(CANDIDATES))
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
