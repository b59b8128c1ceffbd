"""Positive controls for tests/tracer.py: it must see what every process does.

The hostile tests conclude "nothing was read, written or contacted" from an empty
trace, which proves something only if the tracer is known to see those things, in
the CLI's process and in the spawned workers that do the rendering. These tests show
that it does, and that a benign render leaves nothing outside its folders, so that
the baseline the hostile tests rely on stays as narrow as it is.
"""

from __future__ import annotations

import shutil
import socket
import textwrap
from pathlib import Path

import pytest

from brochure.resources import layouts_dir, profiles_dir

from .tracer import Trace, describe, run_python_traced, run_traced

# The tracer must see the real worker processes the command line spawns.
pytestmark = pytest.mark.real_workers

PROFILE = "registered-nurse"


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A folder holding two built-in profiles, so that two workers get work."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in (PROFILE, "dental-hygienist"):
        shutil.copy(profiles_dir() / f"{name}.yaml", folder / f"{name}.yaml")
    return folder


def assert_benign(trace: Trace, inputs: Path, out: Path) -> None:
    """Nothing read outside the inputs, the output and the baseline; nothing written
    outside the output; no network; no process but the interpreters multiprocessing
    starts (ctypes.util.find_library's probes aside: see Trace.spawned)."""
    assert not trace.reads_outside(inputs, out), describe(trace.reads_outside(inputs, out))
    assert not trace.writes_outside(out), describe(trace.writes_outside(out))
    assert not trace.connects(), describe(trace.connects())
    assert not trace.spawned(), describe(trace.spawned())
    for pid in trace.workers():
        # Every other process is a child of the CLI: spawned workers and the
        # resource tracker that multiprocessing's spawn context starts.
        assert trace.starts[pid].ppid == trace.main_pid, trace.starts[pid]


def assert_worker_rendered(trace: Trace, profile: Path, pdf: Path) -> None:
    """A spawned worker opened the profile and a layout template, and wrote the PDF:
    to a temporary file in its folder, then renamed onto the final name."""
    workers = trace.spawn_workers()
    assert workers, "no spawned worker was traced"
    assert trace.main_pid not in workers
    profile_opens = [e for e in trace.touching(profile) if e.event == "open" and e.read]
    assert {e.pid for e in profile_opens} & workers, describe(profile_opens)
    templates = [
        e
        for e in trace.touching(layouts_dir() / "handout")
        if e.event == "open" and e.pid in workers and e.real and e.real.endswith(".j2")
    ]
    assert templates, "no worker read a template of the handout layout"
    renamed = [
        e
        for e in trace.touching(pdf)
        if e.event == "os.rename" and e.real == str(pdf.resolve()) and e.pid in workers
    ]
    assert len(renamed) == 1, describe(trace.touching(pdf.parent))
    temporary = [
        e
        for e in trace.touching(pdf.parent)
        if e.event == "open" and e.write and e.pid == renamed[0].pid and e.path
        if Path(e.path).name.startswith(f".{pdf.name}.")
    ]
    assert len(temporary) == 1, describe(trace.touching(pdf.parent))


