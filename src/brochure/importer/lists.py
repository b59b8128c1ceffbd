"""The sections that are lists or prose: bullets, paragraphs, certifications, sources and
related careers."""

from __future__ import annotations

import re
from typing import Any

from ..profile import Certification, Related, Source
from .lines import Line, Reader, unbullet

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+")
_CERT = re.compile(
    r"^(?P<name>.+?)"
    r"(?:\s*\((?P<abbr>[A-Za-z0-9][A-Za-z0-9&/.\-]{0,19})\))?"
    r"(?:\s+[-\u2013\u2014]\s+(?P<issuer>[^()]+?)(?:\s*\((?P<note>.+)\))?)?\s*$"
)


def read_bullets(reader: Reader, body: list[Line]) -> list[str]:
    items: list[str] = []
    for line in body:
        text, _ = unbullet(line.text)
        if text:
            items.append(reader.take(Line(line.number, text)))
    return items


def read_paragraphs(reader: Reader, body: list[Line], raw: list[str]) -> str:
    """Lines of prose; a blank line on the page starts a new paragraph."""
    paragraphs: list[list[str]] = []
    last = None
    for line in body:
        if last is None or any(not raw[n - 1].strip() for n in range(last + 1, line.number)):
            paragraphs.append([])
        paragraphs[-1].append(reader.take(line).strip())
        last = line.number
    return "\n\n".join(" ".join(p) for p in paragraphs)


def read_certifications(reader: Reader, body: list[Line]) -> list[dict[str, Any]]:
    certs: list[dict[str, Any]] = []
    for line in body:
        text, _ = unbullet(line.text)
        if not text:
            continue
        found = _CERT.match(text)
        cert: dict[str, Any] = {"name": text}
        if found:
            cert = {"name": found["name"].strip()}
            for key, group in (("abbreviation", "abbr"), ("issuer", "issuer"), ("note", "note")):
                if found[group]:
                    cert[key] = found[group].strip()
        Certification.model_validate(cert)
        reader.take(line)
        certs.append(cert)
    return certs


def read_sources(reader: Reader, body: list[Line]) -> list[dict[str, Any]]:
    sources: list[dict[str, Any]] = []
    for line in body:
        text, _ = unbullet(line.text)
        text = text.replace("\u2197", "").strip()  # the "opens elsewhere" arrow
        url_match = _URL.search(text)
        url = url_match.group(0).rstrip(".,;") if url_match else None
        if url and url.startswith("www."):
            url = f"https://{url}"
        title = _URL.sub("", text).strip(" -\u2013\u2014:()[]") if url_match else text
        if not title and url and sources and "url" not in sources[-1]:
            sources[-1]["url"] = url  # an address on the line under its title
            reader.take(line)
            continue
        source: dict[str, Any] = {"title": title or (url or "")}
        if url:
            source["url"] = url
        year = re.search(r"\((?:19|20)\d{2}\)\s*$", title)
        if year:
            source["year"] = int(year.group(0).strip(" ()"))
        Source.model_validate(source)
        reader.take(line)
        sources.append(source)
    return sources


def read_related(reader: Reader, body: list[Line]) -> list[dict[str, Any]]:
    """Titles, each followed by a blurb: a blurb is a sentence, a title is not."""
    related: list[dict[str, Any]] = []
    for line in body:
        text, _ = unbullet(line.text)
        sentence = (
            text.rstrip().endswith((".", "!", "\u2026"))
            or len(text) > 110
            or len(text.split()) >= 14
        )
        if sentence and related and "blurb" not in related[-1]:
            related[-1]["blurb"] = reader.take(Line(line.number, text))
        elif sentence and related:
            related[-1]["blurb"] += " " + reader.take(Line(line.number, text))
        else:
            related.append({"title": reader.take(Line(line.number, text))})
    for item in related:
        Related.model_validate(item)
    return related
