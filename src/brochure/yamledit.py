"""Rewrite the values of a YAML file that changed, leaving every other byte as it was.

A yearly refresh changes the figures of profiles that people wrote, commented and laid
out by hand. A round-trip library (ruamel.yaml) re-emits the whole file from its model:
it keeps comments and key order but makes indentation and sequence style uniform across
the file, so a refresh would rewrite lines that hold no figure (docs/DESIGN.md, "Editing
a profile in place"). Here the new data is compared with the old along the document's
node graph, whose marks give each value's place in the text, and only what differs is
rewritten: a changed scalar where it stands, a new key after the key it follows, a
removed key with its lines. The result is read back and must give exactly the new data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from .errors import BrochureError, ProfileError
from .sourcemap import compose_yaml, document_of, plain_value

_WIDE = 1_000_000  # never fold a line


class _Unplaced(Exception):
    """A change that cannot be made in the text where it stands: the caller rewrites a
    larger part."""


def rewrite(
    text: str, new: Mapping[str, Any], path: Path, error: type[BrochureError] = ProfileError
) -> str:
    """`text` (a YAML document already read once by `sourcemap.load_yaml`) changed so that
    it reads as `new`; comments, order, quoting and layout of everything else are kept.

    Raises:
        error: the result would not read back as `new` (a bug, never a half edit).
    """
    node = compose_yaml(text, path, error, checked=True)
    old = document_of(node, path, error).data
    edits = _Edits(text)
    try:
        edits.walk(node, old, new)
    except _Unplaced:
        raise error("cannot change this file in place", path=path) from None
    changed = edits.apply()
    again = document_of(compose_yaml(changed, path, error, checked=True), path, error).data
    if again != new:
        raise error("the file could not be changed in place; it was left as it was", path=path)
    return changed


class _Edits:
    """Replacements of spans of the original text, applied together at the end."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.spans: list[tuple[int, int, str]] = []

    def apply(self) -> str:
        text = self.text
        # From the end back, so earlier places stay valid; at one place, what was added
        # last goes in first and so ends up last (a nested key before its parent's next).
        order = sorted(range(len(self.spans)), key=lambda i: (*self.spans[i][:2], i))
        for index in reversed(order):
            start, end, new = self.spans[index]
            text = text[:start] + new + text[end:]
        return text

    # -- where things are -------------------------------------------------------------

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def after_line(self, index: int) -> int:
        """Just past the line break of the line holding the character before `index`."""
        found = self.text.find("\n", max(index - 1, 0))
        return len(self.text) if found < 0 else found + 1

    def content_end(self, node: yaml.Node) -> int:
        """Where a value's own text ends (a block collection's mark runs on over the
        comments and blank lines that follow it)."""
        if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
            return self.content_end(node.value[-1][1])
        if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
            return self.content_end(node.value[-1])
        end = node.end_mark.index
        while end > node.start_mark.index and self.text[end - 1] in " \t\r\n":
            end -= 1
        return end

    def alone(self, node: yaml.Node) -> bool:
        """Nothing but indentation before `node` on its line."""
        start = node.start_mark.index
        return not self.text[self.line_start(start) : start].strip()

    # -- what to write ----------------------------------------------------------------

    def scalar(self, value: Any) -> str:
        text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=_WIDE)
        text = text.removesuffix("\n").removesuffix("\n...")
        if isinstance(value, str) and ("\n" in text or not text.startswith(("'", '"'))):
            try:
                same = "\n" not in text and plain_value(text) == value
            except BrochureError:
                same = False
            if not same:
                return json.dumps(value, ensure_ascii=False)
        return text

    def block(self, value: Any, indent: int) -> str:
        text = yaml.safe_dump(
            value, default_flow_style=False, sort_keys=False, allow_unicode=True, width=_WIDE
        )
        pad = " " * indent
        return "".join(pad + line + self.newline for line in text.splitlines())

    def entry(self, key: str, value: Any, indent: int) -> str:
        head = " " * indent + self.scalar(key) + ":"
        if _is_collection(value) and value:
            return head + self.newline + self.block(value, indent + 2)
        return f"{head} {self.scalar(value)}{self.newline}"

    # -- comparing --------------------------------------------------------------------

    def walk(self, node: yaml.Node, old: Any, new: Any) -> None:
        """Edits that turn `node` (read as `old`) into `new`; `_Unplaced` when they cannot
        be made inside it."""
        if old == new and type(old) is type(new):
            return
        flow = getattr(node, "flow_style", False)
        if isinstance(node, yaml.MappingNode) and isinstance(new, Mapping) and not flow:
            self.mapping(node, old, new)
        elif isinstance(node, yaml.SequenceNode) and isinstance(new, list) and not flow:
            self.sequence(node, old, new)
        elif not (_is_collection(new) and new) or (flow and old):
            # A scalar, or a flow collection, rewritten where it stands, on its line.
            start, end = node.start_mark.index, self.content_end(node)
            if _is_collection(new):
                text = yaml.safe_dump(
                    new, default_flow_style=True, sort_keys=False, width=_WIDE, allow_unicode=True
                )
                self.spans.append((start, end, text.strip()))
            else:
                self.spans.append((start, end, self.scalar(new)))
        else:
            raise _Unplaced

    def mapping(
        self, node: yaml.MappingNode, old: Mapping[str, Any], new: Mapping[str, Any]
    ) -> None:
        pairs = {key.value: (key, value) for key, value in node.value}
        indent = node.value[0][0].start_mark.column if node.value else 0
        for name, (key, value) in pairs.items():
            if name not in new:
                self.drop(key, value)
                continue
            made = len(self.spans)
            try:
                self.walk(value, old[name], new[name])
            except _Unplaced:
                del self.spans[made:]  # the whole entry is written again instead
                self.replace_entry(key, value, name, new[name])
        # New keys go after the key before them in `new`'s order, or first.
        after: int | None = None
        pending: list[str] = []
        for name in new:
            if name in pairs:
                self.insert(after, pending, new, node, indent)
                key, value = pairs[name]
                after, pending = self.after_line(self.content_end(value)), []
            else:
                pending.append(name)
        self.insert(after, pending, new, node, indent)

    def insert(
        self,
        after: int | None,
        names: Sequence[str],
        new: Mapping[str, Any],
        node: yaml.MappingNode,
        indent: int,
    ) -> None:
        if not names:
            return
        text = "".join(self.entry(name, new[name], indent) for name in names)
        if after is None:
            first_key, first_value = node.value[0]
            if self.alone(first_key):
                after = self.line_start(first_key.start_mark.index)
            else:  # `- title: …`: the first key shares its line with the dash
                after = self.after_line(self.content_end(first_value))
        if after == len(self.text) and not self.text.endswith("\n"):
            text = self.newline + text
        self.spans.append((after, after, text))

    def drop(self, key: yaml.Node, value: yaml.Node) -> None:
        if not self.alone(key):
            raise _Unplaced
        start = self.line_start(key.start_mark.index)
        self.spans.append((start, self.after_line(self.content_end(value)), ""))

    def replace_entry(self, key: yaml.Node, value: yaml.Node, name: str, new: Any) -> None:
        if not self.alone(key):
            raise _Unplaced
        start = self.line_start(key.start_mark.index)
        end = self.after_line(self.content_end(value))
        text = self.entry(name, new, key.start_mark.column)
        if (
            isinstance(value, yaml.ScalarNode)
            and "\n" not in self.text[start : value.end_mark.index]
        ):
            # A comment after a one-line value stays on the key's line.
            comment = self.text[value.end_mark.index : end].rstrip("\r\n")
            if comment.strip().startswith("#"):
                head, rest = text.split(self.newline, 1)
                text = f"{head}{comment}{self.newline}{rest}"
        self.spans.append((start, end, text))

    def sequence(self, node: yaml.SequenceNode, old: list[Any], new: list[Any]) -> None:
        items = node.value
        for item, before, after in zip(items, old, new, strict=False):
            self.walk(item, before, after)
        dash = node.start_mark.column
        if len(new) > len(items):
            where = self.after_line(self.content_end(items[-1]))
            text = self.block(new[len(items) :], dash)
            if where == len(self.text) and not self.text.endswith("\n"):
                text = self.newline + text
            self.spans.append((where, where, text))
        elif len(new) < len(items):
            if not new:
                raise _Unplaced
            first = items[len(new)]
            start = self.line_start(first.start_mark.index)
            if self.text[start : first.start_mark.index].strip() != "-":
                raise _Unplaced
            self.spans.append((start, self.after_line(self.content_end(items[-1])), ""))


def _is_collection(value: Any) -> bool:
    return isinstance(value, Mapping | list)