@pytest.mark.slow
def test_folder_render_in_two_workers_is_seen_and_stays_inside(
    inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run, trace = run_traced("render", inputs, "-o", out, "-j", "2", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert trace.workers(), "only the CLI's own process was traced"
    assert trace.spawn_workers(), {p: trace.starts[p].argv for p in trace.workers()}
    for name in (PROFILE, "dental-hygienist"):
        assert_worker_rendered(trace, inputs / f"{name}.yaml", out / f"{name}.pdf")
    # The manifest is the CLI's own write.
    manifest = [e for e in trace.touching(out / "manifest.json") if e.event == "os.rename"]
    assert [e.pid for e in manifest] == [trace.main_pid]
    assert_benign(trace, inputs, out)


@pytest.mark.slow
def test_one_file_renders_in_a_worker_too(inputs: Path, tmp_path: Path) -> None:
    # The command line always passes caps (cli._caps), and with caps batch.render_paths
    # renders even a single input in a worker process: a worker writes the PDF, not
    # the CLI. One or two workers start: -j defaults to the CPU count, one worker is
    # started early to warm up, and the job goes to whichever slot's thread takes it
    # first, which may start a second, cold worker (jobs.Workers, _Slot._loop).
    profile = inputs / f"{PROFILE}.yaml"
    out = tmp_path / "out"
    run, trace = run_traced("render", profile, "-o", out / "x.pdf", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert trace.spawn_workers()
    assert_worker_rendered(trace, profile, out / "x.pdf")
    by_cli = [e for e in trace.written() if e.pid == trace.main_pid]
    assert not [e for e in by_cli if (e.real or "").endswith(".pdf")], describe(by_cli)
    assert_benign(trace, inputs, out)


@pytest.mark.slow
def test_flags_a_spawned_childs_read_write_and_connect(tmp_path: Path) -> None:
    """A multiprocessing "spawn" child reads a file outside, creates one outside and
    connects to a port: each is reported, exactly, and from the child."""
    secret = tmp_path / "planted" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("SECRET\n", encoding="utf-8")
    made = tmp_path / "elsewhere" / "made.txt"
    made.parent.mkdir()
    work = tmp_path / "cwd"
    work.mkdir()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        child = textwrap.dedent(
            f"""
            import socket
            from pathlib import Path
            Path({str(secret)!r}).read_text()
            Path({str(made)!r}).touch()
            with socket.socket() as s:
                s.connect(("127.0.0.1", {port}))
            """
        )
        code = textwrap.dedent(
            f"""
            import multiprocessing, sys
            process = multiprocessing.get_context("spawn").Process(
                target=exec, args=({child!r},)
            )
            process.start()
            process.join()
            sys.exit(process.exitcode)
            """
        )
        run, trace = run_python_traced(code, cwd=work)
    assert run.code == 0, run.stderr
    (child_pid,) = trace.spawn_workers()
    assert child_pid != trace.main_pid
    assert trace.starts[child_pid].ppid == trace.main_pid

    reads = trace.reads_outside()
    assert [(e.pid, e.real) for e in reads] == [(child_pid, str(secret.resolve()))], describe(reads)
    writes = trace.writes_outside()
    # Path.touch tries os.utime first (the file is not there) and then creates it.
    assert {(e.pid, e.event, e.real) for e in writes} == {
        (child_pid, "os.utime", str(made.resolve())),
        (child_pid, "open", str(made.resolve())),
    }, describe(writes)
    assert trace.writes_outside(made.parent) == []
    connects = trace.connects()
    assert [(e.pid, e.event) for e in connects] == [(child_pid, "socket.connect")]
    assert connects[0].detail == repr(("127.0.0.1", port))
    assert trace.touching(secret) == [e for e in reads]


@pytest.mark.slow
def test_flags_a_symlink_by_where_it_leads(tmp_path: Path) -> None:
    """A file opened through a link inside an allowed folder counts where it leads; a
    folder listing and a subprocess are seen too."""
    secret = tmp_path / "planted" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("SECRET\n", encoding="utf-8")
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "innocent.txt").symlink_to(secret)
    code = textwrap.dedent(
        f"""
        import os, subprocess
        open({str(allowed / "innocent.txt")!r}).read()
        os.listdir({str(secret.parent)!r})
        subprocess.run(["true"], check=True)
        """
    )
    run, trace = run_python_traced(code, cwd=allowed)
    assert run.code == 0, run.stderr
    reads = trace.reads_outside(allowed)
    assert [(e.event, e.path, e.real) for e in reads] == [
        ("open", str(allowed / "innocent.txt"), str(secret.resolve())),
        ("os.listdir", str(secret.parent), str(secret.parent.resolve())),
    ], describe(reads)
    assert [e.detail for e in trace.spawned()] == [repr(("true", ["true"], None))]


@pytest.mark.slow
def test_sees_a_jinja_template_being_read(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("{% include 'part.html' %}", encoding="utf-8")
    (templates / "part.html").write_text("hello", encoding="utf-8")
    code = textwrap.dedent(
        f"""
        import jinja2
        loader = jinja2.FileSystemLoader({str(templates)!r})
        print(jinja2.Environment(loader=loader).get_template("page.html").render())
        """
    )
    run, trace = run_python_traced(code, cwd=tmp_path)
    assert (run.code, run.stdout.strip()) == (0, "hello"), run.stderr
    reads = trace.reads_outside()
    assert [(e.pid, e.real) for e in reads] == [
        (trace.main_pid, str((templates / name).resolve())) for name in ("page.html", "part.html")
    ], describe(reads)
    assert all("jinja2/loaders.py" in e.origin[0] for e in reads)
    assert trace.reads_outside(templates) == []
