"""Print-shop output, added as WeasyPrint writes the file: each page's BleedBox, the
output intent (WeasyPrint's sRGB, named, or a shop's own ICC profile), and printer's
marks in the registration color.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..icc import OutputIntent

# The PDF/X output intent: the sRGB profile WeasyPrint ships for PDF/A, named as the
# ICC registry names the condition, so that nothing is fetched and nothing guessed.
OUTPUT_CONDITION = "sRGB IEC61966-2.1"


ICC_REGISTRY = "http://www.color.org"


def set_bleed_boxes(pdf: Any, bleed: float) -> None:
    """Every page's BleedBox at `bleed` points outside its TrimBox.

    WeasyPrint's page reaches past the trim by the bleed plus the room for marks,
    and it puts the BleedBox at most 10 points out; a print shop reads the box.
    """
    import pydyf

    kids = pdf.pages["Kids"]
    for number in kids[0::3]:
        page = pdf.objects[number]
        left, bottom, right, top = (float(v) for v in page["TrimBox"])
        page["BleedBox"] = pydyf.Array([left - bleed, bottom - bleed, right + bleed, top + bleed])


def _object_number(reference: Any) -> int:
    """The object number of an indirect reference as pydyf writes it (`b"12 0 R"`)."""
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    return int(text.split()[0])


def _color_spaces(pdf: Any) -> Any:
    """The ColorSpace dictionary of the document's resources.

    WeasyPrint writes one resource dictionary for every page, and its forms and
    patterns refer to the same ColorSpace dictionary: what is named here is named
    for all the content.
    """
    page = pdf.objects[pdf.pages["Kids"][0]]
    resources = pdf.objects[_object_number(page["Resources"])]
    return pdf.objects[_object_number(resources["ColorSpace"])]


def name_output_intent(pdf: Any, shop: OutputIntent | None) -> None:
    """Give the output intent WeasyPrint wrote its name, or the print shop's profile.

    Without `shop`, the sRGB profile WeasyPrint embedded is named as the ICC registry
    names that condition (WeasyPrint names it after the profile's file). With one, its
    file goes in unchanged as the DestOutputProfile, named by its own description: no
    registry is claimed, since a description that reads like a registered condition
    ("FOGRA39") may be a shop's variant of it, and the embedded profile is what a RIP
    uses. WeasyPrint writes every color as DeviceRGB, meaning sRGB; under a CMYK or
    gray condition DeviceRGB means nothing, so DefaultRGB says it is sRGB (the usual
    repair for device colors that do not match a PDF/X output intent).
    """
    import pydyf

    intents = pdf.catalog.get("OutputIntents") or []
    if shop is None:
        for intent in intents:
            intent["OutputConditionIdentifier"] = pydyf.String(OUTPUT_CONDITION)
            intent["OutputCondition"] = pydyf.String(OUTPUT_CONDITION)
            intent["Info"] = pydyf.String(OUTPUT_CONDITION)
            intent["RegistryName"] = pydyf.String(ICC_REGISTRY)
        return
    profile = pydyf.Stream([shop.data], pydyf.Dictionary({"N": shop.components}), compress=True)
    pdf.add_object(profile)
    for intent in intents:
        intent["DestOutputProfile"] = profile.reference
        for key in ("OutputConditionIdentifier", "OutputCondition", "Info"):
            intent[key] = pydyf.String(shop.description)
        intent.pop("RegistryName", None)
    spaces = _color_spaces(pdf)
    spaces["DefaultRGB"] = spaces["srgb"]


# Printer's marks as WeasyPrint 70 draws them for CSS `marks` (an SVG in the outer half
# of the page's reach past the trim), in points: crop marks 1 CSS px wide, the lines of
# a registration target half that, its circle a quarter.
CROP_LINE = 0.75


TARGET_LINE = CROP_LINE / 2


TARGET_CIRCLE = CROP_LINE / 4


_KAPPA = 0.5523  # a quarter circle as one Bezier curve: handles this much of the radius


REGISTRATION = "Registration"  # the color space's name in the page resources


def _at(*values: float) -> str:
    return " ".join(f"{value:.3f}" for value in values)


def mark_operators(media: Sequence[float], trim: Sequence[float], marks: Sequence[str]) -> str:
    """PDF drawing operators for printer's marks around `trim`, inside `media`.

    Where and how long, as WeasyPrint draws them: a crop mark runs along each trim line
    from the paper's edge over half the room outside the trim; a registration target
    sits mid-edge, its line from the edge over half the room, its cross bar and circle
    centred a quarter of the way in. Boxes are (left, bottom, right, top) in points.
    """
    m_left, m_bottom, m_right, m_top = media
    t_left, t_bottom, t_right, t_top = trim
    room = {"left": t_left - m_left, "bottom": t_bottom - m_bottom}
    room |= {"right": m_right - t_right, "top": m_top - t_top}
    ops: list[str] = []
    if "crop" in marks:
        ops.append(f"{CROP_LINE:g} w")
        for y in (t_top, t_bottom):
            ops.append(f"{_at(m_left, y)} m {_at(m_left + room['left'] / 2, y)} l")
            ops.append(f"{_at(m_right, y)} m {_at(m_right - room['right'] / 2, y)} l")
        for x in (t_left, t_right):
            ops.append(f"{_at(x, m_top)} m {_at(x, m_top - room['top'] / 2)} l")
            ops.append(f"{_at(x, m_bottom)} m {_at(x, m_bottom + room['bottom'] / 2)} l")
        ops.append("S")
    if "cross" in marks:
        middle_x, middle_y = (m_left + m_right) / 2, (m_bottom + m_top) / 2
        targets = (  # where on the paper's edge, which way is in, how much room
            ((middle_x, m_top), (0, -1), room["top"]),
            ((middle_x, m_bottom), (0, 1), room["bottom"]),
            ((m_left, middle_y), (1, 0), room["left"]),
            ((m_right, middle_y), (-1, 0), room["right"]),
        )
        lines, circles = [f"{TARGET_LINE:g} w"], [f"{TARGET_CIRCLE:g} w"]
        for (x, y), (dx, dy), reach in targets:
            quarter = reach / 4
            cx, cy = x + dx * quarter, y + dy * quarter
            lines.append(f"{_at(x, y)} m {_at(x + 2 * dx * quarter, y + 2 * dy * quarter)} l")
            lines.append(
                f"{_at(cx - dy * quarter, cy - dx * quarter)} m "
                f"{_at(cx + dy * quarter, cy + dx * quarter)} l"
            )
            r = reach / 8
            k = _KAPPA * r
            circles.append(
                f"{_at(cx + r, cy)} m "
                f"{_at(cx + r, cy + k, cx + k, cy + r, cx, cy + r)} c "
                f"{_at(cx - k, cy + r, cx - r, cy + k, cx - r, cy)} c "
                f"{_at(cx - r, cy - k, cx - k, cy - r, cx, cy - r)} c "
                f"{_at(cx + k, cy - r, cx + r, cy - k, cx + r, cy)} c h"
            )
        ops += [*lines, "S", *circles, "S"]
    return "\n".join(ops)


def _registration(spaces: Any, shop: OutputIntent | None) -> Any:
    """The registration color: the Separation named All, which prints on every plate.

    Where nothing separates (a screen, an office printer) its alternate is black in the
    output intent's own terms: CMYK 1 1 1 1 under a CMYK condition, else black in the
    document's sRGB profile, or DeviceGray in a file with no output intent (PDF/UA);
    none of these is a device color that the file's standard would refuse.
    """
    import pydyf

    if shop is not None and shop.color_space == "CMYK":
        alternate, white, black = "/DeviceCMYK", [0, 0, 0, 0], [1, 1, 1, 1]
    elif "srgb" in spaces:
        alternate, white, black = spaces["srgb"], [1, 1, 1], [0, 0, 0]
    else:
        alternate, white, black = "/DeviceGray", [1], [0]
    tint = pydyf.Dictionary(
        {
            "FunctionType": 2,
            "Domain": pydyf.Array([0, 1]),
            "C0": pydyf.Array(white),
            "C1": pydyf.Array(black),
            "N": 1,
        }
    )
    return pydyf.Array(["/Separation", "/All", alternate, tint])


def draw_marks(pdf: Any, marks: Sequence[str], shop: OutputIntent | None) -> None:
    """Crop marks and registration targets on every page, in the registration color.

    WeasyPrint draws them in RGB black, which a press prints as a mix of inks on each
    plate (or, converted, on the black plate only); a print shop lines plates up by
    marks that print on all of them. They go last in each page's content, as
    WeasyPrint's went over the page's background, and the page's own content is put
    between q and Q so that its coordinate system does not carry over. In a tagged
    PDF they are artifacts of the kind the PDF standard names for cut marks (Page).
    """
    spaces = _color_spaces(pdf)
    spaces[REGISTRATION] = _registration(spaces, shop)
    for number in pdf.pages["Kids"][0::3]:
        page = pdf.objects[number]
        media = [float(v) for v in page["MediaBox"]]
        trim = [float(v) for v in page["TrimBox"]]
        drawn = mark_operators(media, trim, marks)
        content = pdf.objects[_object_number(page["Contents"])]
        content.stream.insert(0, b"q")
        content.stream += [
            b"Q",
            b"/Artifact << /Type /Page >> BDC q",
            f"/{REGISTRATION} CS 1 SCN 0 J 0 j [] 0 d".encode(),
            drawn.encode(),
            b"Q EMC",
        ]
