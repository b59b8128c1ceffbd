"""Profile data out as tidy YAML, in the block style a person edits by hand."""

from __future__ import annotations

import re
from typing import Any

import yaml


class _TidyDumper(yaml.SafeDumper):
    """Block style YAML people can edit: lists indented, long text folded, paragraphs kept."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if len(value) > 84:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_TidyDumper.add_representer(str, _represent_text)


def to_yaml(data: dict[str, Any], source: str, when: str, *, made: str | None = None) -> str:
    """The profile as tidy YAML, headed by where and when it was imported; `made` is the
    second header line's own words, for files that other commands write."""
    body = yaml.dump(
        data,
        Dumper=_TidyDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=88,
        indent=2,
    )
    # Blank lines between top-level sections, as in a hand-written profile.
    body = re.sub(r"\n(?=[a-z_]+:\n)", "\n\n", body)
    made = made or f"Imported from {source} on {when} by `brochure import`"
    header = (
        "# Career profile for brochure. Schema: `brochure schema` (JSON Schema for editors).\n"
        f"# {made}; review before printing.\n"
    )
    return header + body
