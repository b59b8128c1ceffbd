"""Reading WeasyPrint's private box tree: page fill, text off the page or lost, and the
line and piece records the typography checks read. WeasyPrint is pinned below its next
major version; an upgrade that changes the box tree touches this file alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from ..typography import Line, Piece


def page_content(page_box: Any) -> Iterator[Any]:
    """Every box laid out on a page, except the margin boxes (running header and footer)."""
    from weasyprint.formatting_structure import boxes

    for child in page_box.children:
        if not isinstance(child, boxes.MarginBox):
            # placeholders=True: absolutely positioned boxes (a step number) count too.
            yield from child.descendants(placeholders=True)


_INVISIBLE = str.maketrans("", "", "\u200b\u00ad\u2060\ufeff")


class _BodyText(HTMLParser):
    """The letters of an HTML document's body, as a reader would see them."""

    SKIP = frozenset({"head", "style", "script", "title", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.count = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.count += _letters(data)


def _letters(text: str) -> int:
    return sum(1 for ch in text.translate(_INVISIBLE) if not ch.isspace())


def source_chars(html: str) -> int:
    parser = _BodyText()
    parser.feed(html)
    parser.close()
    return parser.count


def laid_chars(document: Any) -> int:
    from weasyprint.formatting_structure import boxes

    return sum(
        _letters(box.text)
        for page in document.pages
        for box in page_content(page._page_box)
        if isinstance(box, boxes.TextBox)
    )


def page_fill(page: Any) -> float:
    """How much of a page's content area holds content, from 0 to 1."""
    from weasyprint.formatting_structure import boxes

    top = page.content_box_y()
    bottom = top
    for box in page_content(page):
        if isinstance(box, boxes.LineBox | boxes.ReplacedBox) or (
            isinstance(box, boxes.BlockBox) and not box.children
        ):
            bottom = max(bottom, box.position_y + box.margin_height())
    return float(min(1.0, max(0.0, (bottom - top) / page.height)))


def last_page_fill(document: Any) -> float:
    return page_fill(document.pages[-1]._page_box)


def page_fills(document: Any) -> list[float]:
    """How full each page is, top to bottom (0 to 1)."""
    return [page_fill(page._page_box) for page in document.pages]


def first_words(document: Any, index: int, length: int = 60) -> str:
    """The first words laid out on page `index` (0-based): where content ran over."""
    from weasyprint.formatting_structure import boxes

    if index >= len(document.pages):
        return ""
    words: list[str] = []
    for box in page_content(document.pages[index]._page_box):
        if isinstance(box, boxes.TextBox) and box.text.strip():
            words.append(box.text.strip())
            if sum(len(w) + 1 for w in words) >= length:
                break
    return " ".join(words)[:length]


def overflowing_text(document: Any, limit: int = 3) -> list[str]:
    """Text laid out beyond its page's content box: it would be cut off or run off paper.

    WeasyPrint lets content overflow silently (a too-wide table, a long word in a narrow
    cell); a print layout wants to hear about it.
    """
    from weasyprint.formatting_structure import boxes

    found: list[str] = []
    for number, page in enumerate(document.pages, start=1):
        box = page._page_box
        left, top = box.content_box_x(), box.content_box_y()
        right, bottom = left + box.width, top + box.height
        for text in page_content(box):
            if not isinstance(text, boxes.TextBox) or not text.text.strip():
                continue
            x, y = text.position_x, text.position_y
            if (
                x < left - 1
                or x + text.width > right + 1
                or y < top - 1
                or y + text.height > bottom + 1
            ):
                found.append(f"text runs off page {number}: {text.text.strip()[:40]!r}")
                if len(found) >= limit:
                    return found
    return found


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


_KINDS = {"li": "list item", "td": "table cell", "th": "table cell", "dd": "description"}


def _number(value: Any) -> float:
    """A laid-out length, or 0 where a box has none (`auto` on a box never laid out)."""
    return float(value) if isinstance(value, int | float) else 0.0


def _height(box: Any) -> float:
    """A line's height, or an image's with its margins; 0 for a box never laid out."""
    try:
        return _number(box.margin_height())
    except (TypeError, AttributeError):  # `auto` left on a box outside the flow
        return 0.0


def _words(box: Any) -> str:
    """The text of a laid-out box, spaces as laid out, ends stripped."""
    from weasyprint.formatting_structure import boxes

    return "".join(
        t.text for t in box.descendants(placeholders=True) if isinstance(t, boxes.TextBox)
    ).strip()


def _has_image(box: Any) -> bool:
    from weasyprint.formatting_structure import boxes

    return any(isinstance(b, boxes.ReplacedBox) for b in box.descendants(placeholders=True))


def _is_heading(box: Any, parent: Any) -> bool:
    """An h1 to h6 or `role="heading"` element's own box (not an anonymous box inside it)."""
    element = box.element
    if element is None or (parent is not None and parent.element is element):
        return False
    tag = box.element_tag
    get = getattr(element, "get", None)
    return tag in _HEADINGS or (get is not None and get("role") == "heading")


def _flow(page_box: Any) -> list[Any]:
    """A page's top boxes in reading order, without the running header and footer and
    the footnotes: they are not the flow of the text."""
    from weasyprint.formatting_structure import boxes

    return [
        child
        for child in page_box.children
        if not isinstance(child, boxes.MarginBox | boxes.FootnoteAreaBox)
    ]


def _text_lines(box: Any) -> list[Any]:
    """The lines of a block that hold text (not those of its child blocks)."""
    from weasyprint.formatting_structure import boxes

    return [child for child in box.children if isinstance(child, boxes.LineBox) and _words(child)]


def _piece(box: Any, lines: list[Any], block: int, page: int, column: int | None) -> Piece:
    """One piece of a block of text, as `typography` reads it: its place, its number of
    lines, the edges WeasyPrint cut (see `typeset`), the first lines' words."""
    sides = getattr(box, "remove_decoration_sides", None) or ()
    return Piece(
        block=block,
        page=page,
        column=column,
        lines=len(lines),
        continues="bottom" in sides,
        continued="top" in sides,
        kind=_KINDS.get(str(box.element_tag).split("::")[0], "paragraph"),
        text=" ".join(_words(line) for line in lines[:3]),
    )


def typeset(document: Any) -> tuple[list[Line], list[Piece]]:
    """The lines of a laid-out document in reading order, and its blocks of text piece by
    piece, as plain records for the checks in `typography`.

    A block broken across pages or columns is laid out as one box per piece, each a copy
    of the same box, so its element, tag and style name the block. Whether a piece goes
    on is WeasyPrint's own record of the edges it cut (`bottom` on the piece that goes
    on, `top` on the next), which also tells a broken block from sibling anonymous boxes
    of one element and a table header repeated on each page. A block set with
    `box-decoration-break: clone` keeps its edges and is not checked. Iterative, so a
    deeply nested user layout cannot exhaust the stack here.
    """
    from weasyprint.formatting_structure import boxes

    lines: list[Line] = []
    pieces: list[Piece] = []
    numbers: dict[tuple[object, ...], int] = {}

    def number(*key: object) -> int:
        return numbers.setdefault(key, len(numbers))

    for page_no, page in enumerate(document.pages):
        stack: list[tuple[Any, Any, int | None, int | None]] = [
            (child, None, None, None) for child in reversed(_flow(page._page_box))
        ]
        while stack:
            box, parent, column, heading = stack.pop()
            box = getattr(box, "_box", box)  # an absolutely positioned box's placeholder
            if not isinstance(box, boxes.Box):
                continue
            if box.is_column:
                column = number(0, id(box))
            if heading is None and _is_heading(box, parent):
                heading = number(1, id(box.element))
            if isinstance(box, boxes.LineBox | boxes.ReplacedBox):
                text = _words(box)
                if text or _has_image(box):
                    top = _number(box.position_y)
                    lines.append(Line(page_no, top, top + _height(box), column, heading, text))
                continue  # a line's inline-blocks are part of the line
            if counted := _text_lines(box):
                block = number(2, id(box.element), id(box.style), box.element_tag)
                pieces.append(_piece(box, counted, block, page_no, column))
            stack.extend((child, box, column, heading) for child in reversed(box.children))
    return lines, pieces
