"""Print-shop output: PDF/X-4 with an output intent."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from brochure import load_profile, pipeline
from brochure.render import RenderOptions
from brochure.resources import profiles_dir

from .conftest import DATA, TINY_LAYOUT

PROFILE = profiles_dir() / "registered-nurse.yaml"


def qpdf_ok(data: bytes, tmp_path: Path) -> bool:
    if not shutil.which("qpdf"):
        pytest.skip("qpdf is not installed")
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    return subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


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
    options = RenderOptions(pdf_variant="pdf/x-4")
    data = pipeline.render_profile(profile, TINY_LAYOUT, options=options).pdf.data
    again = pipeline.render_profile(profile, TINY_LAYOUT, options=options).pdf.data
    assert data == again
    _declares_pdf_x(data, tmp_path)
    plain = pipeline.render_profile(profile, TINY_LAYOUT, options=RenderOptions()).pdf.data
    with pikepdf.open(io.BytesIO(plain)) as pdf:
        assert "/OutputIntents" not in pdf.Root


def test_a_pdf_x_booklet_keeps_its_output_intent_and_trim(tmp_path: Path) -> None:
    options = RenderOptions(pdf_variant="pdf/x-4")
    report = pipeline.build_booklet([PROFILE], None, paper="half-letter", options=options)
    _declares_pdf_x(report.data, tmp_path)
