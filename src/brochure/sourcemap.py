"""Safe YAML loading that remembers the source line of every value.

PyYAML's own constructors follow YAML 1.1, which silently turns `no` into False,
`1:30` into 90 and `2024-05-01` into a date. Profiles are written by people, so we
compose the node graph and build plain Python values ourselves under YAML 1.2 core
rules: only obvious numbers, `true`/`false` and `null` are not text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import BrochureError, Problem, ProfileError

MAX_BYTES = 1_000_000
MAX_NODES = 50_000
MAX_DEPTH = 40
_C_SAFE_BRACKETS = 1_000

Key = str | int
FieldPath = tuple[Key, ...]

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_STD = "tag:yaml.org,2002:"
_PLAIN = "tag:brochure,2026:plain"
_ALLOWED_TAGS = {
    _PLAIN,
    *(f"{_STD}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")),
}


class _Loader(yaml.SafeLoader):
    """Composes nodes only; plain scalars get a marker tag so we can apply our own rules."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN
        return str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]


def format_path(path: Iterable[Key]) -> str:
    """`("duties", 3, "x")` → `duties[3].x`, the way profile fields are named in messages."""
    out = ""
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            out += f".{key}" if out else str(key)
    return out


@dataclass
class Document:
    """A loaded YAML document and the 1-based line where each field path starts."""

    path: Path
    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)

    def line_of(self, path: Iterable[Key]) -> int:
        """Line of the value at `path`, or of its nearest ancestor that exists."""
        parts = tuple(path)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return self.lines.get((), 1)


