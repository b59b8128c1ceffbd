"""RenderOptions: the one way options travel, with its key and manifest derived."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from brochure.errors import OptionsError
from brochure.freshness import output_key
from brochure.layout import find_layout
from brochure.options import RenderOptions

from .conftest import BUILTIN_PROFILES

PROFILE = BUILTIN_PROFILES[0]


@dataclasses.dataclass(frozen=True)
class WithMore(RenderOptions):
    """An option added the way a new one is: a field and nothing else."""

    staple: str = "corner"


def test_a_new_field_reaches_the_key_manifest_and_templates() -> None:
    plain, more = WithMore(), WithMore(staple="saddle")
    assert json.loads(plain.cache_key())["staple"] == "corner"
    assert plain.cache_key() != more.cache_key()
    assert plain.to_manifest()["staple"] == "corner"
    assert more.to_manifest()["staple"] == "saddle"
    assert more.for_templates()["staple"] == "saddle"
    layout = find_layout("handout")
    keys = {
        output_key(PROFILE, layout, "letter", html=False, strict=False, options=o)
        for o in (RenderOptions(), plain, more)
    }
    assert len(keys) == 3


def test_every_field_is_in_the_key_and_the_manifest() -> None:
    names = {f.name for f in dataclasses.fields(RenderOptions)}
    assert set(json.loads(RenderOptions().cache_key())) == names
    assert set(RenderOptions().to_manifest()) == names
    # What templates see: all but the theme (given whole) and the ICC profile's bytes.
    assert set(RenderOptions().for_templates()) == names - {"theme", "output_intent"}
    changed = {
        "lang": "es",
        "grayscale": True,
        "allow_remote": True,
        "pdf_variant": "pdf/a-3b",
        "attach_source": True,
        "bleed": 8.5,
        "marks": ("crop",),
    }
    base = RenderOptions().cache_key()
    for name, value in changed.items():
        assert RenderOptions(**{name: value}).cache_key() != base, name  # type: ignore[arg-type]


def test_a_field_that_is_not_plain_data_must_say_how() -> None:
    @dataclasses.dataclass(frozen=True)
    class WithPath(RenderOptions):
        folder: Path = Path("x")

    with pytest.raises(TypeError, match=r"RenderOptions\.folder holds a \w*Path"):
        WithPath().cache_key()


def test_the_manifest_shows_what_was_chosen() -> None:
    shown = RenderOptions(bleed=8.504, marks=("crop", "cross")).to_manifest()
    assert shown["bleed"] == "3mm"
    assert shown["marks"] == ["crop", "cross"]
    assert shown["pdf_variant"] == "pdf/ua-1"  # the default, resolved
    assert shown["theme"] is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"pdf_variant": "pdf/x-1a"}, "unknown PDF variant"),
        ({"marks": ("fold",)}, "unknown marks"),
        ({"pdf_variant": "pdf/x-4", "attach_source": True}, "--attach-source cannot go with"),
        ({"lang": "e s"}, "expected a language tag"),
        ({"lang": "../../etc"}, "expected a language tag"),
    ],
)
def test_rules_are_the_library_s(options: dict[str, object], message: str) -> None:
    with pytest.raises(OptionsError, match=message):
        RenderOptions(**options)  # type: ignore[arg-type]


@pytest.mark.parametrize("layout", ["handout", "flyer", "trifold"])
def test_no_qr_leaves_the_codes_out_and_the_addresses_in(layout: str) -> None:
    from brochure import load_profile
    from brochure.render import render_html
    from brochure.theme import load_theme

    from .conftest import TESTS

    theme = load_theme(TESTS.parent / "examples" / "school-theme.yaml")
    profile = load_profile(PROFILE)
    chosen = find_layout(layout)
    with_codes = render_html(profile, chosen, None, RenderOptions(theme=theme))
    without = render_html(profile, chosen, None, RenderOptions(theme=theme, qr=False))
    assert with_codes.count("QR code for") >= 2  # the main source's and the school's
    assert "QR code for" not in without
    assert "data:image/png;base64" not in without
    assert "Scan to" not in without
    assert "lincolnhs" in without  # the address, with its break points


def test_no_qr_on_every_command_that_prints() -> None:
    from click.testing import CliRunner

    from brochure import cli

    for command in ("render", "booklet", "preview"):
        result = CliRunner().invoke(cli.cli, [command, "--help"])
        assert "--qr / --no-qr" in result.output, command


def test_a_bad_language_is_one_usage_line_from_the_library() -> None:
    from click.testing import CliRunner

    from brochure import cli

    result = CliRunner().invoke(cli.cli, ["render", str(PROFILE), "-o", "-", "--lang", "e s"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --lang: expected a language tag such as es or es-MX, got 'e s'\n"
    )
