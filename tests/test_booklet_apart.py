"""A booklet joined from careers laid out apart is the one-pass booklet: the same pages,
numbers, labels, contents, outline, links and tags."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any, cast
from unittest import mock

import pikepdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import ImageChops
from pypdf import PdfReader

from brochure import batch, booklet_apart, cli, combine
from brochure.booklet import BookletReport, build_booklet_one_pass
from brochure.booklet_apart import build_booklet, parts_folder
from brochure.combine import Joiner
from brochure.errors import ProfileError
from brochure.layout import scaffold_layout
from brochure.options import RenderOptions

from .conftest import BUILTIN_PROFILES, stopped_watcher, waited

SIX = [p for p in BUILTIN_PROFILES][:6]
CASES = [("letter", None), ("letter", "cluster"), ("half-letter", None), ("a4", None)]


@pytest.fixture(scope="module")
def booklets() -> dict[tuple[str, str | None], tuple[bytes, bytes]]:
    return {}


def both(
    cache: dict[tuple[str, str | None], tuple[bytes, bytes]], paper: str, group_by: str | None
) -> tuple[bytes, bytes]:
    if (paper, group_by) not in cache:
        # Letter with six careers; the other papers (their own page arithmetic and, for
        # half-letter, the compact variant) with three, which still need blank pages.
        careers = SIX if paper == "letter" else SIX[:3]
        one = build_booklet_one_pass(careers, None, paper=paper, group_by=group_by, title="Careers")
        apart = build_booklet(careers, None, paper=paper, group_by=group_by, title="Careers")
        cache[paper, group_by] = (one.data, apart.data)
    return cache[paper, group_by]


def outline(pdf: pikepdf.Pdf) -> list[tuple[str, int, list[str]]]:
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}

    def where(item: pikepdf.OutlineItem) -> int:
        destination = item.destination
        if isinstance(destination, pikepdf.Array):
            return pages[destination[0].objgen]
        return -1

    with pdf.open_outline() as tree:
        return [
            (item.title, where(item), [child.title for child in item.children])
            for item in tree.root
        ]


def destinations(pdf: pikepdf.Pdf) -> dict[str, int]:
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    pairs = pdf.Root.Names.Dests.Names
    return {str(pairs[i]): pages[pairs[i + 1][0].objgen] for i in range(0, len(pairs), 2)}


def links(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    return [
        (index, str(annotation.Dest))
        for index, page in enumerate(pdf.pages)
        for annotation in page.obj.get("/Annots", [])
        if "/Dest" in annotation
    ]


def headings(pdf: pikepdf.Pdf) -> list[int]:
    """The page of every H1, in the structure tree's order."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    found: list[int] = []

    def walk(node: pikepdf.Object) -> None:
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                if str(kid.S) == "/H1":
                    found.append(pages[kid.Pg.objgen] if "/Pg" in kid else -1)
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


@pytest.mark.slow  # the fast tier's booklet is the rebuild below
@pytest.mark.parametrize(("paper", "group_by"), CASES)
def test_a_joined_booklet_is_the_one_pass_booklet(
    booklets: dict[tuple[str, str | None], tuple[bytes, bytes]], paper: str, group_by: str | None
) -> None:
    one_data, apart_data = both(booklets, paper, group_by)
    one, apart = pikepdf.open(io.BytesIO(one_data)), pikepdf.open(io.BytesIO(apart_data))
    assert len(apart.pages) == len(one.pages)
    assert (
        PdfReader(io.BytesIO(apart_data)).page_labels == PdfReader(io.BytesIO(one_data)).page_labels
    )
    assert outline(apart) == outline(one)
    assert links(apart) == links(one)
    found = destinations(apart)
    assert all(found[name] == destinations(one)[name] for _, name in links(apart))
    assert headings(apart) == headings(one)
    assert str(apart.Root.Lang) == str(one.Root.Lang)

    # Word for word, page by page (a banner's count differs by a few pixels only).
    def words(data: bytes) -> list[str]:
        return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]

    assert words(apart_data) == words(one_data)
    assert apart.docinfo.Title == one.docinfo.Title
    # Every page looks as the one-pass page does (anti-aliasing aside).
    mine, theirs = pdfium.PdfDocument(apart_data), pdfium.PdfDocument(one_data)
    for index in range(len(mine)):
        a = mine[index].render(scale=40 / 72).to_pil().convert("L")
        b = theirs[index].render(scale=40 / 72).to_pil().convert("L")
        changed = ImageChops.difference(a, b).point(lambda v: 255 if v > 64 else 0)
        assert changed.histogram()[255] < 0.002 * a.size[0] * a.size[1], f"page {index + 1}"


