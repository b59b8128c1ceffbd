"""The command line through Click's CliRunner: arguments, outputs, messages, exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from brochure import __version__, batch, cli, inputs, pipeline
from brochure.batch import Caps
from brochure.layout import builtin_layouts
from brochure.render import RenderOptions

from .conftest import BUILTIN_PROFILES, DATA

SEED = next(p for p in BUILTIN_PROFILES if p.stem == "medical-billing-and-coding-specialist")
MINIMAL = DATA / "profiles" / "valid" / "minimal.yaml"
WRONG = DATA / "profiles" / "invalid" / "wrong-type.yaml"


def run(runner: CliRunner, *args: str | Path) -> Result:
    return runner.invoke(cli.cli, [str(a) for a in args], catch_exceptions=False)


def run_main(args: list[str | Path], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Through `main`, which turns library errors into `error:` lines and exit codes."""
    with pytest.raises(SystemExit) as exited:
        cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_version_and_help(runner: CliRunner) -> None:
    assert run(runner, "--version").output.strip() == f"brochure, version {__version__}"
    result = run(runner, "--help")
    for command in ("render", "validate", "schema", "layouts", "profiles"):
        assert command in result.output


def test_render_arguments_reach_the_pipeline(runner: CliRunner, tmp_path: Path) -> None:
    with mock.patch.object(batch, "render_paths", autospec=True) as render_paths:
        render_paths.return_value = batch.Report()
        result = run(
            runner,
            "render",
            MINIMAL,
            "-o",
            tmp_path,
            "-l",
            "handout",
            "--paper",
            "a4",
            "--html",
            "--strict",
            "--jobs",
            "3",
            "--force",
            "--fail-fast",
            "--shard",
            "2/5",
            "--manifest",
            tmp_path / "m.json",
            "--lang",
            "es",
            "--grayscale",
            "--allow-remote",
            "--pdf-variant",
            "PDF/A-3b",
            "--timeout",
            "9",
            "--max-memory",
            "700",
        )
    assert result.exit_code == 0
    args, kwargs = render_paths.call_args
    assert args == ((MINIMAL,), str(tmp_path))
    assert kwargs.pop("on_outcome") is not None
    assert kwargs.pop("on_plan") is not None
    assert kwargs == {
        "layout": "handout",
        "paper": "a4",
        "html": True,
        "strict": True,
        "jobs": 3,
        "force": True,
        "fail_fast": True,
        "shard": (2, 5),
        "manifest": tmp_path / "m.json",
        "options": RenderOptions(
            lang="es", grayscale=True, allow_remote=True, pdf_variant="pdf/a-3b"
        ),
        "caps": Caps(seconds=9, memory_mib=700),
    }


@pytest.mark.parametrize("shard", ["0/3", "4/3", "x", "1/0"])
def test_bad_shard_is_a_usage_error(runner: CliRunner, shard: str) -> None:
    result = runner.invoke(cli.cli, ["render", str(MINIMAL), "--shard", shard])
    assert result.exit_code == 2
    assert "--shard" in result.stderr


def test_render_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "welder.yaml").write_text(MINIMAL.read_text())
    (folder / "nested").mkdir()
    (folder / "nested" / "nurse.yml").write_text("title: Nurse\nduties: [Care]\n")
    (folder / ".hidden.yaml").write_text("title: Hidden\n")
    result = run(runner, "render", folder, "-o", tmp_path / "out", "--html")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "manifest.json",
        "nurse.html",
        "nurse.pdf",
        "welder.html",
        "welder.pdf",
    ]
    assert result.stdout == ""
    assert result.stderr.startswith("2 rendered, 0 failed in ")
    assert "<base href=" in (tmp_path / "out" / "nurse.html").read_text()


