"""The pathway's steps, numbered or not, each a title, a description and a duration."""

from __future__ import annotations

import re
from typing import Any

from .lines import DURATION, ICON, Line, Reader, lead_icons, unbullet

# A step number on a line of its own, as the second rendering introduces each step.
_STEP_NUMBER = re.compile(r"^(?:step\s*)?\d{1,2}[.):]?$", re.IGNORECASE)
# A step's closing line that is only a span of time (`24 months`, `2-4 years`).
_BARE_DURATION = re.compile(
    r"^(?:about |up to |less than |over )?\d+(?:\.\d+)?(?:\s*(?:-|\u2013|to)\s*\d+(?:\.\d+)?)?"
    r"\s*(?:days?|weeks?|months?|years?)$",
    re.IGNORECASE,
)


def read_steps(reader: Reader, body: list[Line]) -> list[dict[str, Any]]:
    """Steps, each a title, a description and a duration.

    In the second rendering a line holding only the step's number opens each step;
    lines above the first number are read as the first rendering's steps.
    """
    numbers = [i for i, line in enumerate(body) if _STEP_NUMBER.match(ICON.sub("", line.text))]
    if not numbers:
        return _read_unnumbered_steps(reader, body)
    steps = _read_unnumbered_steps(reader, body[: numbers[0]])
    for start, end in zip(numbers, [*numbers[1:], len(body)], strict=True):
        marker, group = body[start], body[start + 1 : end]
        reader.take(marker)
        group = _join_duration_labels(reader, group)
        durations = [line for line in group if _duration(line.text) is not None]
        if not durations and len(group) > 1 and _BARE_DURATION.match(lead_icons(group[-1].text)):
            durations = [Line(group[-1].number, f"Duration: {lead_icons(group[-1].text)}")]
            group = [*group[:-1], durations[0]]
        text = [line for line in group if line not in durations]
        if not text:
            reader.warn(marker, f"step {marker.text!r} has no title")
            continue
        title, _ = unbullet(text[0].text)
        step: dict[str, Any] = {"title": reader.take(Line(text[0].number, title))}
        if len(text) > 1:
            step["description"] = " ".join(reader.take(line) for line in text[1:])
        for index, line in enumerate(durations):
            value = _duration(line.text) or line.text.strip()
            reader.take(line)
            if index == 0:
                step["duration"] = value
            else:
                reader.warn(line, f"duration {value!r} belongs to no step; dropped")
        steps.append(step)
    return steps


def _join_duration_labels(reader: Reader, group: list[Line]) -> list[Line]:
    """`Duration` on a line of its own, its value under it, as one `Duration: …` line."""
    out: list[Line] = []
    index = 0
    while index < len(group):
        line = group[index]
        label = re.fullmatch(r"(?:duration|time|length)\s*:?", lead_icons(line.text), re.I)
        if label and index + 1 < len(group):
            reader.take(line)
            out.append(Line(group[index + 1].number, f"Duration: {group[index + 1].text}"))
            index += 2
            continue
        out.append(line)
        index += 1
    return out


def _read_unnumbered_steps(reader: Reader, body: list[Line]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    group: list[Line] = []

    def close(duration: str | None, at: Line | None = None) -> None:
        if not group:  # a Duration line with no step above it
            if steps and duration is not None and "duration" not in steps[-1]:
                steps[-1]["duration"] = duration
            elif at is not None:
                reader.warn(at, f"duration {duration!r} belongs to no step; dropped")
            return
        title, _ = unbullet(group[0].text)
        step: dict[str, Any] = {"title": reader.take(Line(group[0].number, title))}
        rest = [reader.take(line) for line in group[1:]]
        if rest:
            step["description"] = " ".join(rest)
        if duration is not None:
            step["duration"] = duration
        steps.append(step)
        group.clear()

    pending: list[Line] = []
    for line in body:
        found = _duration(line.text)
        if found is not None:
            group.extend(pending)
            pending.clear()
            reader.take(line)
            close(found, line)
        else:
            pending.append(line)
    # Steps without a Duration line: a numbered or bulleted line starts a step,
    # otherwise lines pair up as title and description.
    while pending:
        group.append(pending.pop(0))
        while pending and not unbullet(pending[0].text)[1] and len(group) < 2:
            group.append(pending.pop(0))
        close(None)
    return steps


def _duration(text: str) -> str | None:
    """The time a `Duration: …` line gives (an icon before it allowed), or None."""
    found = DURATION.match(lead_icons(text))
    return found["value"].strip() if found else None