@pytest.mark.slow
def test_printed_numbers_match_the_labels_and_the_contents(
    booklets: dict[tuple[str, str | None], tuple[bytes, bytes]],
) -> None:
    _, data = both(booklets, "letter", None)
    reader = PdfReader(io.BytesIO(data))
    labels = reader.page_labels
    for index, page in enumerate(reader.pages[:-1]):  # the back cover has no number
        text = " ".join(page.extract_text().split())
        if labels[index].isdigit() and text:
            assert f"Page {labels[index]}" in text, index
    contents = " ".join(reader.pages[1].extract_text().split())
    report = build_booklet(SIX, None, title="Careers")
    for career in report.careers:
        assert f"{career.title} " in contents
        first = labels.index(str(career.first_page))
        assert career.title in reader.pages[first].extract_text()


def test_the_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    first = build_booklet(SIX[:2], tmp_path / "a.pdf", title="Careers")
    again = build_booklet(SIX[:2], tmp_path / "b.pdf", title="Careers")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert first.data == again.data


def _library(folder: Path, count: int = 4) -> list[Path]:
    """Copies of the first built-in careers, to edit."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for source in SIX[:count]:
        copy = folder / source.name
        copy.write_text(source.read_text())
        copies.append(copy)
    return copies


def _statuses(report: BookletReport) -> dict[str, str]:
    return {part.slug or part.kind: part.status for part in report.parts}


def test_a_rebuild_lays_out_only_the_career_that_changed(tmp_path: Path) -> None:
    careers = _library(tmp_path / "careers")
    target = tmp_path / "out" / "booklet.pdf"
    first = build_booklet(careers, target, title="Careers")
    assert set(_statuses(first).values()) == {"rendered"}
    assert len(first.parts) == len(careers) + 3  # front, careers, back, folios
    again = build_booklet(careers, target, title="Careers")
    assert set(_statuses(again).values()) == {"reused"}
    assert again.data == first.data

    # A duty reworded: that career alone is laid out again; its length is the same.
    text = careers[2].read_text()
    duty = next(line for line in text.splitlines() if line.startswith("  - "))
    careers[2].write_text(text.replace(duty, duty + " with care", 1))
    edited = build_booklet(careers, target, title="Careers")
    laid = [name for name, status in _statuses(edited).items() if status == "rendered"]
    assert laid == [edited.careers[2].slug]
    fresh = build_booklet(careers, None, title="Careers", cache=False)
    assert edited.data == fresh.data
    assert target.read_bytes() == fresh.data
    # The folder holds this build's parts, no more: the edited career's old part is gone.
    folder = parts_folder(target)
    assert {p.stem for p in folder.glob("*.pdf")} == {part.key for part in edited.parts}


@pytest.mark.slow
def test_a_career_that_grows_moves_the_numbers_not_the_others(tmp_path: Path) -> None:
    careers = _library(tmp_path / "careers")
    target = tmp_path / "booklet.pdf"
    first = build_booklet(careers, target, title="Careers")
    text = careers[0].read_text()
    extra = "".join(
        f"  - Another duty, number {n}, long enough to need its own line\n" for n in range(25)
    )
    careers[0].write_text(text.replace("duties:\n", "duties:\n" + extra, 1))
    grown = build_booklet(careers, target, title="Careers")
    statuses = _statuses(grown)
    assert statuses.pop(grown.careers[0].slug) == "rendered"
    assert statuses.pop("front") == statuses.pop("folios") == "rendered"  # numbers moved
    assert set(statuses.values()) == {"reused"}  # the other careers and the back cover
    assert [c.first_page for c in grown.careers][1:] != [c.first_page for c in first.careers][1:]
    assert grown.data == build_booklet(careers, None, title="Careers", cache=False).data


def test_a_damaged_part_is_laid_out_again_and_force_lays_out_all(tmp_path: Path) -> None:
    careers = _library(tmp_path / "careers", 2)
    target = tmp_path / "booklet.pdf"
    first = build_booklet(careers, target, title="Careers")
    career = next(part for part in first.parts if part.kind == "career")
    part = parts_folder(target) / f"{career.key}.pdf"
    part.write_bytes(part.read_bytes()[:-100])  # cut short, as by a full disk
    again = build_booklet(careers, target, title="Careers")
    assert _statuses(again)[career.slug or ""] == "rendered"
    assert again.data == first.data
    forced = build_booklet(careers, target, title="Careers", force=True)
    assert set(_statuses(forced).values()) == {"rendered"}
    assert forced.data == first.data


class _Inline:
    """Workers that lay each part out here, noting what they were handed."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.handed: list[str] = []

    def submit(self, work: Any, item: Any, seconds: float | None = None) -> Future[Any]:
        self.handed.append(type(item).__name__)
        done: Future[Any] = Future()
        done.set_result(work(item))
        return done