def test_render_to_a_named_file_and_to_stdout(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "named.pdf"
    assert run(runner, "render", MINIMAL, "-o", target, "-q").exit_code == 0
    assert target.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["named.pdf"], "no temporary files left"
    result = run(runner, "render", MINIMAL, "-o", "-")
    assert result.stdout_bytes == target.read_bytes()


def test_builtin_profile_by_slug(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, "render", "registered-nurse", "-o", tmp_path, "--paper", "a4", "-q")
    assert result.exit_code == 0
    box = PdfReader(tmp_path / "registered-nurse.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_bad_profile_fails_alone_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run_main(["render", MINIMAL, WRONG, "-o", tmp_path], capsys)
    assert code == 1
    assert (tmp_path / "welder.pdf").is_file()
    assert not (tmp_path / "wrong-type.pdf").exists()
    lines = err.splitlines()
    assert f"error: {WRONG}:1: title: required field is missing" in lines
    assert lines[-1].startswith("1 rendered, 1 failed in ")
    assert lines[-1].endswith(f"manifest {tmp_path / 'manifest.json'}")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["render", "missing.yaml"],
            "error: missing.yaml: no such file or folder (nor a built-in profile)",
        ),
        (
            ["render", MINIMAL, "-l", "hadnout"],
            "error: unknown layout 'hadnout' (available: "
            + ", ".join(layout.name for layout in builtin_layouts())
            + ")",
        ),
        (
            ["render", MINIMAL, SEED, "-o", "one.pdf"],
            "error: one.pdf: names one file but 2 profiles were given; use a folder",
        ),
        (
            ["render", MINIMAL, "-o", MINIMAL],
            f"error: {MINIMAL}: output would overwrite an input file",
        ),
    ],
)
def test_user_mistakes_are_one_line(
    args: list[str | Path], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_main(args, capsys)
    assert (code, out) == (1, "")
    assert err.splitlines() == [message]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(["render", MINIMAL, "--paper", "legal"], capsys)
    assert code == 2
    assert "Invalid value for '--paper'" in err
    code, _, _ = run_main(["render"], capsys)
    assert code == 2


def test_unexpected_errors_hint_at_debug(capsys: pytest.CaptureFixture[str]) -> None:
    with mock.patch.object(inputs, "validate_paths", side_effect=RuntimeError("boom")):
        code, _, err = run_main(["validate", MINIMAL], capsys)
        assert code == 1
        assert err.splitlines() == [
            "error: unexpected RuntimeError: boom (run again with --debug for details)"
        ]
        with pytest.raises(RuntimeError, match="boom"):
            cli.main(["--debug", "validate", str(MINIMAL)])


def test_validate_reports_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["validate", DATA / "profiles"], capsys)
    assert code == 1
    folder = DATA / "profiles" / "invalid"
    expected = (folder / "wrong-type.expected").read_text().format(dir=folder).splitlines()
    for line in expected:
        assert line in out.splitlines()
    assert err.strip() == "11 problems in 2 of 8 profiles"  # 6 valid, 2 invalid


def test_validate_builtin_library(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["validate", BUILTIN_PROFILES[0].parent], capsys)
    assert (code, out) == (0, "")
    assert err.strip() == f"{len(BUILTIN_PROFILES)} profiles valid"


def test_schema_is_json_schema(runner: CliRunner, tmp_path: Path) -> None:
    schema = json.loads(run(runner, "schema").stdout)
    assert schema["title"] == "brochure career profile"
    assert {"title", "facts", "pathway", "certifications"} <= set(schema["properties"])
    run(runner, "schema", "-o", tmp_path / "s.json")
    assert json.loads((tmp_path / "s.json").read_text()) == schema


def test_layouts_and_profiles_lists(runner: CliRunner) -> None:
    result = run(runner, "layouts", DATA / "layouts" / "tiny")
    lines = result.output.splitlines()
    assert any(line.startswith("handout  Two-page career handout") for line in lines)
    handout = "papers: letter, a4, half-letter, a5; at most 6 pages; booklets; built-in"
    assert handout in result.output
    assert "papers: letter, a4; landscape; exactly 2 pages; built-in" in result.output
    assert "tiny" in result.output
    listing = run(runner, "profiles").output
    assert "registered-nurse" in listing
    assert "Registered Nurse" in listing
    assert len(run(runner, "profiles", "--paths").output.splitlines()) == len(BUILTIN_PROFILES)


def test_help_and_validate_do_not_load_the_renderer() -> None:
    """`brochure --help` and `validate` stay fast: WeasyPrint is imported only to render."""
    import subprocess
    import sys

    code = (
        "import sys; from brochure import cli\n"
        "try:\n    cli.main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('weasyprint', 'pydantic', 'jinja2', 'pypdf') if m in sys.modules]\n"
        "print('loaded:' + ','.join(heavy))\n"
    )
    run = [sys.executable, "-c", code]
    helped = subprocess.run([*run, "--help"], capture_output=True, text=True, check=True)
    assert helped.stdout.splitlines()[-1] == "loaded:"
    checked = subprocess.run([*run, "validate", str(MINIMAL)], capture_output=True, text=True)
    assert checked.stdout.splitlines()[-1].startswith("loaded:")
    assert "weasyprint" not in checked.stdout.splitlines()[-1]


