"""Hostile and broken inputs (tests/hostile/cases.yaml) through the real command line.

Every case must end as its entry says, with one clear line and never a traceback, and
a secret planted beside the corpus must never reach a PDF, a message or the network.
The runs go through `tracer.run_traced`, which records what every process (workers
included) opens, writes and connects to: nothing outside the input and output folders
may be read or written, the secret is never even opened, and nothing connects.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pikepdf
import pytest
import yaml

from .test_pdf import norm
from .tracer import Trace, describe, run_traced

# Every run goes through the real command line and its real, capped worker processes.
pytestmark = pytest.mark.real_workers

CORPUS = Path(__file__).parent / "hostile"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
SECRET = "SECRET-4c1f9e-never-print-this"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
CAPS = ["--timeout", "20", "--max-memory", "768"]


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def brochure(*args: str | Path, cwd: Path | None = None) -> Run:
    done = subprocess.run(
        [sys.executable, "-m", "brochure", *map(str, args)],
        capture_output=True,
        text=True,
        errors="backslashreplace",
        cwd=cwd,
        timeout=300,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def pdf_text(path: Path) -> str:
    """The PDF's text as PDFium reads it (pypdf garbles some CJK fallback fonts)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        return norm(" ".join(page.get_textpage().get_text_range() for page in document))
    finally:
        document.close()


def squeezed(text: str) -> str:
    """Lower case without whitespace: line wraps and letter-spaced headings compare equal."""
    return "".join(norm(text).lower().split())


def assert_clean_pdf(path: Path) -> None:
    """No secret in any stream or string of the PDF, and nothing attached to it."""
    assert SECRET not in path.read_bytes().decode("latin-1")
    with pikepdf.open(path) as pdf:
        assert len(pdf.attachments) == 0, f"{path} carries attachments"
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    data = obj.read_bytes()
                except pikepdf.PdfError:
                    continue
                assert SECRET.encode() not in data, f"{path}: secret in a stream"
    assert SECRET not in pdf_text(path)


def assert_clean_messages(run: Run) -> None:
    assert "Traceback" not in run.stderr
    assert SECRET not in run.stderr + run.stdout
    assert "root:x:0:0" not in run.stderr + run.stdout  # /etc/passwd is never echoed
    for line in run.stderr.splitlines():
        assert not CONTROL.search(line), f"unescaped control character in {line!r}"
        assert line.startswith(("error: ", "warning: ")) or " rendered" in line, line


def plant_secret(root: Path) -> Path:
    secret = root / "secret"
    secret.mkdir()
    (secret / "secret.txt").write_text(SECRET + "\n")
    (secret / "secret.css").write_text(f'body::before {{ content: "{SECRET}"; }}\n')
    # A PNG whose text chunk carries the secret: it must not be embedded anywhere.
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET)
    Image.new("RGB", (8, 8), "red").save(secret / "secret.png", pnginfo=info)
    return secret


