"""Print-shop output: --bleed and --marks on every layout and the booklet, and PDF/X-4."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops
from pypdf import PdfReader

from brochure import cli, load_profile, pipeline
from brochure.booklet_apart import build_booklet
from brochure.errors import BookletError, OptionsError, RenderError
from brochure.freshness import output_key
from brochure.icc import MAX_ICC_BYTES, load_output_intent
from brochure.layout import find_layout
from brochure.paper import MM, format_length, parse_bleed, parse_length, parse_marks
from brochure.pdf import Trim
from brochure.render import RenderOptions
from brochure.resources import profiles_dir

from .conftest import DATA, TINY_LAYOUT, Render
from .iccfiles import conversion_tags, localized, printer_profile, text_description

PROFILE = profiles_dir() / "registered-nurse.yaml"
OTHER = profiles_dir() / "dental-hygienist.yaml"
LAYOUTS = ("handout", "flyer", "trifold")
BLEED = 3 * MM
DPI = 100
# Where a band touches the trim, at least, per layout: (page, edges). The trifold's
# panels all keep clear of the paper's edges, so nothing of it reaches into the bleed.
BANDS: dict[str, list[tuple[int | str, tuple[str, ...]]]] = {
    "handout": [(0, ("top", "left", "right"))],
    "flyer": [(0, ("top", "left", "right"))],
    "trifold": [],
    "booklet": [(0, ("top", "left", "right")), ("first career", ("top", "left", "right"))],
}

Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF points


@dataclass
class Page:
    """One page: its boxes and a picture of its whole MediaBox."""

    media: Box
    trim: Box
    bleed: Box
    image: Image.Image

    def pixel(self, x: float, y: float) -> tuple[int, int, int]:
        """The color at PDF point (x, y)."""
        scale = DPI / 72
        column = round((x - self.media[0]) * scale)
        row = round((self.media[3] - y) * scale)
        value = self.image.getpixel((column, row))
        assert isinstance(value, tuple)
        return value[0], value[1], value[2]

    def darkest(self, left: float, bottom: float, right: float, top: float) -> int:
        """The lowest gray level in a region given in PDF points."""
        scale = DPI / 72
        area = (
            round((left - self.media[0]) * scale),
            round((self.media[3] - top) * scale),
            round((right - self.media[0]) * scale),
            round((self.media[3] - bottom) * scale),
        )
        low, _ = self.image.crop(area).convert("L").getextrema()
        assert isinstance(low, int)
        return low


def _box(value: object) -> Box:
    left, bottom, right, top = (float(v) for v in value)  # type: ignore[attr-defined]
    return left, bottom, right, top


def pages_of(data: bytes) -> list[Page]:
    images = []
    document = pdfium.PdfDocument(data)
    for index in range(len(document)):
        images.append(document[index].render(scale=DPI / 72).to_pil().convert("RGB"))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [
            Page(_box(p.MediaBox), _box(p.TrimBox), _box(p.BleedBox), image)
            for p, image in zip(pdf.pages, images, strict=True)
        ]


def qpdf_ok(data: bytes, tmp_path: Path) -> bool:
    if not shutil.which("qpdf"):
        pytest.skip("qpdf is not installed")
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    return subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each layout, and a booklet, rendered by the CLI with `--bleed 3mm --marks crop`."""
    out = tmp_path_factory.mktemp("print")
    runner = CliRunner()
    found: dict[str, Path] = {}
    for layout in LAYOUTS:
        folder = out / layout
        args = ["render", str(PROFILE), "-l", layout, "-o", str(folder), "-q"]
        result = runner.invoke(cli.cli, [*args, "--bleed", "3mm", "--marks", "crop"])
        assert result.exit_code == 0, result.output
        found[layout] = folder / "registered-nurse.pdf"
    booklet = out / "booklet.pdf"
    args = ["booklet", str(PROFILE), str(OTHER), "-o", str(booklet), "--paper", "half-letter"]
    result = runner.invoke(cli.cli, [*args, "--group-by", "cluster", "-q", "--bleed", "3mm"])
    assert result.exit_code == 0, result.output
    # The same booklet again, with marks: the bleed alone must not make a mark area.
    marked = out / "booklet-marked.pdf"
    args[4] = str(marked)
    result = runner.invoke(
        cli.cli, [*args, "--group-by", "cluster", "-q", "--bleed=3mm", "--marks", "crop"]
    )
    assert result.exit_code == 0, result.output
    found["booklet-bleed-only"] = booklet
    found["booklet"] = marked
    return found


