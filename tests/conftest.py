"""Shared fixtures: paths, a CLI runner, and PDFs rendered once per test run."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from brochure import pipeline
from brochure.resources import profiles_dir

TESTS = Path(__file__).parent
DATA = TESTS / "data"
BUILTIN_PROFILES = sorted(profiles_dir().glob("*.yaml"))
TINY_LAYOUT = DATA / "layouts" / "tiny"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden from current output"
    )
    parser.addoption(
        "--update-visual",
        action="store_true",
        help="rewrite the reference page images in tests/visual from current output",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def update_visual(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-visual"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private copy of tests/data, so tests may write next to inputs."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


class WeasyLog(logging.Handler):
    """Collects what WeasyPrint logs, so a test can fail when the renderer complains."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_CACHE: dict[tuple[str, str, str], tuple[pipeline.Rendered, list[str]]] = {}
Render = Callable[..., tuple[pipeline.Rendered, list[str]]]


@pytest.fixture(scope="session")
def render_builtin() -> Iterator[Render]:
    """Render a built-in profile once per run (the handout unless told); returns it with
    WeasyPrint's log lines."""

    def get(
        path: Path, paper: str = "letter", layout: str = "handout"
    ) -> tuple[pipeline.Rendered, list[str]]:
        key = (str(path), paper, layout)
        if key not in _CACHE:
            handler = WeasyLog()
            logger = logging.getLogger("weasyprint")
            logger.addHandler(handler)
            try:
                rendered = pipeline.render_profile(pipeline.load_profile(path), layout, paper)
            finally:
                logger.removeHandler(handler)
            log = [r.getMessage() for r in handler.records if "HarfBuzz" not in r.getMessage()]
            _CACHE[key] = (rendered, log)
        return _CACHE[key]

    return get
