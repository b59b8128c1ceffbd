"""Reading profiles and rewriting their figures in place, per file, in one run.

    .venv/bin/python bench/yaml_edit.py           # the 12 built-in profiles, 50 rounds

Rows, each the median time per profile:
  compose, Python    PyYAML's pure-Python parser (`yaml.SafeLoader`): what `sourcemap`
                     uses for text that could nest too deep for libyaml
  compose, libyaml   PyYAML's C parser (`yaml.CSafeLoader`): `sourcemap`'s usual path
  rewrite            `yamledit.rewrite` of one changed figure, read-back check included
  ruamel round trip  ruamel.yaml load and dump (only when it is installed; it is not a
                     dependency): the round-trip library `yamledit` was chosen over
"""

from __future__ import annotations

import copy
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml
from common import ROOT, emit, machine, timed

ROUNDS = 50


def main() -> None:
    from brochure.sourcemap import load_yaml
    from brochure.yamledit import rewrite

    paths = sorted((ROOT / "profiles").glob("*.yaml"))
    texts = [path.read_text(encoding="utf-8") for path in paths]
    changed = []
    for path, text in zip(paths, texts, strict=True):
        data = copy.deepcopy(load_yaml(path, text).data)
        data["facts"]["median_pay"]["amount"] += 1000
        changed.append((path, text, data))

    def each(action: object) -> float:
        return timed(action, repeat=ROUNDS) / len(paths) * 1000  # type: ignore[arg-type]

    rows = [
        ("compose, Python", each(lambda: [yaml.compose(t, Loader=yaml.SafeLoader) for t in texts])),
        (
            "compose, libyaml",
            each(lambda: [yaml.compose(t, Loader=yaml.CSafeLoader) for t in texts]),
        ),
        ("rewrite one figure", each(lambda: [rewrite(t, d, p) for p, t, d in changed])),
    ]
    try:
        from ruamel.yaml import YAML
    except ImportError:
        ruamel = None
    else:
        ruamel = YAML()
        ruamel.preserve_quotes = True
        ruamel.width = 4096
        ruamel.indent(mapping=2, sequence=4, offset=2)

        def round_trip() -> None:
            for text in texts:
                ruamel.dump(ruamel.load(text), io.StringIO())

        rows.append(("ruamel.yaml round trip", each(round_trip)))
    emit(f"Machine: {machine()}; {len(paths)} profiles, median of {ROUNDS} rounds")
    emit("")
    emit("| per profile | ms | against libyaml compose |")
    emit("| --- | --- | --- |")
    base = rows[1][1]
    for name, ms in rows:
        emit(f"| {name} | {ms:.2f} | {ms / base:.1f}x |")
    if ruamel is None:
        emit("| ruamel.yaml round trip | not installed (`pip install ruamel.yaml`) | |")


if __name__ == "__main__":
    main()
