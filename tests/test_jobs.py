"""Batch runs: manifest, incremental re-runs, failures, shards, workers, and surviving a kill."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from brochure import batch, cli
from brochure.batch import (
    Caps,
    WorkerError,
    Workers,
    call_capped,
    merge_manifests,
    parse_shard,
    shard_of,
)
from brochure.errors import Notice, ProfileError
from brochure.freshness import cache_key

from .conftest import DATA, TINY_LAYOUT, stopped_watcher, waited

# Workers, caps and kills are what this file is about: its workers are real processes.
pytestmark = pytest.mark.real_workers


def profiles(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"career-{index:02d}.yaml"
        path.write_text(f"title: Career {index:02d}\nduties: [Duty {index}]\n")
        paths.append(path)
    return paths


def tiny_layout(tmp_path: Path) -> Path:
    folder = tmp_path / "tiny"
    if not folder.exists():
        shutil.copytree(TINY_LAYOUT, folder)
    return folder


def run(tmp_path: Path, out: Path, **options: object) -> batch.Report:
    defaults: dict[str, object] = {"layout": tiny_layout(tmp_path), "jobs": 1}
    return batch.render_paths([tmp_path / "in"], out, **{**defaults, **options})  # type: ignore[arg-type]


def test_manifest_records_every_input(tmp_path: Path) -> None:
    profiles(tmp_path / "in", 2)
    (tmp_path / "in" / "broken.yaml").write_text("title: Broken\nduties: {a: 1}\n")
    out = tmp_path / "out"
    report = run(tmp_path, out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["summary"] == {
        "rendered": 2,
        "skipped": 0,
        "failed": 1,
        "cancelled": 0,
        "total": 3,
    }
    assert manifest["layout"] == "tiny"
    entries = {Path(e["source"]).name: e for e in manifest["outputs"]}
    good = entries["career-00.yaml"]
    assert good["status"] == "rendered"
    assert good["output"] == str(out / "career-00.pdf")
    assert good["pages"] == 1
    assert good["bytes"] == (out / "career-00.pdf").stat().st_size
    import hashlib

    assert good["sha256"] == hashlib.sha256((out / "career-00.pdf").read_bytes()).hexdigest()
    assert good["seconds"] > 0
    bad = entries["broken.yaml"]
    assert bad["status"] == "failed"
    assert bad["output"] is None
    assert (
        bad["error"]
        == f"{tmp_path / 'in' / 'broken.yaml'}:2: duties: expected a list, got a mapping"
    )
    assert bad["problems"][0]["line"] == 2
    assert not report.ok


def test_rerun_skips_and_changes_rerender(tmp_path: Path) -> None:
    paths = profiles(tmp_path / "in", 3)
    out = tmp_path / "out"
    assert run(tmp_path, out).count("rendered") == 3
    again = run(tmp_path, out)
    assert [o.status for o in again.outcomes] == ["skipped"] * 3
    # The profile changed.
    paths[1].write_text(paths[1].read_text() + "summary: Now with a summary.\n")
    changed = run(tmp_path, out)
    assert [o.status for o in changed.outcomes] == ["skipped", "rendered", "skipped"]
    # The layout's CSS changed.
    css = tiny_layout(tmp_path) / "style.css"
    css.write_text(css.read_text() + "h1 { color: #333; }\n")
    assert [o.status for o in run(tmp_path, out).outcomes] == ["rendered"] * 3
    # An option changed.
    assert [o.status for o in run(tmp_path, out, paper="letter").outcomes] == ["rendered"] * 3
    assert [o.status for o in run(tmp_path, out, paper="letter").outcomes] == ["skipped"] * 3
    # --force renders everything.
    assert run(tmp_path, out, paper="letter", force=True).count("rendered") == 3


def test_without_a_manifest_the_pdfs_say_what_is_done(tmp_path: Path) -> None:
    profiles(tmp_path / "in", 2)
    out = tmp_path / "out"
    run(tmp_path, out)
    (out / "manifest.json").unlink()
    (out / "career-01.pdf").write_bytes(b"%PDF-1.7 truncated")
    statuses = [o.status for o in run(tmp_path, out).outcomes]
    assert statuses == ["skipped", "rendered"]


def test_fail_fast_stops_and_reports_the_rest(tmp_path: Path) -> None:
    profiles(tmp_path / "in", 3)
    (tmp_path / "in" / "a-broken.yaml").write_text("title: [x]\n")
    report = run(tmp_path, tmp_path / "out", fail_fast=True)
    assert [o.status for o in report.outcomes] == ["failed", "cancelled", "cancelled", "cancelled"]
    assert not list((tmp_path / "out").glob("*.pdf"))


@pytest.mark.slow
def test_two_workers_give_the_same_files(tmp_path: Path) -> None:
    profiles(tmp_path / "in", 4)
    one, two = tmp_path / "one", tmp_path / "two"
    run(tmp_path, one, jobs=1)
    report = run(tmp_path, two, jobs=2)
    assert report.count("rendered") == 4
    for pdf in one.glob("*.pdf"):
        assert (two / pdf.name).read_bytes() == pdf.read_bytes()


def test_shards_partition_the_inputs(tmp_path: Path) -> None:
    paths = profiles(tmp_path / "in", 9)
    for shards in range(1, 5):
        seen: list[str] = []
        manifests = []
        for k in range(1, shards + 1):
            out = tmp_path / f"out-{shards}-{k}"
            report = run(tmp_path, out, shard=(k, shards))
            seen += [o.source.name for o in report.outcomes]
            manifests.append(json.loads((out / "manifest.json").read_text()))
        assert sorted(seen) == sorted(p.name for p in paths), f"N={shards}"
        merged = merge_manifests(manifests)
        assert merged["summary"]["total"] == 9
        assert merged["summary"]["rendered"] == 9


def test_shard_helpers() -> None:
    assert parse_shard("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "2", "a/b"):
        with pytest.raises(ValueError, match="K"):
            parse_shard(bad)
    assert shard_of("registered-nurse", 4) == shard_of("registered-nurse", 4)
    assert {shard_of(f"career-{i}", 3) for i in range(40)} == {0, 1, 2}
    assert cache_key("ab", "c") != cache_key("a", "bc")


@pytest.mark.slow
def test_cli_json_and_exit_codes(tmp_path: Path) -> None:
    profiles(tmp_path / "in", 2)
    args = [
        "render",
        str(tmp_path / "in"),
        "-o",
        str(tmp_path / "out"),
        "-l",
        str(tiny_layout(tmp_path)),
        "-j",
        "1",
    ]
    result = CliRunner().invoke(cli.cli, [*args, "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["summary"]["rendered"] == 2
    verbose = CliRunner().invoke(cli.cli, [*args, "-v"])
    assert verbose.stderr.splitlines()[0].startswith(
        f"skipped   {tmp_path / 'out' / 'career-00.pdf'}  1 pages"
    )
    quiet = CliRunner().invoke(cli.cli, [*args, "-q"])
    assert (quiet.stdout, quiet.stderr) == ("", "")
    (tmp_path / "in" / "bad.yaml").write_text("title: Bad\nsluggy: x\n")
    failed = CliRunner().invoke(cli.cli, [*args, "-q"])
    assert failed.exit_code == 1
    assert (
        failed.stderr.strip()
        == f"error: {tmp_path / 'in' / 'bad.yaml'}:2: sluggy: unknown field (did you mean 'slug'?)"
    )


def test_merge_manifests_command(tmp_path: Path) -> None:
    profiles(tmp_path / "in", 3)
    for k in (1, 2):
        run(tmp_path, tmp_path / f"s{k}", shard=(k, 2))
    result = CliRunner().invoke(
        cli.cli,
        [
            "merge-manifests",
            str(tmp_path / "s1" / "manifest.json"),
            str(tmp_path / "s2" / "manifest.json"),
        ],
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"]["total"] == 3


@pytest.mark.slow
def test_killed_run_leaves_only_complete_pdfs_and_resumes(tmp_path: Path) -> None:
    source = tmp_path / "in"
    builtin = sorted((DATA.parent.parent / "profiles").glob("*.yaml"))
    source.mkdir()
    for index in range(16):
        text = builtin[index % len(builtin)].read_text()
        slug = builtin[index % len(builtin)].stem
        (source / f"{slug}-{index}.yaml").write_text(
            text.replace(f"slug: {slug}", f"slug: {slug}-{index}")
        )
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "brochure",
        "render",
        str(source),
        "-o",
        str(out),
        "-j",
        "2",
        "-q",
    ]
    # Killed, the workers cannot remove their temporary folders: they go in the test's.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    process = subprocess.Popen(command, start_new_session=True, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("*.pdf"))) < 3:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    written = list(out.glob("*.pdf"))
    assert 3 <= len(written) < 16, "killed part-way"
    for pdf in written:
        with pikepdf.open(pdf) as document:
            assert document.check_pdf_syntax() == []
    resumed = subprocess.run([*command, "--json"], capture_output=True, text=True, check=True)
    summary = json.loads(resumed.stdout)["summary"]
    assert summary["skipped"] == len(written), "every complete PDF is kept"
    assert summary["skipped"] + summary["rendered"] == 16
    assert len(list(out.glob("*.pdf"))) == 16
    assert not list(out.glob(".*.part")), "temporary files of the killed run are cleaned up"


@pytest.mark.slow
def test_watch_renders_what_changes_with_warm_workers(tmp_path: Path) -> None:
    """A watching run re-renders an edited profile, a new one, and all after a CSS edit."""
    import threading

    paths = profiles(tmp_path / "in", 2)
    layout = tiny_layout(tmp_path)
    out = tmp_path / "out"
    reports: list[batch.Report] = []
    done = threading.Event()

    def wait_for(count: int) -> batch.Report:
        return waited(reports, count, 60)

    watcher = threading.Thread(
        target=batch.watch_paths,
        args=([tmp_path / "in"], out),
        kwargs={
            "layout": layout,
            "jobs": 1,
            "interval": 0.05,
            "on_report": reports.append,
            "stop": done.is_set,
        },
    )
    watcher.start()
    try:
        assert wait_for(1).count("rendered") == 2
        paths[0].write_text(paths[0].read_text() + "summary: Edited while watching.\n")
        second = wait_for(2)
        assert [o.status for o in second.outcomes] == ["rendered", "skipped"]
        profiles(tmp_path / "in", 3)  # career-02 appears; the others are rewritten unchanged
        third = wait_for(3)
        assert "rendered" in [o.status for o in third.outcomes]
        before = {o.source.name: o.sha256 for o in third.outcomes}
        with (layout / "style.css").open("a") as css:
            css.write("h1 { letter-spacing: 0.01em; }\n")
        deadline = time.monotonic() + 60
        while reports[-1].count("rendered") != 3:
            assert time.monotonic() < deadline, "a layout change was not noticed"
            time.sleep(0.05)
    finally:
        done.set()
        watcher.join(timeout=30)
    assert not watcher.is_alive()
    after = {o.source.name: o.sha256 for o in reports[-1].outcomes}
    assert after.keys() == before.keys()
    assert all(after[name] != before[name] for name in after)  # new CSS, new PDFs


def test_a_watched_folder_counts_profiles_and_translations_not_other_files(
    tmp_path: Path,
) -> None:
    """A log written beside the profiles (a watcher's own messages sent there) is no
    edit, or the watcher would build forever; a new translation is one."""
    from brochure import find_layout
    from brochure.batch.watch import _snapshot

    folder = tmp_path / "in"
    profiles(folder, 1)
    (folder / "watch.log").write_text("watching for changes\n")
    (folder / ".parts").mkdir()
    (folder / ".parts" / "kept.yaml").write_text("")
    (folder / "more").mkdir()
    (folder / "more" / "career-00.es.YML").write_text("title: Carrera\n")
    seen = {
        p.relative_to(folder).as_posix()
        for p in _snapshot([folder], find_layout("handout"))
        if p.is_relative_to(folder)
    }
    assert seen == {"career-00.yaml", "more/career-00.es.YML"}


def test_watch_refuses_stdout_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    for extra in (["-o", "-"], ["--json"]):
        result = runner.invoke(cli.cli, ["render", str(DATA / "profiles/valid"), "--watch", *extra])
        assert result.exit_code == 2
        assert "--watch" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_term_stops_a_watch_quietly(tmp_path: Path, stop: signal.Signals) -> None:
    """Ctrl-C or TERM reaches the whole process group; workers leave it to the parent."""
    profiles(tmp_path / "in", 2)
    command = [sys.executable, "-m", "brochure", "render", str(tmp_path / "in")]
    command += ["-o", str(tmp_path / "out"), "-l", str(tiny_layout(tmp_path)), "-j", "2", "-w"]
    lines, rest, status = stopped_watcher(command, stop)
    assert status == 0
    assert lines[0].startswith("2 rendered")
    assert "stopped watching" in rest
    assert "Traceback" not in rest
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "career-00.pdf",
        "career-01.pdf",
        "manifest.json",
    ]


def _scratch_file(name: str) -> str:
    import tempfile

    path = Path(tempfile.gettempdir()) / name
    path.write_text("a font WeasyPrint wrote")
    return str(path)


def test_a_worker_s_temporary_files_go_with_it(tmp_path: Path) -> None:
    """Workers are killed, not asked to stop, so what they leave in the temporary folder
    (WeasyPrint's fonts) is in a folder of each worker's that the pool removes."""
    with Workers(1) as pool:
        written = Path(pool.submit(_scratch_file, "font.ttf").result())
        assert written.is_file()
        assert written.parent.name.startswith("brochure-worker-")
    assert not written.parent.exists()


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _hog(mib: int) -> int:
    return len(bytearray(mib * 2**20))


def _crash(_: object) -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def _bad_profile(_: object) -> None:
    raise ProfileError("expected text", path="x.yaml", line=3, field="title")


@pytest.mark.slow
def test_caps_stop_only_the_job_that_passes_them() -> None:
    """A job past the time cap, one past the memory cap and one whose worker crashes each
    fail alone, with the reason; the pool replaces the worker and finishes the rest."""
    with Workers(2, caps=Caps(seconds=3, memory_mib=600)) as pool:
        slow = pool.submit(_sleep, 60)
        hog = pool.submit(_hog, 2000)
        crash = pool.submit(_crash, None)
        bad = pool.submit(_bad_profile, None)
        quick = [pool.submit(_sleep, 0.01) for _ in range(6)]
        start = time.monotonic()
        with pytest.raises(WorkerError, match="stopped after 3 s, the time cap"):
            slow.result()
        assert time.monotonic() - start < 20
        with pytest.raises(WorkerError, match="ran out of memory: one render may use 600 MiB"):
            hog.result()
        with pytest.raises(WorkerError, match=r"the renderer stopped \(SIGSEGV\)"):
            crash.result()
        with pytest.raises(ProfileError) as caught:
            bad.result()
        assert str(caught.value) == "x.yaml:3: title: expected text"  # located, as raised
        assert [f.result() for f in quick] == [0.01] * 6
        assert pool.submit(_hog, 10).result() == 10 * 2**20  # under the cap is fine


def _slow_warm_up() -> None:
    time.sleep(120)


def test_a_worker_that_gets_no_job_is_not_waited_for() -> None:
    """A worker started early (a booklet's, before it knows there is work) and never
    given a job is killed in its warm-up; a worker between jobs is killed too (it holds
    nothing, and its own exit is slow), and `close(wait=False)` lets the caller go on
    meanwhile."""
    idle = Workers(1, _slow_warm_up, start=1, wait=False)
    process = idle._slots[0].process
    assert process is not None
    idle.close()
    assert process.exitcode == -signal.SIGKILL
    used = Workers(1)
    assert used.submit(_sleep, 0.01).result() == 0.01
    process = used._slots[0].process
    assert process is not None
    used.close(wait=False)
    used.close(wait=False)  # as often as called: the workers are told once
    used.close()
    assert process.exitcode == -signal.SIGKILL


@pytest.mark.slow
def test_call_capped_overrides_the_time_cap_for_one_call() -> None:
    from functools import partial

    caps = Caps(seconds=1, memory_mib=600)
    assert call_capped(partial(_sleep, 1.5), caps, seconds=10) == 1.5
    with pytest.raises(WorkerError, match="time cap"):
        call_capped(partial(_sleep, 10), caps)


@pytest.mark.slow
def test_a_render_past_its_time_cap_fails_alone_in_the_manifest(tmp_path: Path) -> None:
    """Through the CLI: a layout that never finishes for one profile, the others render."""
    layout = tmp_path / "tiny"
    shutil.copytree(TINY_LAYOUT, layout)
    template = layout / "template.html.j2"
    loop = (
        "{% if profile.title == 'Stuck' %}{% for i in range(100000) %}"
        "{% for j in range(100000) %}{% endfor %}{% endfor %}{% endif %}"
    )
    template.write_text(template.read_text().replace("</body>", loop + "</body>"))
    src = tmp_path / "in"
    src.mkdir()
    for title in ("Stuck", "Welder", "Plumber"):
        (src / f"{title.lower()}.yaml").write_text(f"title: {title}\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "brochure",
            "render",
            str(src),
            "-o",
            str(tmp_path / "out"),
            "-l",
            str(layout),
            "-j",
            "2",
            "--timeout",
            "3",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    manifest = json.loads(done.stdout)
    status = {Path(e["source"]).stem: e["status"] for e in manifest["outputs"]}
    assert status == {"plumber": "rendered", "stuck": "failed", "welder": "rendered"}
    stuck = next(e for e in manifest["outputs"] if e["status"] == "failed")
    assert stuck["error"] == f"{src / 'stuck.yaml'}: stopped after 3 s, the time cap for one render"
    assert f"error: {src / 'stuck.yaml'}: stopped after 3 s" in done.stderr
    assert not (tmp_path / "out" / "stuck.pdf").exists()


def test_warnings_are_values_in_the_manifest_and_a_layouts_own_are_said_once(
    tmp_path: Path,
) -> None:
    layout = tiny_layout(tmp_path)
    css = layout / "style.css"
    css.write_text(css.read_text() + "h1 { colr: red; }\n")
    line = css.read_text().count("\n")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("welder", "plumber", "roofer"):
        (inputs / f"{name}.yaml").write_text(f"title: {name.title()}\nsummary: Works.\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli.cli, ["render", str(inputs), "-o", str(out), "-l", str(layout), "-j", "1"]
    )
    assert result.exit_code == 0, result.stderr
    said = [w for w in result.stderr.splitlines() if "colr" in w]
    assert said == [f"warning: {css}:{line}:6: Ignored `colr: red`, unknown property."]
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest["outputs"]:
        assert entry["warnings"] == [
            {
                "kind": "css",
                "message": f"{css}:{line}:6: Ignored `colr: red`, unknown property.",
                "file": str(css),
                "line": line,
                "field": None,
            }
        ]


def test_a_warning_keeps_its_parts_across_a_worker_pipe() -> None:
    notice = Notice("typography: a widow", "typography", path=Path("a.yaml"), line=3)
    again = pickle.loads(pickle.dumps(notice))
    assert (again, again.kind, again.path, again.line, again.layout) == (
        "typography: a widow",
        "typography",
        Path("a.yaml"),
        3,
        False,
    )
    assert again.to_json(Path("b.yaml"))["file"] == "a.yaml"
    assert Notice("x", "render").to_json(Path("b.yaml"))["file"] == "b.yaml"
    assert Notice("x", "css", layout=True).to_json(Path("b.yaml"))["file"] is None


def test_a_killed_writers_part_file_goes_even_before_its_process_is_reaped(
    tmp_path: Path,
) -> None:
    """After `kill -9` of a run, its workers are zombies until init reaps them: they
    answer signals, but never write again, so their temporary files are stale."""
    from brochure.output import remove_stale_parts

    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # exited, not yet waited for: a zombie
            if Path(f"/proc/{zombie.pid}/stat").read_bytes().rpartition(b")")[2].split()[0] == b"Z":
                break
            time.sleep(0.02)
        stale = tmp_path / f".x.pdf.{zombie.pid}.abc{'.part'}"
        busy = tmp_path / f".y.pdf.{live.pid}.abc{'.part'}"
        stale.write_bytes(b"%PDF-")
        busy.write_bytes(b"%PDF-")
        assert remove_stale_parts(tmp_path) == 1
        assert not stale.exists()
        assert busy.exists()
    finally:
        live.kill()
        live.wait()
        zombie.wait()