def test_the_command_as_a_process_ends_with_its_code_its_output_and_its_exit_handlers(
    tmp_path: Path,
) -> None:
    """Run as a program, the command leaves without freeing its heap (`app._leave`): its
    output still arrives whole through a pipe, its exit code is kept, and exit handlers
    (stopping workers, removing temporary folders) still run."""
    import subprocess
    import sys

    marker = tmp_path / "handlers-ran"
    code = (
        "import atexit, pathlib, sys\n"
        f"atexit.register(pathlib.Path({str(marker)!r}).touch)\n"
        "from brochure.cli import main\n"
        "main()\n"
    )
    listed = subprocess.run(
        [sys.executable, "-c", code, "schema"], capture_output=True, text=True, check=False
    )
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["title"]  # the whole schema, not a cut-off buffer
    assert marker.exists()
    marker.unlink()
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [unclosed\n")
    failed = subprocess.run(
        [sys.executable, "-c", code, "validate", str(bad)], capture_output=True, text=True
    )
    assert failed.returncode == 1
    assert str(bad) in failed.stdout + failed.stderr
    assert marker.exists()
    usage = subprocess.run(
        [sys.executable, "-c", code, "render", "--no-such-option"], capture_output=True, text=True
    )
    assert usage.returncode == 2


def test_public_api_names_are_functions_even_after_submodules_load() -> None:
    """`brochure.render_html` and friends stay the functions, not same-named modules."""
    import brochure
    from brochure import pipeline as _pipeline  # noqa: F401  (loads every submodule)

    for name in brochure.__all__:
        value = getattr(brochure, name)
        assert not isinstance(value, type(brochure)), name


def test_preview_writes_png_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    code, out, _ = run_main(
        ["preview", MINIMAL, "-o", tmp_path, "--dpi", "36", "--paper", "a4"], capsys
    )
    assert code == 0
    images = sorted(tmp_path.glob("welder-*.png"))
    assert [p.name for p in images] == ["welder-1.png"]
    with Image.open(images[0]) as image:
        assert image.size == (298, 421)  # A4 at 36 dpi
    assert out.strip() == f"{MINIMAL}: 1 page -> {tmp_path}"
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(pipeline.render_pdf(SEED))
    code, _, _ = run_main(["preview", pdf, "-o", tmp_path / "p"], capsys)
    assert code == 0
    with Image.open(tmp_path / "p" / "doc-1.png") as image:
        assert image.size == (612, 792)
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.7 not really")
    code, _, err = run_main(["preview", tmp_path / "bad.pdf", "-o", tmp_path / "q"], capsys)
    assert code == 1
    assert err.startswith("error: not a PDF PDFium can read")


def test_an_unreadable_profile_is_one_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not Click's usage error: the file is named with why it cannot be read (exit 1)."""
    profile = tmp_path / "nurse.yaml"
    profile.write_text(MINIMAL.read_text())
    profile.chmod(0)
    # Root reads any file: make this one unreadable for root too, for Click and for us.
    real_access, real_open = os.access, Path.open

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        return False if Path(path) == profile else real_access(path, mode, **kwargs)

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == profile:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(Path, "open", refuse)
    code, out, err = run_main(["validate", profile], capsys)
    assert code == 1
    assert f"{profile}: cannot read: Permission denied" in out.splitlines()
    assert "Usage:" not in err
    assert err.strip() == "1 problem in 1 of 1 profile"


def test_a_folder_named_like_a_profile_is_reported_not_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "nurse.yaml").write_text(MINIMAL.read_text())
    (tmp_path / "drafts.yaml").mkdir()
    linked = tmp_path / "linked"
    linked.symlink_to(DATA / "profiles", target_is_directory=True)  # not followed
    code, out, _ = run_main(["validate", tmp_path], capsys)
    assert code == 1
    assert out.splitlines() == [f"{tmp_path / 'drafts.yaml'}: is a folder, not a file"]
