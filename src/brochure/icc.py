"""A print shop's ICC output profile (`--output-intent`): read, checked, and described.

Standard library only. PDF/X needs four things from the file: that it is an output
(printer) profile, its data color space, its description and its bytes. Reading the
128-byte header and the description tag here (ICC.1:2010, sections 7.2 and 10) gives
each fault a plain reason; littleCMS, through Pillow, would only say the file did not
open, and would accept a monitor profile as readily as a printer's.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ColorProfileError
from .sourcemap import read_input

# A press profile with large lookup tables is a few MB; past this a file is not one.
MAX_ICC_BYTES = 20_000_000
MAX_DESCRIPTION = 200  # characters kept of a profile's description
_HEADER = 128
_TAG = 12  # signature, offset, size

# The data color spaces a PDF/X-4 output intent may have (ISO 15930-7: gray, RGB,
# CMYK printing conditions), their names and the ICCBased stream's /N.
COLOR_SPACES = {b"GRAY": ("Gray", 1), b"RGB ": ("RGB", 3), b"CMYK": ("CMYK", 4)}
_CLASSES = {
    b"scnr": "an input (scanner or camera) profile",
    b"mntr": "a monitor (display) profile",
    b"link": "a device link profile",
    b"abst": "an abstract profile",
    b"spac": "a color space conversion profile",
    b"nmcl": "a named color profile",
}


@dataclass(frozen=True)
class OutputIntent:
    """A printer's ICC profile as PDF/X embeds it: the file's bytes, unchanged.

    `color_space` is "Gray", "RGB" or "CMYK"; `description` is the profile's own
    name for the printing condition (its `desc` tag), which the PDF's output intent
    carries as its identifier.
    """

    path: Path
    data: bytes = field(repr=False)
    color_space: str
    description: str

    @property
    def components(self) -> int:
        """The color components, as the ICCBased stream's /N."""
        return next(n for name, n in COLOR_SPACES.values() if name == self.color_space)

    @property
    def digest(self) -> str:
        """What an output's cache key records: a changed profile renders again."""
        return hashlib.sha256(self.data).hexdigest()


def load_output_intent(path: str | Path) -> OutputIntent:
    """Read and check a print shop's ICC profile.

    Raises:
        ColorProfileError: at the file, with what is wrong with it.
    """
    path = Path(path)
    data = read_input(path, ColorProfileError, limit=MAX_ICC_BYTES)
    if len(data) > MAX_ICC_BYTES:
        raise ColorProfileError(
            f"larger than {MAX_ICC_BYTES // 1_000_000} MB; a printer's ICC profile is a few MB",
            path=path,
        )
    return read_output_intent(data, path)


def _sig(raw: bytes) -> str:
    return "'" + raw.decode("latin-1") + "'"


def read_output_intent(data: bytes, path: Path) -> OutputIntent:
    """The output intent in `data`, the contents of the ICC profile at `path`."""

    def fail(message: str) -> ColorProfileError:
        return ColorProfileError(message, path=path)

    if not data:
        raise fail("empty file, not an ICC profile")
    if len(data) < _HEADER + 4 or data[36:40] != b"acsp":
        raise fail("not an ICC profile (no 'acsp' signature at byte 36)")
    (size,) = struct.unpack_from(">I", data, 0)
    if size != len(data):
        raise fail(
            f"the ICC header gives a size of {size} bytes but the file has {len(data)}: "
            "it is truncated or damaged"
        )
    major, minor = data[8], data[9] >> 4
    if major not in (2, 4):
        raise fail(f"ICC version {major}.{minor}; PDF/X-4 takes a version 2 or 4 profile")
    kind = data[12:16]
    if kind != b"prtr":
        what = _CLASSES.get(kind, f"of device class {_sig(kind)}")
        raise fail(
            f"is {what}, not a printer (output) profile: a PDF/X output intent describes "
            "the printing condition; ask the print shop for theirs"
        )
    space = data[16:20]
    if space not in COLOR_SPACES:
        raise fail(
            f"has the color space {_sig(space)}; a PDF/X-4 output intent is Gray, RGB or CMYK"
        )
    if data[20:24] not in (b"XYZ ", b"Lab "):
        raise fail(f"has the connection space {_sig(data[20:24])}, neither XYZ nor Lab")
    name, _ = COLOR_SPACES[space]
    return OutputIntent(path, data, name, _description(data, name, fail))