def test_with_few_parts_a_built_in_layout_s_html_is_made_before_the_workers(
    tmp_path: Path,
) -> None:
    """No more parts to lay out than workers (a build after an edit): a built-in
    layout's templates are filled here and the worker is handed the HTML, so it need
    not import Jinja first; the bytes are the same. With more parts, or a layout from
    elsewhere (whose templates are filled in a worker, under its caps), the worker is
    handed the whole part."""
    careers = _library(tmp_path / "careers", 2)
    made_here = _Inline(count=5)
    here = build_booklet(careers, None, title="Careers", cache=False, pool=cast(Any, made_here))
    assert made_here.handed == ["Laying"] * 5  # two careers, front, back, folios
    made_there = _Inline(count=2)
    there = build_booklet(careers, None, title="Careers", cache=False, pool=cast(Any, made_there))
    assert made_there.handed == ["_Part"] * 3 + ["Laying"] * 2  # then front and folios
    assert here.data == there.data
    ours = scaffold_layout("ours", tmp_path / "layouts")
    elsewhere = _Inline(count=5)
    build_booklet(careers[:1], None, layout=ours, cache=False, pool=cast(Any, elsewhere))
    assert elsewhere.handed == ["_Part"] * 4


def test_a_template_error_made_before_the_workers_names_the_career(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    careers = _library(tmp_path / "careers", 2)

    def broken(self: Any) -> Any:
        if self.source is None:
            return original(self)
        raise ProfileError("the template could not use this career")

    original = booklet_apart._Part.laying
    monkeypatch.setattr(booklet_apart._Part, "laying", broken)
    with pytest.raises(ProfileError) as raised:
        build_booklet(careers, None, cache=False, pool=cast(Any, _Inline(count=5)))
    assert raised.value.problems[0].path == careers[0]
    assert {p.path for p in raised.value.problems} == set(careers)


def test_the_command_reports_reused_parts_in_its_manifest(tmp_path: Path) -> None:
    careers = _library(tmp_path / "careers", 2)
    target = tmp_path / "out" / "booklet.pdf"
    runner = CliRunner()
    args = ["booklet", *map(str, careers), "-o", str(target), "-j", "2"]
    made = runner.invoke(cli.cli, [*args, "-v"])
    assert made.exit_code == 0, made.output
    assert made.stderr.count("rendered ") == 5
    again = runner.invoke(cli.cli, [*args, "--json"])
    assert again.exit_code == 0, again.output
    manifest = json.loads(again.stdout)
    assert manifest == json.loads((target.parent / "booklet.manifest.json").read_text())
    assert manifest["summary"] == {"rendered": 0, "reused": 5, "total": 5}
    assert [c["first_page"] for c in manifest["careers"]] == [1, 3]
    assert manifest["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert {p["part"] for p in manifest["parts"]} == {"front", "career", "back", "folios"}
    assert "0 parts laid out, 5 reused" in again.stderr
    # Called in a process that goes on (this one), the command frees what it joined;
    # only the program, which ends right after, keeps it (combine.keep_until_exit).
    assert combine._KEPT is None


def test_a_part_s_own_last_page_is_not_a_warning() -> None:
    """The contents of a one-career booklet end high on their page, as the folios do:
    only a career's ending is judged, and named (as the one pass does)."""
    options = RenderOptions(stale_after=0)
    report = build_booklet(SIX[:1], None, options=options)
    assert report.warnings == build_booklet_one_pass(SIX[:1], None, options=options).warnings
    assert not [w for w in report.warnings if "last page is only" in w]


@pytest.mark.slow
def test_a_watched_booklet_lays_out_only_the_edited_career(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`watch_booklet` keeps its workers and the parts: an edit lays out one career, and
    the booklet, its manifest and its parts, written inside the watched folder, are not
    taken for edits (or it would build forever), though the folder is named relatively
    and the booklet absolutely."""
    careers = _library(tmp_path / "careers", 2)
    monkeypatch.chdir(tmp_path)
    target = careers[0].parent / "booklet.pdf"
    manifest = careers[0].parent / "booklet.manifest.json"
    reports: list[BookletReport] = []
    done = threading.Event()

    def told(report: BookletReport) -> None:
        manifest.write_text(json.dumps(report.to_json()))
        reports.append(report)

    def wait_for(count: int) -> BookletReport:
        return waited(reports, count, 120)

    watcher = threading.Thread(
        target=batch.watch_booklet,
        args=([Path("careers")], target),
        kwargs={
            "title": "Careers",
            "jobs": 1,
            "interval": 0.05,
            "on_report": told,
            "stop": done.is_set,
        },
    )
    watcher.start()
    try:
        assert set(_statuses(wait_for(1)).values()) == {"rendered"}
        text = careers[1].read_text()
        duty = next(line for line in text.splitlines() if line.startswith("  - "))
        careers[1].write_text(text.replace(duty, duty + " with care", 1))
        second = wait_for(2)
        time.sleep(1)  # twenty polls: what the watcher wrote must not start a round
        assert len(reports) == 2
    finally:
        done.set()
        watcher.join(timeout=60)
    assert not watcher.is_alive()
    laid = [name for name, status in _statuses(second).items() if status == "rendered"]
    assert laid == [second.careers[1].slug]
    fresh = build_booklet(careers, None, title="Careers", cache=False)
    assert target.read_bytes() == second.data == fresh.data


def test_watch_refuses_json() -> None:
    result = CliRunner().invoke(cli.cli, ["booklet", str(SIX[0]), "--watch", "--json"])
    assert result.exit_code == 2
    assert "--watch" in result.output


@pytest.mark.slow
@pytest.mark.real_workers
def test_term_stops_a_watched_booklet_quietly(tmp_path: Path) -> None:
    careers = _library(tmp_path / "careers", 1)
    out = tmp_path / "out" / "booklet.pdf"
    command = [sys.executable, "-m", "brochure", "booklet", str(careers[0]), "-o", str(out)]
    lines, rest, status = stopped_watcher([*command, "-j", "1", "-w"], signal.SIGTERM)
    assert status == 0
    assert any(line.startswith("4 parts laid out, 0 reused") for line in lines), lines
    assert "stopped watching" in rest
    assert "Traceback" not in rest
    assert sorted(p.name for p in out.parent.iterdir()) == [
        ".booklet.pdf.parts",
        "booklet.manifest.json",
        "booklet.pdf",
    ]


def test_the_commands_leave_no_temporary_files(tmp_path: Path) -> None:
    """The command leaves with os._exit and kills its idle workers, so neither frees
    WeasyPrint's font folder the usual way; each worker's temporary files go in a
    folder of its own that the command removes, and its own in an exit handler."""
    careers = _library(tmp_path / "careers", 2)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    out = tmp_path / "out"
    brochure = [sys.executable, "-m", "brochure"]
    for command in (
        ["booklet", *map(str, careers), "-o", str(out / "booklet.pdf"), "-j", "2", "-q"],
        ["render", str(careers[0]), "-o", str(out / "one.pdf"), "-q"],
    ):
        done = subprocess.run([*brochure, *command], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert list(scratch.iterdir()) == [], command


def test_a_watch_whose_first_round_fails_says_it_goes_on_watching(tmp_path: Path) -> None:
    """A broken profile at the start: its one-line error, then how to stop, as after a
    round that worked (the watcher goes on, waiting for the fix)."""
    careers = _library(tmp_path / "careers", 1)
    careers[0].write_text(careers[0].read_text().replace("title:", "title: [", 1))
    out = tmp_path / "out" / "booklet.pdf"
    command = [sys.executable, "-m", "brochure", "booklet", str(careers[0]), "-o", str(out)]
    lines, rest, status = stopped_watcher([*command, "-j", "1", "-w"], signal.SIGTERM)
    assert status == 0
    assert lines[0].startswith(f"error: {careers[0]}:"), lines
    assert lines[-1].startswith("watching for changes")
    assert "stopped watching" in rest
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.real_workers
def test_a_rebuild_in_real_workers_opens_the_rest_while_it_waits(tmp_path: Path) -> None:
    """While a worker lays out the edited career, the careers after it are opened ahead:
    the booklet is still, byte for byte, the one a build from nothing makes."""
    careers = _library(tmp_path / "careers", 3)
    target = tmp_path / "booklet.pdf"
    build_booklet(careers, target, title="Careers", jobs=2)
    text = careers[0].read_text()
    duty = next(line for line in text.splitlines() if line.startswith("  - "))
    careers[0].write_text(text.replace(duty, duty + " with care", 1))
    prepared: list[int] = []
    original = Joiner.prepare

    def counted(self: Joiner, data: bytes) -> None:
        prepared.append(len(data))
        original(self, data)

    with mock.patch.object(Joiner, "prepare", counted):
        edited = build_booklet(careers, target, title="Careers", jobs=2)
    assert [p.slug for p in edited.parts if p.status == "rendered"] == [edited.careers[0].slug]
    assert prepared, "nothing was opened while the worker worked"
    assert edited.data == build_booklet(careers, None, title="Careers", cache=False).data