def make_profiles(folder: Path, secret: Path) -> None:
    """The cases listed under `made`: links, a FIFO, odd names and big files."""
    (folder / "symlink-to-secret.yaml").symlink_to(secret / "secret.txt")
    (folder / "symlink-to-passwd.yaml").symlink_to("/etc/passwd")
    (folder / "symlink-to-dev-zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(folder / "fifo.yaml")
    (folder / "huge.yaml").write_text("title: Huge\nnotes:\n" + "  - x\n" * 1_200_000)
    (folder / "huge-string.yaml").write_text("title: Huge String\nsummary: " + "a" * 100_000)
    (folder / "escape\x1b[2J\x1b[31m-name.yaml").write_text("title: [not text]\n")
    (folder / "new\nline.yaml").write_text("title: [not text]\n")


@dataclass
class ProfileRun:
    run: Run
    manifest: dict[str, Any]
    out: Path
    trace: Trace
    folder: Path
    secret: Path


@pytest.fixture(scope="module")
def profile_run(tmp_path_factory: pytest.TempPathFactory) -> ProfileRun:
    """Every profile case in one traced `brochure render` of the folder, as a script would."""
    root = tmp_path_factory.mktemp("hostile-profiles")
    secret = plant_secret(root)
    folder = root / "profiles"
    shutil.copytree(CORPUS / "profiles", folder)
    make_profiles(folder, secret)
    out = root / "out"
    run, trace = run_traced("render", folder, "-o", out, "--json", "-j", "2", *CAPS)
    return ProfileRun(run, json.loads(run.stdout), out, trace, folder, secret)


def assert_confined(trace: Trace, secret: Path, reads: tuple[Path, ...], out: Path) -> None:
    """What the tracer saw: reads only in `reads` (and the interpreter's own files),
    writes only in `out`, no connection, and not one event on the secret or on the
    system files the corpus links to."""
    assert trace.workers(), "the tracer saw no worker process"
    assert not trace.reads_outside(*reads, out), describe(trace.reads_outside(*reads, out))
    assert not trace.writes_outside(out), describe(trace.writes_outside(out))
    assert not trace.connects(), describe(trace.connects())
    assert not trace.spawned(), describe(trace.spawned())
    for target in (secret, Path("/etc/passwd"), Path("/etc/hostname"), Path("/dev/zero")):
        assert not trace.touching(target), describe(trace.touching(target))


def _entry(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    found = [e for e in manifest["outputs"] if Path(e["source"]).name == name]
    assert len(found) == 1, f"{name!r} is not in the manifest exactly once"
    return found[0]


def test_the_corpus_is_large_and_every_file_has_a_case() -> None:
    listed = set(CASES["profiles"]) | set(CASES["layouts"])
    on_disk = {p.name for p in (CORPUS / "profiles").iterdir()}
    on_disk |= {p.name for p in (CORPUS / "layouts").iterdir()}
    assert listed == on_disk
    assert len(listed) + len(CASES["made"]) >= 30


@pytest.mark.slow
@pytest.mark.parametrize("name", [*CASES["profiles"], *CASES["made"]])
def test_profile_case(profile_run: ProfileRun, name: str) -> None:
    run, manifest = profile_run.run, profile_run.manifest
    case = CASES["profiles"].get(name) or CASES["made"][name]
    entry = _entry(manifest, name)
    assert entry["status"] == case["expect"], entry
    if case["expect"] == "failed":
        error = entry["error"]
        assert case["error"] in error, error
        assert "\n" not in error
        # The error as printed: one line, the file named, nothing echoed from it.
        printed = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
        assert any(case["error"] in line for line in printed), printed
    else:
        text = pdf_text(Path(entry["output"]))
        for words in case.get("text", []):
            assert squeezed(words) in squeezed(text), (words, text[:300])
        assert_clean_pdf(Path(entry["output"]))


@pytest.mark.slow
def test_profile_run_reports_cleanly(profile_run: ProfileRun) -> None:
    run, manifest, out = profile_run.run, profile_run.manifest, profile_run.out
    assert run.code == 1  # some inputs failed, the good ones were rendered
    assert_clean_messages(run)
    expected = {**CASES["profiles"], **CASES["made"]}
    rendered = [n for n, c in expected.items() if c["expect"] == "rendered"]
    assert manifest["summary"]["rendered"] == len(rendered)
    # Nothing but the PDFs and the manifest, all inside the output folder.
    assert {p.suffix for p in out.iterdir()} == {".pdf", ".json"}
    assert not (out.parent / "outside.pdf").exists()


@pytest.mark.slow
def test_the_profile_run_opens_nothing_outside_its_folders(profile_run: ProfileRun) -> None:
    """Links to the secret, /etc/passwd and /dev/zero are refused before they are
    opened, by the parent (cache keys) and by the workers alike."""
    trace = profile_run.trace
    assert_confined(trace, profile_run.secret, (profile_run.folder,), profile_run.out)
    rendered = profile_run.folder / "emoji.yaml"
    assert {e.pid for e in trace.touching(rendered) if e.event == "open"} & trace.workers()


@pytest.mark.slow
def test_unreadable_fonts_are_named_not_drawn_as_boxes(profile_run: ProfileRun) -> None:
    """CJK text: a system font draws it, or a warning names the profile and characters.

    The oracle asks what the product answers, character by character: a machine may have
    a font for the Chinese characters and none for the Korean ones (fonts-droid-fallback).
    """
    run, manifest = profile_run.run, profile_run.manifest
    entry = _entry(manifest, "cjk.yaml")
    assert "焊工" in pdf_text(Path(entry["output"]))  # the text is there to copy or read aloud
    messages = [w["message"] for w in entry.get("warnings", [])]
    warned = [m for m in messages if "no installed font can draw" in m]
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        pytest.skip("fc-list (fontconfig) is needed to know which characters a font covers")
    text = (CORPUS / "profiles" / "cjk.yaml").read_text(encoding="utf-8")
    # The bundled fonts are Latin; these characters can only come from installed fonts.
    wanted = sorted({c for c in text if ord(c) > 0x2FFF})

    def installed(character: str) -> bool:
        query = f":charset={ord(character):x}"
        found = subprocess.run([fc_list, query, "family"], capture_output=True, text=True)
        return bool(found.stdout.strip())

    missing = [c for c in wanted if not installed(c)]
    assert bool(warned) == bool(missing), (warned, missing)
    if warned:
        named = re.findall(r"(\S) \(U\+[0-9A-F]{4,6}\)", warned[0])
        assert named, warned[0]
        assert set(named) <= set(missing), (named, missing)
        printed = [line for line in run.stderr.splitlines() if "no installed font" in line]
        assert [line for line in printed if line.startswith("warning: ") and "cjk.yaml" in line]


@dataclass
class LayoutRun:
    run: Run
    out: Path
    trace: Trace
    layout: Path
    people: Path
    secret: Path


@pytest.fixture(scope="module")
def layout_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, LayoutRun]:
    """One traced `brochure render -l LAYOUT` per layout case, two at a time.

    A case's `links` are made here (git keeps no links to outside files); `@SECRET@`
    in templates, stylesheets and links stands for the planted secret folder.
    """
    root = tmp_path_factory.mktemp("hostile-layouts")
    secret = plant_secret(root)
    layouts = root / "layouts"
    shutil.copytree(CORPUS / "layouts", layouts, symlinks=True)
    for path in layouts.rglob("*"):
        if path.is_file() and path.suffix in (".j2", ".css"):
            path.write_text(path.read_text().replace("@SECRET@", str(secret)))
    for name, case in CASES["layouts"].items():
        for link, target in case.get("links", {}).items():
            (layouts / name / link).parent.mkdir(parents=True, exist_ok=True)
            (layouts / name / link).symlink_to(target.replace("@SECRET@", str(secret)))
    people = root / "people"
    people.mkdir()
    profile = people / "welder.yaml"
    profile.write_text("title: Welder\nsummary: Welders join metal parts.\n")

    def one(name: str) -> tuple[str, LayoutRun]:
        out = root / "out" / name / f"{name}.pdf"
        out.parent.mkdir(parents=True)
        args = CASES["layouts"][name].get("args", [])  # after CAPS: a case's own caps win
        run, trace = run_traced("render", profile, "-l", layouts / name, "-o", out, *CAPS, *args)
        return name, LayoutRun(run, out, trace, layouts / name, people, secret)

    with ThreadPoolExecutor(2) as pool:
        return dict(pool.map(one, CASES["layouts"]))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES["layouts"]))
