"""Small ICC profiles made in the test, so that no printer's profile is shipped or fetched.

`printer_profile()` builds a real, if crude, ICC output profile: littleCMS (through
Pillow, or poppler) opens it and converts colors with it. Its colors come from naive
CMYK/RGB/gray arithmetic, which is all a test needs.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Callable, Sequence

CHANNELS = {b"GRAY": 1, b"RGB ": 3, b"CMYK": 4}
D50 = (0.9642, 1.0, 0.8249)
_TO_XYZ = ((0.4124, 0.3576, 0.1805), (0.2126, 0.7152, 0.0722), (0.0193, 0.1192, 0.9505))
_FROM_XYZ = ((3.2406, -1.5372, -0.4986), (-0.9689, 1.8758, 0.0415), (0.0557, -0.2040, 1.0570))

Color = Sequence[float]


def _rgb_to_lab(rgb: Color) -> tuple[float, float, float]:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    xyz = [sum(m * c for m, c in zip(row, linear, strict=True)) for row in _TO_XYZ]

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = (f(v / w) for v, w in zip(xyz, D50, strict=True))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _lab_to_rgb(lab: Color) -> list[float]:
    lightness, a, b = lab
    fy = (lightness + 16) / 116
    parts = (fy + a / 500, fy, fy - b / 200)
    xyz = [
        w * (t**3 if t > 0.2069 else (t - 16 / 116) / 7.787)
        for t, w in zip(parts, D50, strict=True)
    ]
    linear = [sum(m * c for m, c in zip(row, xyz, strict=True)) for row in _FROM_XYZ]
    clipped = [min(1.0, max(0.0, c)) for c in linear]
    return [12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055 for c in clipped]


def _to_rgb(space: bytes, device: Color) -> list[float]:
    if space == b"CMYK":
        c, m, y, k = device
        return [(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]
    if space == b"GRAY":
        return [device[0]] * 3
    return list(device)


def _from_rgb(space: bytes, rgb: Color) -> list[float]:
    if space == b"CMYK":
        k = 1 - max(rgb)
        if k >= 1:
            return [0.0, 0.0, 0.0, 1.0]
        return [(1 - c - k) / (1 - k) for c in rgb] + [k]
    if space == b"GRAY":
        return [0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]]
    return list(rgb)


def _lab16(lab: Color) -> list[int]:
    """Lab in the ICC v2 16-bit encoding that lut16Type tables use."""
    lightness, a, b = lab
    return [
        round(min(100.0, max(0.0, lightness)) * 0xFF00 / 100),
        round(min(255.0, max(0.0, a + 128)) * 256),
        round(min(255.0, max(0.0, b + 128)) * 256),
    ]


def _lut16(inputs: int, outputs: int, grid: int, point: Callable[[Color], list[int]]) -> bytes:
    """A lut16Type ('mft2') tag: identity matrix and curves, a color lookup table."""
    ramp = struct.pack(">HH", 0, 0xFFFF)
    clut = b"".join(
        struct.pack(f">{outputs}H", *point([i / (grid - 1) for i in index]))
        for index in itertools.product(range(grid), repeat=inputs)
    )
    return (
        b"mft2\0\0\0\0"
        + bytes([inputs, outputs, grid, 0])
        + struct.pack(">9i", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x10000)
        + struct.pack(">HH", 2, 2)
        + ramp * inputs
        + clut
        + ramp * outputs
    )


def text_description(text: str) -> bytes:
    """An ICC v2 textDescriptionType ('desc') tag."""
    ascii_text = text.encode("latin-1") + b"\0"
    return b"desc\0\0\0\0" + struct.pack(">I", len(ascii_text)) + ascii_text + b"\0" * 78


def localized(texts: Sequence[tuple[bytes, str]]) -> bytes:
    """An ICC v4 multiLocalizedUnicodeType ('mluc') tag: (b"enUS", text) records."""
    records, strings = b"", b""
    start = 16 + 12 * len(texts)
    for language, text in texts:
        encoded = text.encode("utf-16-be")
        records += language + struct.pack(">II", len(encoded), start + len(strings))
        strings += encoded
    return b"mluc\0\0\0\0" + struct.pack(">II", len(texts), 12) + records + strings


def _xyz(values: Color) -> bytes:
    return b"XYZ \0\0\0\0" + struct.pack(">3i", *(round(v * 0x10000) for v in values))


def conversion_tags(space: bytes = b"CMYK") -> list[tuple[bytes, bytes]]:
    """The tags that let littleCMS convert to and from the device's colors."""
    channels = CHANNELS[space]
    if space == b"GRAY":
        return [(b"kTRC", b"curv\0\0\0\0" + struct.pack(">I", 0))]
    to_lab = _lut16(channels, 3, 2, lambda d: _lab16(_rgb_to_lab(_to_rgb(space, d))))

    def from_lab(point: Color) -> list[int]:
        lab = (point[0] * 100, point[1] * 255 - 128, point[2] * 255 - 128)
        return [round(v * 0xFFFF) for v in _from_rgb(space, _lab_to_rgb(lab))]

    return [(b"A2B0", to_lab), (b"B2A0", _lut16(3, channels, 9, from_lab))]


def printer_profile(
    description: str | bytes = "Test press, coated paper",
    *,
    space: bytes = b"CMYK",
    kind: bytes = b"prtr",
    version: int = 2,
    tags: Sequence[tuple[bytes, bytes]] | None = None,
) -> bytes:
    """An ICC profile of device class `kind` for `space` ('CMYK', 'RGB ', 'GRAY').

    `description` is a text for the 'desc' tag (typed 'desc' in version 2, 'mluc' in
    version 4) or the tag's bytes as they are; `tags` replaces every tag.
    """
    if tags is None:
        if isinstance(description, bytes):
            desc = description
        elif version >= 4:
            desc = localized([(b"enUS", description)])
        else:
            desc = text_description(description)
        tags = [(b"desc", desc), (b"wtpt", _xyz(D50)), *conversion_tags(space)]
    table, body = b"", b""
    start = 128 + 4 + 12 * len(tags)
    for signature, data in tags:
        padded = data + b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", start + len(body), len(data))
        body += padded
    size = start + len(body)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + bytes([version, 0x10 if version == 2 else 0x30, 0, 0])
        + kind
        + space
        + b"Lab "
        + b"\0" * 12  # date and time
        + b"acsp"
        + b"APPL"
        + b"\0" * 20  # flags, manufacturer, model, attributes
        + b"\0" * 4  # rendering intent: perceptual
        + struct.pack(">3i", *(round(v * 0x10000) for v in D50))
        + b"\0" * 48  # creator, profile id, reserved
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body