def _plain_pages(name: str, render_builtin: Render) -> int:
    """How many pages the same output has without bleed and marks."""
    if name == "booklet":
        report = build_booklet([PROFILE, OTHER], None, paper="half-letter", group_by="cluster")
        return report.pages
    rendered, _ = render_builtin(PROFILE, "letter", name)
    return len(PdfReader(io.BytesIO(rendered.pdf.data)).pages)


@pytest.mark.slow
@pytest.mark.parametrize("name", [*LAYOUTS, "booklet"])
def test_bleed_and_crop_marks_on_every_page(
    name: str, printed: dict[str, Path], tmp_path: Path, render_builtin: Render
) -> None:
    data = printed[name].read_bytes()
    pages = pages_of(data)
    assert len(pages) == _plain_pages(name, render_builtin)
    assert qpdf_ok(data, tmp_path)
    for page in pages:
        # The BleedBox is the trim plus 3 mm; the MediaBox holds room for the marks too.
        for trim, bleed, outward in zip(page.trim, page.bleed, (-1, -1, 1, 1), strict=True):
            assert bleed == pytest.approx(trim + outward * BLEED, abs=0.01)
        for bleed, media, outward in zip(page.bleed, page.media, (-1, -1, 1, 1), strict=True):
            assert outward * (media - bleed) >= 5 * MM
        # Crop marks: dark lines on the trim lines, wholly outside the bleed.
        left, bottom, right, top = page.trim
        b_left, b_bottom, b_right, b_top = page.bleed
        m_left, m_bottom, m_right, m_top = page.media
        near = 0.6 * MM
        for x in (left, right):
            assert page.darkest(x - near, b_top + MM, x + near, m_top) < 128
            assert page.darkest(x - near, m_bottom, x + near, b_bottom - MM) < 128
        for y in (bottom, top):
            assert page.darkest(m_left, y - near, b_left - MM, y + near) < 128
            assert page.darkest(b_right + MM, y - near, m_right, y + near) < 128


def _first_career(data: bytes) -> int:
    return PdfReader(io.BytesIO(data)).page_labels.index("1")


