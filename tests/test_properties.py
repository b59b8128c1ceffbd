"""Property-based tests: random valid profiles render with their text intact; random
invalid ones fail with one clear line per problem, never an unexpected exception."""

from __future__ import annotations

import string
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brochure import Profile, cli, load_profile, pipeline
from brochure.errors import BrochureError

from .conftest import DATA, TINY_LAYOUT
from .test_pdf import missing_items, norm

FIELDS = sorted(Profile.model_fields)  # every key a profile may have, kept in step
LETTERS = string.ascii_letters + string.digits + "ÀÉÍÑÓÚÜàáéíñóúüçßøåæ"
word = st.text(LETTERS, min_size=1, max_size=12)
sentence = st.lists(word, min_size=1, max_size=12).map(" ".join)
punctuated = st.tuples(sentence, st.sampled_from(["", ".", "!", "?", ";", " & co.", " (R)"])).map(
    "".join
)


@st.composite
def valid_profiles(draw: st.DrawFn) -> dict[str, Any]:
    profile: dict[str, Any] = {"title": draw(sentence.filter(lambda t: len(t) <= 120))}
    if draw(st.booleans()):
        profile["summary"] = draw(punctuated)
    profile["duties"] = draw(st.lists(punctuated, max_size=6))
    if draw(st.booleans()):
        profile["work_settings"] = draw(st.lists(sentence, min_size=1, max_size=4))
    return profile


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
keys = st.one_of(st.sampled_from(FIELDS), st.text(max_size=8))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), children, max_size=5
        ),
    ),
    max_leaves=25,
)


def _write(text: str | bytes) -> Path:
    folder = Path(tempfile.mkdtemp())
    path = folder / "case.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _assert_one_line_per_problem(err: BrochureError, path: Path) -> None:
    for problem in err.problems:
        line = str(problem)
        assert "\n" not in line
        assert "\r" not in line
        assert line.startswith(str(path)), line
        assert problem.message


def _load_or_fail_cleanly(path: Path) -> None:
    try:
        load_profile(path)
    except BrochureError as err:
        _assert_one_line_per_problem(err, path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_profiles())
def test_valid_profiles_render_and_keep_their_text(data: dict[str, Any]) -> None:
    path = _write(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    profile = load_profile(path)
    rendered = pipeline.render_profile(profile, TINY_LAYOUT)
    items = [data["title"], data.get("summary", ""), *data["duties"]]
    assert not missing_items(rendered.pdf.data, items)
    assert norm(data["title"]) == norm(profile.title)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_random_documents_load_or_fail_with_located_lines(doc: Any) -> None:
    _load_or_fail_cleanly(_write(yaml.safe_dump(doc, allow_unicode=True)))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_fail_cleanly(raw: bytes) -> None:
    _load_or_fail_cleanly(_write(raw))


SEED = (DATA / "profiles" / "valid" / "full.yaml").read_text(encoding="utf-8")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(SEED)),
            st.integers(min_value=0, max_value=8),
            st.text(alphabet=":-[]{}&*!|>'\"#%@`,?\n\t 0123456789abc\\", max_size=4),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mangled_profiles_load_or_fail_with_located_lines(
    edits: list[tuple[int, int, str]],
) -> None:
    """A real profile with random cuts and insertions of YAML's special characters."""
    text = SEED
    for at, cut, insert in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + cut :]
    _load_or_fail_cleanly(_write(text))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(doc=documents)
def test_the_cli_prints_one_error_line_per_problem(
    doc: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(yaml.safe_dump(doc, allow_unicode=True))
    with pytest.raises(SystemExit) as exited:
        cli.main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert exited.value.code in (0, 1)
    assert "Traceback" not in err
    if exited.value.code == 1:
        problems = out.splitlines()
        assert problems
        assert all(line.startswith(str(path)) for line in problems), problems