class _Builder:
    def __init__(self, path: Path, error: type[BrochureError]) -> None:
        self.path = path
        self.error = error
        self.lines: dict[FieldPath, int] = {}
        self.count = 0
        self.active: set[int] = set()

    def fail(self, node: yaml.Node, where: FieldPath, message: str) -> BrochureError:
        return self.error(
            message, path=self.path, line=node.start_mark.line + 1, field=format_path(where) or None
        )

    def build(self, node: yaml.Node, where: FieldPath, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, where, f"more than {MAX_NODES} values (aliases expanding?)")
        if depth > MAX_DEPTH:
            raise self.fail(node, where, f"nested deeper than {MAX_DEPTH} levels")
        if node.tag not in _ALLOWED_TAGS:
            raise self.fail(node, where, f"unsupported YAML tag {node.tag.replace(_STD, '!!')}")
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, where)
        if id(node) in self.active:
            raise self.fail(node, where, "recursive alias")
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return self.sequence(node, where, depth)
            assert isinstance(node, yaml.MappingNode)
            return self.mapping(node, where, depth)
        finally:
            self.active.discard(id(node))

    def scalar(self, node: yaml.ScalarNode, where: FieldPath) -> Any:
        text = node.value
        if node.tag != _PLAIN:
            return self.tagged(node, where)
        if text in _NULL:
            return None
        if text in _BOOL:
            return _BOOL[text]
        if _INT.fullmatch(text):
            if len(text) > 30:
                raise self.fail(node, where, "number has too many digits")
            return int(text)
        if _FLOAT.fullmatch(text):
            if len(text) > 40:
                raise self.fail(node, where, "number has too many digits")
            return float(text)
        return text

    def tagged(self, node: yaml.ScalarNode, where: FieldPath) -> Any:
        """Quoted and block scalars are text; an explicit `!!int` and friends are honoured."""
        tag = node.tag.removeprefix(_STD)
        if tag == "str":
            return node.value
        value: Any = self.scalar(yaml.ScalarNode(_PLAIN, node.value, node.start_mark), where)
        kinds: dict[str, type | tuple[type, ...]] = {
            "int": int,
            "float": (int, float),
            "bool": bool,
            "null": type(None),
        }
        if not isinstance(value, kinds[tag]) or (tag != "bool" and isinstance(value, bool)):
            raise self.fail(node, where, f"{node.value!r} is not a valid !!{tag}")
        return float(node.value) if tag == "float" else value

    def sequence(self, node: yaml.SequenceNode, where: FieldPath, depth: int) -> list[Any]:
        items = []
        for index, child in enumerate(node.value):
            sub = (*where, index)
            self.lines[sub] = child.start_mark.line + 1
            items.append(self.build(child, sub, depth + 1))
        return items

    def mapping(self, node: yaml.MappingNode, where: FieldPath, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, where, "keys must be plain text")
            key = key_node.value
            sub = (*where, key)
            if key in out:
                first = self.lines.get(sub, "?")
                raise self.fail(key_node, sub, f"duplicate key (first given on line {first})")
            self.lines[sub] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, sub, depth + 1)
        return out


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode(raw: bytes, path: Path, error: type[BrochureError] = ProfileError) -> str:
    """UTF-8 text of a file (a byte-order mark is accepted), or a `ProfileError` saying where.

    UTF-16 with a byte-order mark (Windows Notepad's "Unicode") is read too; without
    one it is named, so the fix is clear, rather than reported as binary.
    """
    if len(raw) > MAX_BYTES:
        raise error(f"file is larger than {MAX_BYTES // 1000} kB", path=path)
    if raw.startswith(_UTF16_BOMS):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise error(
                "saved as UTF-16 but not valid UTF-16: save it as UTF-8", path=path
            ) from None
    if b"\x00" in raw:
        sample = raw[:200]
        if len(sample) >= 4 and (
            sample[1::2].count(0) > len(sample) // 3 or sample[::2].count(0) > len(sample) // 3
        ):
            raise error("saved as UTF-16 without a byte-order mark: save it as UTF-8", path=path)
        raise error("not a text file (contains NUL bytes)", path=path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise error(
            f"not valid UTF-8 (byte 0x{raw[err.start]:02x})", path=path, line=line
        ) from None


def link_outside(path: Path) -> str | None:
    """Where `path` really leads, when that is outside the folder it is found in.

    Inputs are read only from the folders they are named in: a link that leads
    elsewhere (`nurse.yaml -> /home/x/secrets.yaml`) is refused before it is opened.
    Resolving reads links, never the file.
    """
    real = os.path.realpath(path)
    folder = os.path.realpath(path.parent)
    if os.path.commonpath([folder, real]) == folder:
        return None
    return real


def read_input(
    path: Path, error: type[BrochureError] = ProfileError, limit: int = MAX_BYTES
) -> bytes:
    """An input file's bytes, at most `limit` + 1 of them (enough to tell it is too big).

    A device, a FIFO or a socket is refused without opening it: reading `/dev/zero`
    never ends, and opening a FIFO blocks until someone writes to it. So is a link
    that leads out of the file's folder (`link_outside`).
    """
    try:
        if (target := link_outside(path)) is not None:
            raise error(
                f"is a link to {target}, outside its folder; inputs are read only from "
                "the folder they are in: copy the file here",
                path=path,
            )
        if path.exists() and not path.is_file() and not path.is_dir():
            raise error("not a regular file", path=path)
        with path.open("rb") as handle:
            return handle.read(limit + 1)
    except FileNotFoundError:
        raise error("no such file", path=path) from None
    except IsADirectoryError:
        raise error("is a folder, not a file", path=path) from None
    except OSError as err:
        raise error(f"cannot read: {err.strerror}", path=path) from None


class _FastLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """libyaml's parser, with `_Loader`'s tags: about fifteen times faster, for text known
    to be shallow (its composer recurses in C, where Python's recursion limit is no guard)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN
        return str(super().resolve(kind, value, implicit))


def compose_yaml(
    text: str, path: Path, error: type[BrochureError] = ProfileError, *, checked: bool = False
) -> yaml.Node:
    """The node graph of one YAML document, its marks giving every value's place in `text`.

    libyaml composes it (about fifteen times faster) unless the text could nest deep enough to
    exhaust the C stack: block nesting is bounded by the indentation `MAX_BYTES` allows,
    flow nesting by the number of brackets. `checked` text was read once already.
    """
    shallow = checked or text.count("[") + text.count("{") < _C_SAFE_BRACKETS
    try:
        node = yaml.compose(text, Loader=_FastLoader if shallow else _Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        reason = err.problem or err.context or "invalid YAML"
        if err.context and err.context_mark and "end of stream" in reason:
            # An unclosed quote or bracket: where it opened is more useful than the end.
            mark, reason = err.context_mark, f"{err.context}, {reason}"
        line = mark.line + 1 if mark else None
        raise error(f"invalid YAML: {reason}", path=path, line=line) from None
    except yaml.YAMLError as err:
        raise error(f"invalid YAML: {err}", path=path) from None
    except RecursionError:
        raise error("invalid YAML: nested too deeply", path=path) from None
    if node is None:
        raise error("file is empty", path=path)
    return node


def document_of(node: yaml.Node, path: Path, error: type[BrochureError] = ProfileError) -> Document:
    """Plain values (YAML 1.2 core rules) and their lines, from a composed document."""
    builder = _Builder(path, error)
    builder.lines[()] = node.start_mark.line + 1
    try:
        data = builder.build(node, ())
    except RecursionError:
        raise error("invalid YAML: nested too deeply", path=path) from None
    return Document(path=path, data=data, lines=builder.lines)


def load_yaml(
    path: Path, text: str | None = None, error: type[BrochureError] = ProfileError
) -> Document:
    """Parse one YAML document safely; errors (of class `error`) carry the file and line."""
    if text is None:
        text = decode(read_input(path, error), path, error)
    return document_of(compose_yaml(text, path, error), path, error)


def plain_value(text: str) -> Any:
    """What a plain (unquoted) scalar means under the rules profiles are read by (an
    over-long number raises `ProfileError`)."""
    node = yaml.ScalarNode(_PLAIN, text, yaml.Mark("", 0, 0, 0, None, 0))
    return _Builder(Path(), ProfileError).scalar(node, ())


def problem_at(doc: Document, where: Iterable[Key], message: str) -> Problem:
    """A `Problem` located at a field of `doc`."""
    parts = tuple(where)
    return Problem(message, doc.path, doc.line_of(parts), format_path(parts) or None)
