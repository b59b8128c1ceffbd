"""The set-up check (scripts/check-system.sh) on machines nobody prepared, simulated.

A green suite on a prepared machine says nothing about a fresh one, so these tests run
the script with stand-ins for the commands it asks: `ldconfig` that lists no library, an
empty library folder, `id` for root or not, `sudo` that works or not, commands such as
`chromium` there or not, and an `apt-get` that records what it was asked to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent.parent / "scripts" / "check-system.sh"


def _stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def run_check(
    tmp_path: Path,
    *,
    uid: int = 0,
    sudo: bool | None = None,
    apt: bool = True,
    apt_works: str = "yes",
    libraries: tuple[str, ...] = (),
    commands: tuple[str, ...] = (),
    purpose: str = "demo",
    env: dict[str, str] | None = None,
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """The script on a simulated machine: which libraries and commands it has, who runs
    it, and what apt-get and sudo do. Returns the run and the apt-get command lines it made."""
    bin_dir, libs = tmp_path / "bin", tmp_path / "lib"
    bin_dir.mkdir(exist_ok=True)
    libs.mkdir(exist_ok=True)
    for tool in ("sh", "grep", "ls", "cat"):
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).unlink(missing_ok=True)
        (bin_dir / tool).symlink_to(found)
    (bin_dir / "python3").unlink(missing_ok=True)
    (bin_dir / "python3").symlink_to(sys.executable)
    for library in libraries:
        (libs / f"{library}.1").write_text("")
    log = tmp_path / "apt.log"
    for command in commands:
        _stub(bin_dir, command, "exit 0")
    _stub(bin_dir, "ldconfig", "exit 0")  # lists nothing
    _stub(bin_dir, "id", f'[ "$1" = -u ] && echo {uid}')
    if apt:
        lists = tmp_path / "lists-updated"
        result = {
            "yes": "exit 0",
            "after-update": f'[ "$1" = update ] && : > {lists}; [ -e {lists} ] || exit 100',
            "no": "exit 100",
        }[apt_works]
        _stub(bin_dir, "apt-get", f'echo "$(id -u) apt-get $*" >> {log}\n{result}')
    if sudo is not None:
        _stub(bin_dir, "sudo", '[ "$1" = -n ] && shift\n' + ('"$@"' if sudo else "exit 1"))
    environment = {"PATH": str(bin_dir), "LIB_DIRS": str(libs), "HOME": str(tmp_path)}
    done = subprocess.run(
        ["sh", str(SCRIPT), purpose],
        capture_output=True,
        text=True,
        env={**environment, **(env or {})},
        timeout=60,
    )
    calls = log.read_text().splitlines() if log.exists() else []
    return done, calls


ALL = ("libpango-1.0.so.0", "libpangoft2-1.0.so.0", "libharfbuzz-subset.so.0")


def test_nothing_missing_installs_nothing(tmp_path: Path) -> None:
    done, calls = run_check(tmp_path, libraries=ALL)
    assert (done.returncode, done.stdout, done.stderr, calls) == (0, "", "", [])


def test_as_root_it_installs_what_is_missing_and_says_so(tmp_path: Path) -> None:
    done, calls = run_check(tmp_path, libraries=ALL[:2])
    assert done.returncode == 0, done.stderr
    assert "installing system packages: libharfbuzz-subset0" in done.stdout
    assert "installed: libharfbuzz-subset0" in done.stdout
    assert calls == ["0 apt-get install -y -q --no-install-recommends libharfbuzz-subset0"]


def test_a_fresh_machine_gets_pango_too_and_the_test_tools(tmp_path: Path) -> None:
    done, calls = run_check(tmp_path, purpose="test")
    assert done.returncode == 0, done.stderr
    wanted = "libpango-1.0-0 libpangoft2-1.0-0 chromium libharfbuzz-subset0 strace qpdf"
    assert calls == [f"0 apt-get install -y -q --no-install-recommends {wanted}"]


def test_with_sudo_it_installs_through_sudo(tmp_path: Path) -> None:
    done, calls = run_check(tmp_path, uid=1000, sudo=True, libraries=ALL[:2])
    assert done.returncode == 0, done.stderr
    assert calls == ["1000 apt-get install -y -q --no-install-recommends libharfbuzz-subset0"]


def test_stale_package_lists_are_updated_once_then_installed(tmp_path: Path) -> None:
    """A fresh container has no package lists: the first install fails, an update mends it."""
    done, calls = run_check(tmp_path, apt_works="after-update", libraries=ALL[:2])
    assert done.returncode == 0, done.stderr
    assert [c.split()[2] for c in calls] == ["install", "update", "install"]
    assert "installed: libharfbuzz-subset0" in done.stdout


def test_an_optional_package_that_cannot_be_installed_is_a_warning(tmp_path: Path) -> None:
    done, _ = run_check(tmp_path, apt_works="no", libraries=ALL[:2])
    assert done.returncode == 0
    assert "warning: could not install the optional libharfbuzz-subset0" in done.stderr


def test_a_required_package_that_cannot_be_installed_stops(tmp_path: Path) -> None:
    done, _ = run_check(tmp_path, apt_works="no", libraries=ALL[2:])
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "error: apt-get could not install libpango-1.0-0 libpangoft2-1.0-0; try: sudo "
        "apt-get install libpango-1.0-0 libpangoft2-1.0-0"
    ]


@pytest.mark.parametrize("sudo", [None, False])
def test_without_root_or_sudo_a_missing_library_stops_with_one_command(
    tmp_path: Path, sudo: bool | None
) -> None:
    done, calls = run_check(tmp_path, uid=1000, sudo=sudo, libraries=ALL[2:])
    assert done.returncode == 1
    assert calls == []
    assert done.stderr.splitlines() == [
        "error: missing system packages: libpango-1.0-0 libpangoft2-1.0-0; install them "
        "with: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"
    ]


def test_without_root_an_optional_library_is_only_named(tmp_path: Path) -> None:
    done, calls = run_check(tmp_path, uid=1000, libraries=ALL[:2])
    assert (done.returncode, calls) == (0, [])
    assert "sudo apt-get install libharfbuzz-subset0" in done.stderr


def test_no_install_only_reports(tmp_path: Path) -> None:
    done, calls = run_check(tmp_path, env={"BROCHURE_NO_INSTALL": "1"})
    assert (done.returncode, calls) == (1, [])
    assert "sudo apt-get install libpango-1.0-0" in done.stderr


def test_without_apt_get_it_names_the_libraries_and_homebrew(tmp_path: Path) -> None:
    done, _ = run_check(tmp_path, apt=False)
    assert done.returncode == 1
    assert "libpango-1.0-0" in done.stderr
    assert "brew install pango" in done.stderr


# The browser tests drive Chromium: for `test` it is required, like Pango, never optional.
TEST_TOOLS = ("chromium", "strace", "qpdf")


def test_the_demo_needs_no_browser(tmp_path: Path) -> None:
    done, calls = run_check(tmp_path, libraries=ALL, commands=("strace", "qpdf"))
    assert (done.returncode, done.stdout, done.stderr, calls) == (0, "", "", [])


def test_for_the_tests_a_machine_with_chromium_installs_nothing(tmp_path: Path) -> None:
    done, calls = run_check(tmp_path, libraries=ALL, commands=TEST_TOOLS, purpose="test")
    assert (done.returncode, done.stdout, done.stderr, calls) == (0, "", "", [])


def test_for_the_tests_a_missing_chromium_is_installed_after_an_update(tmp_path: Path) -> None:
    """A fresh container: no package lists yet, so install, update, install again."""
    done, calls = run_check(
        tmp_path,
        apt_works="after-update",
        libraries=ALL,
        commands=("strace", "qpdf"),
        purpose="test",
    )
    assert done.returncode == 0, done.stderr
    assert calls == [
        "0 apt-get install -y -q --no-install-recommends chromium",
        "0 apt-get update -q",
        "0 apt-get install -y -q --no-install-recommends chromium",
    ]
    assert done.stdout.splitlines() == [
        "installing system packages: chromium",
        "the package lists may be out of date: apt-get update, then install again",
        "installed: chromium",
    ]


def test_for_the_tests_chromium_comes_through_sudo(tmp_path: Path) -> None:
    done, calls = run_check(
        tmp_path, uid=1000, sudo=True, libraries=ALL, commands=("strace", "qpdf"), purpose="test"
    )
    assert done.returncode == 0, done.stderr
    assert calls == ["1000 apt-get install -y -q --no-install-recommends chromium"]


@pytest.mark.parametrize("sudo", [None, False])
def test_for_the_tests_without_root_or_sudo_a_missing_chromium_stops_with_one_command(
    tmp_path: Path, sudo: bool | None
) -> None:
    done, calls = run_check(
        tmp_path, uid=1000, sudo=sudo, libraries=ALL, commands=("strace", "qpdf"), purpose="test"
    )
    assert (done.returncode, calls) == (1, [])
    assert done.stderr.splitlines() == [
        "error: missing system packages: chromium; install them with: sudo apt-get install chromium"
    ]


def test_for_the_tests_a_chromium_that_cannot_be_installed_stops(tmp_path: Path) -> None:
    done, _ = run_check(
        tmp_path, apt_works="no", libraries=ALL, commands=("strace", "qpdf"), purpose="test"
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "error: apt-get could not install chromium; try: sudo apt-get install chromium"
    ]


def test_for_the_tests_without_apt_get_it_names_chromium(tmp_path: Path) -> None:
    done, _ = run_check(
        tmp_path, apt=False, libraries=ALL, commands=("strace", "qpdf"), purpose="test"
    )
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == "error: missing system packages: chromium"
    assert "Chromium, which the browser tests drive" in done.stderr
    assert "brew install pango" not in done.stderr


def test_the_makefile_runs_the_check_before_it_installs() -> None:
    makefile = (SCRIPT.parent.parent / "Makefile").read_text()
    assert "check-system.sh demo" in makefile
    assert "check-system.sh test" in makefile
    assert os.access(SCRIPT, os.R_OK)