def _same(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return all(abs(x - y) <= 10 for x, y in zip(a, b, strict=True))


def _white(color: tuple[int, int, int]) -> bool:
    return min(color) >= 245


@pytest.mark.slow
@pytest.mark.parametrize("name", [*LAYOUTS, "booklet"])
def test_bands_run_into_the_bleed_and_stop_there(name: str, printed: dict[str, Path]) -> None:
    data = printed[name].read_bytes()
    pages = pages_of(data)
    touching = {
        (_first_career(data) if page == "first career" else page): edges
        for page, edges in BANDS[name]
    }
    step, beyond = 1.5 * MM, BLEED + 1.2 * MM
    for index, page in enumerate(pages):
        left, _, right, top = page.trim
        middle, band = (left + right) / 2, top - 20 * MM
        probes = {  # edge: (just inside the trim, just outside it, past the bleed)
            "top": ((middle, top - step), (middle, top + step), (middle, top + beyond)),
            "left": ((left + step, band), (left - step, band), (left - beyond, band)),
            "right": ((right - step, band), (right + step, band), (right + beyond, band)),
        }
        for edge, (inside, outside, past) in probes.items():
            within, bled = page.pixel(*inside), page.pixel(*outside)
            assert _white(page.pixel(*past)), (index, edge, "past the bleed")
            # Color at the trim runs on into the bleed; white stays white.
            assert _same(within, bled), (index, edge, within, bled)
            if edge in touching.get(index, ()):
                assert not _white(within), (index, edge, "no band at the trim")


@pytest.mark.slow
def test_a_bleed_without_marks_adds_no_mark_area(printed: dict[str, Path]) -> None:
    for page in pages_of(printed["booklet-bleed-only"].read_bytes()):
        assert page.media == pytest.approx(page.bleed, abs=0.01)
        assert page.bleed[0] == pytest.approx(page.trim[0] - BLEED, abs=0.01)


@pytest.mark.slow
def test_the_manifest_and_cache_key_record_bleed_and_marks(printed: dict[str, Path]) -> None:
    manifest = json.loads((printed["flyer"].parent / "manifest.json").read_text())
    assert manifest["bleed"] == "3mm"
    assert manifest["marks"] == ["crop"]
    layout = find_layout("flyer")
    keys = {
        output_key(PROFILE, layout, "letter", html=False, strict=False, options=options)
        for options in (
            RenderOptions(),
            RenderOptions(bleed=BLEED),
            RenderOptions(bleed=BLEED, marks=("crop",)),
            RenderOptions(marks=("crop",)),
        )
    }
    assert len(keys) == 4


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_without_bleed_the_page_is_the_trim(layout: str, render_builtin: Render) -> None:
    rendered, _ = render_builtin(PROFILE, "letter", layout)
    for page in pages_of(rendered.pdf.data):
        assert page.media == page.trim == page.bleed


def test_the_bleed_wins_over_a_layouts_own_page_rules(tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY_LAYOUT, folder)
    with (folder / "style.css").open("a") as sheet:
        sheet.write("@page :first { bleed: 1mm; marks: cross; }\n@page { bleed: 2mm; }\n")
    profile = load_profile(DATA / "profiles/valid/full.yaml")
    plain = pipeline.render_profile(profile, folder).pdf.data
    with pikepdf.open(io.BytesIO(plain)) as pdf:  # the layout's own bleed, left alone
        assert float(pdf.pages[0].MediaBox[0]) == pytest.approx(-1 * MM, abs=0.01)
    options = RenderOptions(bleed=BLEED, marks=("crop",))
    data = pipeline.render_profile(profile, folder, options=options).pdf.data
    for page in pages_of(data):
        reach = Trim(BLEED, ("crop",)).reach
        assert page.media[0] == pytest.approx(page.trim[0] - reach, abs=0.01)
        assert page.bleed[0] == pytest.approx(page.trim[0] - BLEED, abs=0.01)


def _declares_pdf_x(data: bytes, tmp_path: Path) -> None:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier)
        assert str(intent.Info)
        assert str(intent.RegistryName)
        profile = intent.DestOutputProfile
        assert profile.N == 3
        assert profile.read_bytes()[36:40] == b"acsp"  # an ICC profile's signature
        assert all("/TrimBox" in page.obj for page in pdf.pages)
        assert pdf.open_metadata().get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
    assert qpdf_ok(data, tmp_path)


def test_pdf_x_has_an_output_intent_and_stays_reproducible(tmp_path: Path) -> None:
    profile = load_profile(DATA / "profiles/valid/full.yaml")
    options = RenderOptions(pdf_variant="pdf/x-4", bleed=BLEED, marks=("crop", "cross"))
    data = pipeline.render_profile(profile, TINY_LAYOUT, options=options).pdf.data
    again = pipeline.render_profile(profile, TINY_LAYOUT, options=options).pdf.data
    assert data == again
    _declares_pdf_x(data, tmp_path)
    plain = pipeline.render_profile(profile, TINY_LAYOUT, options=RenderOptions()).pdf.data
    with pikepdf.open(io.BytesIO(plain)) as pdf:
        assert "/OutputIntents" not in pdf.Root


@pytest.mark.slow
def test_a_pdf_x_booklet_keeps_its_output_intent_and_trim(tmp_path: Path) -> None:
    options = RenderOptions(pdf_variant="pdf/x-4")
    report = build_booklet([PROFILE], None, paper="half-letter", options=options)
    _declares_pdf_x(report.data, tmp_path)