def _tags(data: bytes, fail: Callable[[str], ColorProfileError]) -> dict[bytes, bytes]:
    """The profile's tags by signature, each checked to lie within the file."""
    (count,) = struct.unpack_from(">I", data, _HEADER)
    if _HEADER + 4 + count * _TAG > len(data):
        raise fail(f"truncated tag table: {count} tags do not fit in {len(data)} bytes")
    tags: dict[bytes, bytes] = {}
    for index in range(count):
        signature, offset, size = struct.unpack_from(">4sII", data, _HEADER + 4 + index * _TAG)
        if offset < _HEADER + 4 or offset + size > len(data):
            raise fail(
                f"truncated tag table: the tag {_sig(signature)} ({size} bytes at {offset}) "
                "lies outside the file"
            )
        tags.setdefault(signature, data[offset : offset + size])
    return tags


# What turns colors into the printer's (ICC.1:2010, 8.5): color lookup tables, or
# for a gray printer a tone curve.
_CONVERSIONS = {"Gray": ((b"kTRC",), (b"A2B0", b"B2A0"))}
_TABLES = ((b"A2B0", b"B2A0"),)


def _description(data: bytes, name: str, fail: Callable[[str], ColorProfileError]) -> str:
    """The profile description tag's text: `desc` (ICC v2) or `mluc` (ICC v4)."""
    tags = _tags(data, fail)
    if not any(set(need) <= tags.keys() for need in _CONVERSIONS.get(name, _TABLES)):
        raise fail(
            "has no color conversion tables (AToB0 and BToA0 tags): it is not a complete "
            "printer profile"
        )
    tag = tags.get(b"desc")
    if tag is None:
        raise fail("has no profile description ('desc' tag), which names the printing condition")
    kind = tag[:4]
    if kind not in (b"desc", b"mluc"):
        raise fail(f"the description tag has the type {_sig(kind)}, not 'desc' or 'mluc'")
    text = None
    if len(tag) >= 16:
        text = _text_description(tag) if kind == b"desc" else _localized(tag)
    if text is None:
        raise fail("the profile description ('desc' tag) is cut short")
    shown = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    if not shown:
        raise fail("the profile description ('desc' tag) is empty")
    return shown[:MAX_DESCRIPTION]


def _text_description(tag: bytes) -> str | None:
    """ICC v2 textDescriptionType: ASCII, else its Unicode part; None if cut short."""
    (length,) = struct.unpack_from(">I", tag, 8)
    if 12 + length > len(tag):
        return None
    text = tag[12 : 12 + length].split(b"\0")[0].decode("latin-1")
    unicode_at = 12 + length
    if text.strip() or unicode_at + 8 > len(tag):
        return text
    (units,) = struct.unpack_from(">I", tag, unicode_at + 4)
    raw = tag[unicode_at + 8 : unicode_at + 8 + 2 * units]
    return raw.decode("utf-16-be", errors="replace").split("\0")[0]


def _localized(tag: bytes) -> str | None:
    """ICC v4 multiLocalizedUnicodeType: US English, else any English, else the first."""
    records, record_size = struct.unpack_from(">II", tag, 8)
    if record_size < 12 or 16 + records * record_size > len(tag):
        return None
    texts: dict[bytes, str] = {}
    for index in range(records):
        at = 16 + index * record_size
        language, length, offset = struct.unpack_from(">4sII", tag, at)
        if offset + length > len(tag):
            return None
        texts.setdefault(language, tag[offset : offset + length].decode("utf-16-be", "replace"))
    if b"enUS" in texts:
        return texts[b"enUS"]
    english = [text for language, text in texts.items() if language.startswith(b"en")]
    return english[0] if english else next(iter(texts.values()), "")
