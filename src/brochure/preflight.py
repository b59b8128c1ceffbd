"""Accessibility preflight: what in a layout's HTML would make the PDF fail a reader.

The PDF is tagged from the HTML, so a screen reader gets exactly what the template
says: an `<img>` without `alt` becomes a figure nobody can describe, a skipped
heading level breaks the outline a reader navigates by. These are the problems a
checker such as PAC or veraPDF reports for PDF/UA; catching them in the HTML lets
the warning name the element a layout author has to fix.
"""

from __future__ import annotations

from html.parser import HTMLParser

from .errors import Notice

_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_SHOWN = 60


def _shown(value: str) -> str:
    """An attribute value short enough for a one-line message (data: URLs are long)."""
    if value.startswith("data:"):
        return value.split(",", 1)[0][:_SHOWN] + ",…"
    return value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…"


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.lang: str | None = None
        self.seen_html = False
        self.title: list[str] | None = None
        self.in_title = False
        self.level = 0  # the last heading level seen
        self.heading: tuple[int, list[str]] | None = None  # the open heading and its text
        self.links: list[tuple[str, list[str], bool]] = []  # open <a href>s
        self.svg_depth = 0
        self.svg_titled: list[bool] = []
        self.tables: list[bool] = []  # open tables: has a <th> been seen?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "html" and not self.seen_html:
            self.seen_html = True
            self.lang = named.get("lang", "").strip() or None
        elif tag == "title" and self.svg_depth:
            if self.svg_titled:
                self.svg_titled[-1] = True
        elif tag == "title":
            self.in_title, self.title = True, self.title or []
        elif tag == "img":
            self._image(named)
        elif tag == "svg":
            self.svg_depth += 1
            if self.svg_depth == 1:
                self.svg_titled.append(False)
        elif tag in _HEADINGS:
            self.heading = (_HEADINGS[tag], [])
        elif tag == "a" and named.get("href"):
            labelled = bool(named.get("aria-label", "").strip() or named.get("title", "").strip())
            self.links.append((named["href"], [], labelled))
        elif tag == "table":
            self.tables.append(named.get("role") == "presentation")
        elif tag == "th" and self.tables:
            self.tables[-1] = True

    def _image(self, named: dict[str, str]) -> None:
        source = _shown(named.get("src", ""))
        if "alt" not in named:
            self.problems.append(f'<img src="{source}"> has no alt text')
        elif not named["alt"].strip():
            self.problems.append(
                f'<img src="{source}"> has empty alt text; PDF/UA needs a description '
                "even for a decorative image (or draw it as a CSS background)"
            )
        if self.links:  # an image inside a link labels it
            self.links[-1][1].append(named.get("alt", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and not self.svg_depth:
            self.in_title = False
        elif tag == "svg" and self.svg_depth:
            self.svg_depth -= 1
            if not self.svg_depth and not self.svg_titled.pop():
                self.problems.append("an inline <svg> has no <title> to describe it")
        elif tag in _HEADINGS and self.heading is not None:
            level, words = self.heading
            text = " ".join("".join(words).split())
            if not text:
                self.problems.append(f"an empty <{tag}> heading")
            if level > self.level + 1:
                before = f"<h{self.level}>" if self.level else "the start"
                self.problems.append(
                    f'heading levels skip from {before} to <{tag}> "{_shown(text)}"'
                )
            self.level, self.heading = level, None
        elif tag == "a" and self.links:
            href, words, labelled = self.links.pop()
            if not labelled and not "".join(words).strip():
                self.problems.append(f'a link to "{_shown(href)}" has no text to read out')
        elif tag == "table" and self.tables and not self.tables.pop():
            self.problems.append(
                'a <table> has no header cells (<th>); add them, or role="presentation" '
                "if it only arranges the page"
            )

    def handle_data(self, data: str) -> None:
        if self.in_title and self.title is not None:
            self.title.append(data)
        if self.heading is not None:
            self.heading[1].append(data)
        for _, words, _ in self.links:
            words.append(data)


def accessibility_problems(html: str, layout: str, *, after: int = 0) -> list[Notice]:
    """What in `html` (made with the layout named `layout`) breaks accessibility, as
    one warning each: the document's language and title first, then in document order.

    `after` is the heading level the reader has reached before `html` begins: a part
    of a booklet joined after the cover's `<h1>` may open at `<h2>`.
    """
    scan = _Scan()
    scan.level = after
    scan.feed(html)
    scan.close()
    found: list[str] = []
    if scan.lang is None:
        found.append('the <html> element has no lang attribute (lang="{{ lang }}")')
    if not "".join(scan.title or []).strip():
        found.append("the document has no <title> (<title>{{ profile.title }}</title>)")
    found += dict.fromkeys(scan.problems)
    # The template makes these, whatever the profile: a problem of the layout.
    return [
        Notice(f"accessibility (layout {layout}): {problem}", "accessibility", layout=True)
        for problem in found
    ]