@pytest.mark.parametrize("value", ["-1mm", "3 parsecs", "1m", "21mm", "3"])
def test_a_bad_bleed_is_a_usage_error(value: str, tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    result = CliRunner().invoke(
        cli.cli, ["render", str(PROFILE), "-o", str(target), "--bleed", value]
    )
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert "'--bleed'" in errors[0]
    assert repr(value) in errors[0]
    assert not target.exists()


def test_imposed_sheets_refuse_what_they_cannot_carry(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "sheets.pdf"
    base = ["booklet", str(PROFILE), "-o", str(target), "--impose", "saddle"]
    for extra in (
        ["--bleed", "3mm"],
        ["--marks", "crop"],
        ["--pdf-variant", "pdf/x-4"],
        ["--pdf-variant", "pdf/ua-1"],  # sheets carry no tags: they cannot claim PDF/UA
    ):
        result = runner.invoke(cli.cli, [*base, *extra])
        assert result.exit_code == 2, result.output
        assert "leave out --impose" in result.stderr, extra
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith("error: ")
    assert runner.invoke(cli.cli, ["booklet", str(PROFILE), "--marks", "fold"]).exit_code == 2
    assert not target.exists()
    with pytest.raises(BookletError, match="leave out --impose"):
        build_booklet([PROFILE], None, impose="saddle", options=RenderOptions(bleed=1))
    for variant in ("pdf/a-3b", "pdf/x-4"):
        with pytest.raises(BookletError, match=f"cannot declare {variant}"):
            build_booklet(
                [PROFILE], None, impose="saddle", options=RenderOptions(pdf_variant=variant)
            )


@pytest.mark.slow
def test_imposed_sheets_claim_no_standard_and_keep_title_and_language(tmp_path: Path) -> None:
    """Printer sheets are not PDF/UA (pypdf drops the tags): they say nothing of it, and
    keep what they can of an accessible document, its language and shown title."""
    import pikepdf

    report = build_booklet([PROFILE], None, impose="saddle", options=RenderOptions(lang="es"))
    with pikepdf.open(io.BytesIO(report.data)) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "es"
        assert bool(root.ViewerPreferences.DisplayDocTitle)
        assert str(pdf.docinfo.Title)
        for claim in ("/StructTreeRoot", "/MarkInfo", "/Metadata", "/OutputIntents"):
            assert claim not in root, claim


def test_lengths_and_marks_are_read_as_a_print_shop_writes_them() -> None:
    assert parse_length("3mm") == pytest.approx(8.50394, abs=1e-5)
    assert parse_length("0.125in") == parse_length("9pt") == parse_length("12px") == 9
    assert parse_length(".3cm") == pytest.approx(parse_length("3mm"))
    assert parse_bleed("0") == 0
    assert format_length(parse_bleed("0.125in")) == "3.175mm"
    assert parse_marks("cross+crop") == ("crop", "cross")
    for bad in ("", "mm", "3 mm", "1m", "3"):
        with pytest.raises(ValueError, match="length"):
            parse_length(bad)
    with pytest.raises(ValueError, match="negative"):
        parse_bleed("-0.1mm")
    with pytest.raises(ValueError, match="at most 20mm"):
        parse_bleed("2.1cm")
    with pytest.raises(ValueError, match="crop"):
        parse_marks("crop+fold")
    with pytest.raises(RenderError, match="unknown printer's marks"):
        Trim(0, ("bleed",))
    # The marks sit wholly outside the bleed, however large the bleed.
    for bleed in (0, BLEED, 20 * MM):
        assert Trim(bleed, ("crop",)).reach / 2 > bleed


# --- A print shop's ICC profile as the PDF/X-4 output intent (--output-intent) ---

SHOP = "Coated FOGRA39 (ISO 12647-2:2004), shop's own"
FULL = DATA / "profiles/valid/full.yaml"


def _main(args: list[str | Path], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Exit status and standard error of `brochure ARGS`, through `main` (as a shell runs it)."""
    with pytest.raises(SystemExit) as exited:
        cli.main([str(a) for a in args])
    return int(exited.value.code or 0), capsys.readouterr().err


def _icc(tmp_path: Path, data: bytes, name: str = "shop.icc") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("space", [b"CMYK", b"RGB ", b"GRAY"])
@pytest.mark.parametrize("version", [2, 4])
def test_a_printer_profile_is_read_as_littlecms_reads_it(
    space: bytes, version: int, tmp_path: Path
) -> None:
    from PIL import ImageCms

    data = printer_profile(SHOP, space=space, version=version)
    intent = load_output_intent(_icc(tmp_path, data))
    assert intent.data == data
    named = {b"GRAY": ("Gray", 1), b"RGB ": ("RGB", 3), b"CMYK": ("CMYK", 4)}[space]
    assert (intent.color_space, intent.components) == named
    opened = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile  # the oracle: littleCMS
    assert intent.description == opened.profile_description == SHOP
    assert opened.device_class == "prtr"


def test_a_profile_description_is_taken_in_english_and_made_printable(tmp_path: Path) -> None:
    def described(desc: bytes) -> str:
        return load_output_intent(_icc(tmp_path, printer_profile(desc, version=4))).description

    assert described(localized([(b"deDE", "Druck"), (b"enUS", "Press"), (b"enGB", "UK")])) == (
        "Press"
    )
    assert described(localized([(b"frFR", "Presse"), (b"enGB", "Press (UK)")])) == "Press (UK)"
    assert described(localized([(b"frFR", "Presse offset")])) == "Presse offset"
    assert described(text_description("  two\tlines\r\nand\x07 a bell ")) == "two lines and a bell"
    assert len(described(text_description("x" * 500))) == 200


def _bad_profiles() -> list[tuple[str, bytes, str]]:
    good = printer_profile(SHOP)
    desc = text_description(SHOP)
    conversions = conversion_tags()
    overlong = bytearray(good)
    overlong[128:132] = (1000).to_bytes(4, "big")
    outside = bytearray(good)
    outside[136:140] = (len(good) + 8).to_bytes(4, "big")  # the first tag's offset
    cut = b"desc\0\0\0\0" + (400).to_bytes(4, "big") + b"Short"
    return [
        ("empty", b"", "empty file, not an ICC profile"),
        ("text", b"shop profile, see e-mail\n" * 10, "not an ICC profile (no 'acsp' signature"),
        ("short", good[:100], "not an ICC profile (no 'acsp' signature at byte 36)"),
        (
            "truncated",
            good[:-40],
            f"the ICC header gives a size of {len(good)} bytes but the file has "
            f"{len(good) - 40}: it is truncated or damaged",
        ),
        ("version 5", printer_profile(SHOP, version=5), "ICC version 5.3; PDF/X-4 takes a version"),
        (
            "monitor",
            printer_profile(SHOP, kind=b"mntr", space=b"RGB "),
            "is a monitor (display) profile, not a printer (output) profile",
        ),
        ("scanner", printer_profile(SHOP, kind=b"scnr"), "is an input (scanner or camera) profile"),
        ("link", printer_profile(SHOP, kind=b"link"), "is a device link profile, not a printer"),
        (
            "lab",
            printer_profile(SHOP, space=b"Lab ", tags=[(b"desc", desc)]),
            "has the color space 'Lab '; a PDF/X-4 output intent is Gray, RGB or CMYK",
        ),
        ("tag count", bytes(overlong), "truncated tag table: 1000 tags do not fit in"),
        ("tag offset", bytes(outside), "truncated tag table: the tag 'desc' ("),
        ("no desc", printer_profile(tags=conversions), "has no profile description ('desc' tag)"),
        (
            "no tables",
            printer_profile(tags=[(b"desc", desc)]),
            "has no color conversion tables (AToB0 and BToA0 tags)",
        ),
        (
            "desc type",
            printer_profile(tags=[(b"desc", b"text\0\0\0\0Press"), *conversions]),
            "the description tag has the type 'text', not 'desc' or 'mluc'",
        ),
        ("desc cut", printer_profile(cut), "the profile description ('desc' tag) is cut short"),
        ("blank", printer_profile(" \t "), "the profile description ('desc' tag) is empty"),
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"), _bad_profiles(), ids=[case[0] for case in _bad_profiles()]
)
def test_a_bad_profile_is_one_error_line_and_no_pdf(
    name: str, data: bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    icc = _icc(tmp_path, data)
    target = tmp_path / "out.pdf"
    code, err = _main(["render", PROFILE, "-o", target, "--output-intent", icc], capsys)
    assert code == 1
    assert err.startswith(f"error: {icc}: {message}"), err
    assert len(err.splitlines()) == 1, err
    assert not target.exists()


def test_a_huge_file_is_refused_unread(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    icc = tmp_path / "huge.icc"
    with icc.open("wb") as handle:  # sparse: nothing of it is written to disk
        handle.truncate(MAX_ICC_BYTES + 1)
    target = tmp_path / "out.pdf"
    code, err = _main(["render", PROFILE, "-o", target, "--output-intent", icc], capsys)
    assert (code, err) == (
        1,
        f"error: {icc}: larger than 20 MB; a printer's ICC profile is a few MB\n",
    )
    missing = tmp_path / "missing.icc"
    code, err = _main(["render", PROFILE, "-o", target, "--output-intent", missing], capsys)
    assert (code, err) == (1, f"error: {missing}: no such file\n")
    assert not target.exists()


def test_an_output_intent_goes_only_with_pdf_x_4(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    icc = _icc(tmp_path, printer_profile(SHOP))
    target = tmp_path / "out.pdf"
    base: list[str | Path] = ["render", PROFILE, "-o", target, "--output-intent", icc]
    for extra in (
        ["--pdf-variant", "pdf/a-3b"],
        ["--pdf-variant", "pdf/ua-1"],
        ["--attach-source"],
    ):
        code, err = _main([*base, *extra], capsys)
        assert code == 2, extra
        assert err.startswith("error: --"), err
        assert len(err.splitlines()) == 1, err
    booklet = ["booklet", PROFILE, "-o", target, "--impose", "saddle", "--output-intent", icc]
    code, err = _main(booklet, capsys)
    assert code == 2
    assert "leave out --output-intent" in err
    assert len(err.splitlines()) == 1
    assert not target.exists()
    # Scripts get the same rule: the profile makes the file PDF/X-4, and no other.
    assert RenderOptions(output_intent=load_output_intent(icc)).variant == "pdf/x-4"
    with pytest.raises(OptionsError, match="cannot go with --pdf-variant pdf/ua-1"):
        RenderOptions(output_intent=load_output_intent(icc), pdf_variant="pdf/ua-1")


def _intent_of(data: bytes) -> dict[str, object]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        (intent,) = pdf.Root.OutputIntents
        profile = intent.DestOutputProfile
        spaces = pdf.pages[0].Resources.ColorSpace
        default = spaces.get("/DefaultRGB")
        return {
            "S": str(intent.S),
            "profile": profile.read_bytes(),
            "N": int(profile.N),
            "identifier": str(intent.OutputConditionIdentifier),
            "condition": str(intent.OutputCondition),
            "info": str(intent.Info),
            "registry": "/RegistryName" in intent,
            "default_rgb": (str(default[0]), int(default[1].N)) if default is not None else None,
            "version": pdf.open_metadata().get("pdfxid:GTS_PDFXVersion"),
        }


@pytest.mark.parametrize(("space", "components"), [(b"CMYK", 4), (b"RGB ", 3), (b"GRAY", 1)])
def test_the_shops_profile_is_embedded_as_it_is(
    space: bytes, components: int, tmp_path: Path
) -> None:
    data = printer_profile(SHOP, space=space)
    options = RenderOptions(
        pdf_variant="pdf/x-4", output_intent=load_output_intent(_icc(tmp_path, data))
    )
    pdf = pipeline.render_profile(load_profile(FULL), TINY_LAYOUT, options=options).pdf.data
    assert _intent_of(pdf) == {
        "S": "/GTS_PDFX",
        "profile": data,  # the file's bytes, not littleCMS's rewrite of them
        "N": components,
        "identifier": SHOP,
        "condition": SHOP,
        "info": SHOP,
        "registry": False,  # no registry is claimed for a shop's own profile
        "default_rgb": ("/ICCBased", 3),  # the content's colors are sRGB, and say so
        "version": "PDF/X-4",
    }
    assert qpdf_ok(pdf, tmp_path)


def test_the_default_intent_is_srgb_as_registered(tmp_path: Path) -> None:
    options = RenderOptions(pdf_variant="pdf/x-4")
    pdf = pipeline.render_profile(load_profile(FULL), TINY_LAYOUT, options=options).pdf.data
    intent = _intent_of(pdf)
    assert (intent["identifier"], intent["registry"], intent["N"]) == ("sRGB IEC61966-2.1", True, 3)
    assert intent["default_rgb"] is None
    assert bytes(intent["profile"])[12:16] == b"mntr"  # a display profile, as documented


def test_the_cli_renders_with_a_shop_profile_reproducibly_and_records_it(tmp_path: Path) -> None:
    data = printer_profile(SHOP)
    icc = _icc(tmp_path, data)
    runner = CliRunner()

    def render(folder: Path) -> bytes:
        args = ["render", str(PROFILE), "-l", "flyer", "-o", str(folder), "-q"]
        args += ["--output-intent", str(icc), "--bleed", "3mm", "--marks", "crop+cross"]
        result = runner.invoke(cli.cli, args)
        assert result.exit_code == 0, result.output
        return (folder / "registered-nurse.pdf").read_bytes()

    first = render(tmp_path / "one")
    assert first == render(tmp_path / "two")
    assert _intent_of(first)["profile"] == data
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text())
    assert (manifest["pdf_variant"], manifest["output_intent"]) == ("pdf/x-4", str(icc))
    # The profile's bytes are part of the key: the same file with a new profile in it
    # renders again, and a run without it is not the same output.
    layout = find_layout("flyer")

    def key() -> str:
        options = RenderOptions(pdf_variant="pdf/x-4", output_intent=load_output_intent(icc))
        return output_key(PROFILE, layout, "letter", html=False, strict=False, options=options)

    before = key()
    icc.write_bytes(printer_profile(SHOP + " v2"))
    plain = output_key(
        PROFILE,
        layout,
        "letter",
        html=False,
        strict=False,
        options=RenderOptions(pdf_variant="pdf/x-4"),
    )
    assert len({before, key(), plain}) == 3
    again = render(tmp_path / "one")
    assert _intent_of(again)["identifier"] == SHOP + " v2"


# --- Printer's marks in the registration color ---

BOTH = ("crop", "cross")


def _strokes(data: bytes) -> list[list[tuple[str, bool]]]:
    """For each page, every stroke: the stroking color space's name, and whether it is
    drawn inside an `/Artifact <</Type /Page>>` marked-content sequence."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            strokes: list[tuple[str, bool]] = []
            space, stack, marked = "/DeviceGray", [], []
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "q":
                    stack.append(space)
                elif op == "Q":
                    space = stack.pop()
                elif op == "CS":
                    space = str(operands[0])
                elif op in ("RG", "G", "K"):
                    space = {"RG": "/DeviceRGB", "G": "/DeviceGray", "K": "/DeviceCMYK"}[op]
                elif op in ("BDC", "BMC"):
                    props = operands[1] if len(operands) > 1 else None
                    page_artifact = (
                        str(operands[0]) == "/Artifact"
                        and isinstance(props, pikepdf.Dictionary)
                        and props.get("/Type") == "/Page"
                    )
                    marked.append(page_artifact)
                elif op == "EMC":
                    marked.pop()
                elif op in ("S", "s", "B", "b", "B*", "b*"):
                    strokes.append((space, any(marked)))
            found.append(strokes)
    return found


@pytest.mark.parametrize(
    ("variant", "space", "alternate", "black"),
    [
        ("pdf/ua-1", None, "/DeviceGray", [0]),
        ("pdf/x-4", None, "/ICCBased", [0, 0, 0]),  # WeasyPrint's sRGB, the output intent
        ("pdf/x-4", b"CMYK", "/DeviceCMYK", [1, 1, 1, 1]),
        ("pdf/x-4", b"RGB ", "/ICCBased", [0, 0, 0]),
    ],
)
def test_marks_are_drawn_in_the_registration_color(
    variant: str, space: bytes | None, alternate: str, black: list[int], tmp_path: Path
) -> None:
    intent = None
    if space is not None:
        intent = load_output_intent(_icc(tmp_path, printer_profile(SHOP, space=space)))
    options = RenderOptions(pdf_variant=variant, bleed=BLEED, marks=BOTH, output_intent=intent)
    data = pipeline.render_profile(load_profile(FULL), TINY_LAYOUT, options=options).pdf.data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        registration = pdf.pages[0].Resources.ColorSpace.Registration
        assert [str(part) for part in registration[:2]] == ["/Separation", "/All"]
        shown = registration[2] if isinstance(registration[2], pikepdf.Name) else registration[2][0]
        assert str(shown) == alternate
        tint = registration[3]
        assert (int(tint.FunctionType), list(tint.C1)) == (2, black)
        assert list(tint.C0) == [1 - value for value in black]
    for strokes in _strokes(data):
        # Crop marks, then the targets' lines and their circles: three strokes, each in
        # the registration color, as cut-mark artifacts; nothing else strokes.
        assert strokes == [("/Registration", True)] * 3
    assert qpdf_ok(data, tmp_path)


def _image(data: bytes, index: int = 0, dpi: int = 200) -> Image.Image:
    return pdfium.PdfDocument(data)[index].render(scale=dpi / 72).to_pil().convert("L")


def test_the_marks_are_where_weasyprint_drew_them() -> None:
    """Same place, same length, same weight as WeasyPrint's own `marks: crop cross`."""
    import weasyprint

    from brochure.pdf import PdfInfo, html_to_pdf
    from brochure.render import render_html

    layout = find_layout(TINY_LAYOUT)
    html = render_html(load_profile(FULL), layout, "letter")
    for bleed in (BLEED, 12 * MM):
        trim = Trim(bleed, BOTH)
        ours = html_to_pdf(
            html, base=TINY_LAYOUT, roots=[TINY_LAYOUT], info=PdfInfo(title="t"), trim=trim
        ).data
        theirs_css = trim.css().replace("marks: none", "marks: crop cross")
        theirs = weasyprint.HTML(
            string=html.replace("</head>", theirs_css + "</head>"),
            base_url=f"{TINY_LAYOUT.as_uri()}/",
        ).write_pdf()
        mine, weasy = _image(ours), _image(theirs)
        assert mine.size == weasy.size
        # Anti-aliasing differs a little (the circles are drawn with other curves).
        _, high = ImageChops.difference(mine, weasy).getextrema()
        assert high <= 80, (bleed, high)
        # And there are marks to compare: the page outside the bleed is not blank.
        margin = mine.crop((0, 0, mine.size[0], round(trim.reach * 200 / 72 / 2)))
        assert margin.getextrema()[0] < 64


def test_nothing_else_is_drawn_outside_the_bleed(tmp_path: Path) -> None:
    """Without the marks' artifact, the room for the marks is blank: WeasyPrint draws
    no RGB marks of its own under the registration-color ones."""
    options = RenderOptions(pdf_variant="pdf/x-4", bleed=BLEED, marks=BOTH)
    data = pipeline.render_profile(load_profile(FULL), TINY_LAYOUT, options=options).pdf.data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        kept, depth = [], 0
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "BDC" and operands[1].get("/Type") == "/Page":
                depth = 1
                continue
            if depth and str(operator) == "EMC":
                depth = 0
                continue
            if not depth:
                kept.append((operands, operator))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
        out = io.BytesIO()
        pdf.save(out)
    blank, marked = _image(out.getvalue()), _image(data)
    reach = round((Trim(BLEED, BOTH).reach - BLEED - MM) * 200 / 72)
    for image, empty in ((blank, True), (marked, False)):
        strips = [
            image.crop((0, 0, image.size[0], reach)),
            image.crop((0, 0, reach, image.size[1])),
        ]
        assert all((strip.getextrema()[0] == 255) == empty for strip in strips)


def test_a_watching_run_renders_again_when_the_shop_profile_changes(tmp_path: Path) -> None:
    import threading

    from brochure import batch

    source = tmp_path / "in" / "career.yaml"
    source.parent.mkdir()
    shutil.copy(FULL, source)
    icc = _icc(tmp_path, printer_profile(SHOP))
    options = RenderOptions(pdf_variant="pdf/x-4", output_intent=load_output_intent(icc))
    reports: list[batch.Report] = []
    done = threading.Event()
    watcher = threading.Thread(
        target=batch.watch_paths,
        args=([source.parent], tmp_path / "out"),
        kwargs={
            "layout": TINY_LAYOUT,
            "interval": 0.05,
            "on_report": reports.append,
            "stop": done.is_set,
            "options": options,
        },
    )
    watcher.start()
    try:
        deadline = time.monotonic() + 60
        while not reports:
            assert time.monotonic() < deadline, "the watcher did not render"
            time.sleep(0.05)
        icc.write_bytes(printer_profile(SHOP + ", updated"))
        while len(reports) < 2:
            assert time.monotonic() < deadline, "a new profile was not noticed"
            time.sleep(0.05)
    finally:
        done.set()
        watcher.join(timeout=30)
    assert [report.count("rendered") for report in reports] == [1, 1]
    (written,) = (tmp_path / "out").glob("*.pdf")
    assert _intent_of(written.read_bytes())["identifier"] == SHOP + ", updated"