def test_layout_case(layout_runs: dict[str, LayoutRun], name: str) -> None:
    case = CASES["layouts"][name]
    found = layout_runs[name]
    run, out = found.run, found.out
    assert_clean_messages(run)
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    if case["expect"] == "any":
        assert run.code in (0, 1)
        assert (run.code == 0) == out.exists()
    elif case["expect"] == "failed":
        assert run.code == 1, run.stderr
        assert not out.exists()
        assert len(errors) == 1, run.stderr
        assert case["error"] in errors[0], errors
    else:
        assert run.code == 0, run.stderr
        assert out.exists()
    if "warning" in case:
        assert any(case["warning"] in line for line in run.stderr.splitlines()), run.stderr
    if out.exists():
        assert_clean_pdf(out)
        with pikepdf.open(out) as pdf:  # no secret image slipped in either
            for page in pdf.pages:
                assert not page.get_images(), f"{name}: an image was embedded"
    leftovers = [p for p in out.parent.iterdir() if p.name.startswith(f".{name}")]
    assert not leftovers, leftovers
    assert_confined(found.trace, found.secret, (found.layout, found.people), out.parent)


class _Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        if self.path.startswith("/huge"):
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            chunk = b"\0" * 1_000_000
            for _ in range(30):
                self.wfile.write(chunk)
            return
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (4, 4), "blue").save(buffer, format="PNG")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(buffer.getvalue())))
        self.end_headers()
        self.wfile.write(buffer.getvalue())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    _Recorder.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _Recorder.requests
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.slow
def test_nothing_reaches_the_network_without_allow_remote(
    tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    base, requests = server
    layout = tmp_path / "remote"
    shutil.copytree(CORPUS / "layouts" / "remote", layout)
    template = layout / "template.html.j2"
    images = "".join(
        f'<img src="{base}/{name}" alt="{name}">' for name in ("pixel.png", "redirect", "huge")
    )
    css = (
        f'<link rel="stylesheet" href="{base}/style.css"><style>@import url({base}/i.css);</style>'
    )
    template.write_text(template.read_text().replace("</body>", images + css + "</body>"))
    profile = tmp_path / "welder.yaml"
    profile.write_text("title: Welder\n")

    closed = brochure("render", profile, "-l", layout, "-o", tmp_path / "closed.pdf", *CAPS)
    assert closed.code == 0, closed.stderr
    assert requests == []
    assert "network access is off" in closed.stderr
    with pikepdf.open(tmp_path / "closed.pdf") as pdf:
        assert not pdf.pages[0].get_images()

    opened = brochure(
        "render", profile, "-l", layout, "-o", tmp_path / "open.pdf", "--allow-remote", *CAPS
    )
    assert opened.code == 0, opened.stderr
    assert "/pixel.png" in requests
    assert_clean_messages(opened)
    assert "HTTP 302" in opened.stderr  # redirects are not followed
    assert "larger than 10 MB" in opened.stderr  # the size cap
    with pikepdf.open(tmp_path / "open.pdf") as pdf:
        assert len(pdf.pages[0].get_images()) == 1  # the one good image
    assert_clean_pdf(tmp_path / "open.pdf")


@pytest.mark.slow
def test_a_profile_beside_a_layout_cannot_read_the_layouts_neighbours(tmp_path: Path) -> None:
    """A theme logo outside the theme folder is refused with the line that named it."""
    secret = plant_secret(tmp_path)
    theme = tmp_path / "theme" / "theme.yaml"
    theme.parent.mkdir()
    theme.write_text("name: Lincoln High\nlogo: ../secret/secret.png\n")
    profile = tmp_path / "welder.yaml"
    profile.write_text("title: Welder\n")
    run = brochure("render", profile, "--theme", theme, "-o", tmp_path / "w.pdf", *CAPS)
    assert run.code == 1
    assert_clean_messages(run)
    assert f"{theme}:2" in run.stderr
    assert not (tmp_path / "w.pdf").exists()
    linked = tmp_path / "theme" / "logo.png"
    linked.symlink_to(secret / "secret.png")
    theme.write_text("name: Lincoln High\nlogo: logo.png\n")
    run = brochure("render", profile, "--theme", theme, "-o", tmp_path / "w.pdf", *CAPS)
    assert run.code == 1
    assert f"{theme}:2" in run.stderr


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_strace_sees_no_process_open_the_secret(tmp_path: Path) -> None:
    """The same claim, seen from the kernel's side: `strace -f` records every open and
    connect of every process, C libraries (fontconfig, Pango) included, which the audit
    hook cannot see; `-y` prints the real path an opened descriptor leads to, so an open
    through a link shows its target. A layout that points at the secret in the ways the
    corpus knows, over a folder of profiles one of which links to it."""
    secret = plant_secret(tmp_path)
    layout = tmp_path / "img-secret"
    shutil.copytree(CORPUS / "layouts" / "img-secret", layout)
    template = layout / "template.html.j2"
    refs = (
        f'<link rel="stylesheet" href="file://{secret}/secret.css"><link rel="stylesheet" '
        f'href="linked.css"><img src="{secret}/secret.png" alt="x">'
        f'<a rel="attachment" href="{secret}/secret.txt">x</a>'
    )
    template.write_text(template.read_text().replace("</body>", refs + "</body>"))
    (layout / "partials").mkdir()
    (layout / "partials" / "_linked.html.j2").symlink_to(secret / "secret.txt")
    (layout / "linked.css").symlink_to(secret / "secret.css")
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "welder.yaml").write_text("title: Welder\nsummary: Welders join metal.\n")
    (profiles / "linked.yaml").symlink_to(secret / "secret.txt")
    log = tmp_path / "strace.log"
    argv = [
        "strace",
        "-f",
        "-y",
        "-qq",
        "-e",
        "trace=open,openat,openat2,connect,execve",
        "-o",
        log,
    ]
    out = tmp_path / "out"
    done = subprocess.run(
        [*map(str, argv), sys.executable, "-m", "brochure", "render", str(profiles),
         "-l", str(layout), "-o", str(out), "-j", "2", *CAPS],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # linked.yaml fails, welder renders
    assert (out / "welder.pdf").exists(), done.stderr
    lines = log.read_text(errors="replace").splitlines()
    assert len({line.split()[0] for line in lines}) >= 3, "strace saw no worker process"
    opened = [line for line in lines if str(profiles / "welder.yaml") in line]
    assert len({line.split()[0] for line in opened}) >= 2  # the parent (cache key) and a worker
    for target in (str(secret), "/etc/passwd", "/etc/hostname"):
        assert not [line for line in lines if target in line and "execve" not in line]
    assert not [line for line in lines if "connect(" in line and "AF_INET" in line]
