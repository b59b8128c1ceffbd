"""The page as numbered lines, the reader that records what became of each, and the text
patterns the other modules share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Notice

BULLET = re.compile("^\\s*(?:[-*+\u2022\u00b7\u25e6\u25aa\u2013\u2014]\\s*)+(?=\\S)")
_NUMBERED = re.compile(r"^\s*(?:step\s*)?\d{1,2}[.):]\s+", re.IGNORECASE)
# `Duration: 3 months`, and in the second rendering `Duration3 months`.
DURATION = re.compile(
    r"^\s*(?:duration|time|length)\s*(?::\s*|(?=\d))(?P<value>\S.*)$", re.IGNORECASE
)
# Emoji and pictographs (with their joiners and variation selectors): the icons a
# page sets before a fact or between tags, which no print font draws.
ICON = re.compile(
    "[\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff"
    "\U0001f000-\U0001faff\ufe0e\ufe0f\u200d\u20e3]+"
)
SENTENCE_END = (".", "!", "?", ";", ",")


@dataclass
class Line:
    """A non-empty line of the page and its 1-based number."""

    number: int
    text: str


def looks_like_heading(text: str) -> bool:
    """A short Title Case line with no sentence punctuation: an unknown section's heading."""
    words = text.strip().rstrip(":").split()
    if not 1 <= len(words) <= 6 or len(text) > 60 or BULLET.match(text):
        return False
    if text.rstrip().endswith((".", ",", ";", "?", "!")) or "|" in text or DURATION.match(text):
        return False
    significant = [w for w in words if len(w) > 3]
    return bool(significant) and all(w[0].isupper() for w in significant)


def unbullet(text: str) -> tuple[str, bool]:
    """The text without its bullet (`- •`, `•`, `*`, `1.`), and whether it had one."""
    stripped = BULLET.sub("", text, count=1)
    if stripped != text:
        return stripped.strip(), True
    numbered = _NUMBERED.sub("", text, count=1)
    return numbered.strip(), numbered != text


def lead_icons(text: str) -> str:
    """The text without the icons before it (`💰Median Salary` → `Median Salary`)."""
    return re.sub(rf"^(?:{ICON.pattern}|\s)+", "", text)


class Reader:
    """One page being read: which lines were mapped, which named in a warning, and the warnings."""

    def __init__(self, lines: list[Line], source: str) -> None:
        self.lines = lines
        self.source = source
        self.warnings: list[Notice] = []
        self.taken: set[int] = set()
        self.named: set[int] = set()

    @property
    def mapped(self) -> int:
        return len(self.taken)

    def warn(self, line: Line, message: str) -> None:
        self.named.add(line.number)
        where = Path(self.source) if self.source != "-" else None
        text = f"{self.source}:{line.number}: {message}"
        self.warnings.append(Notice(text, "import", path=where, line=line.number))

    def take(self, line: Line) -> str:
        self.taken.add(line.number)
        return line.text
