"""Values of a YAML file rewritten in place: every other byte stays as it was."""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brochure.errors import ProfileError
from brochure.sourcemap import load_yaml
from brochure.yamledit import rewrite

PROFILES = sorted((Path(__file__).parent.parent / "profiles").glob("*.yaml"))

HAND_WRITTEN = """\
# Welding, as our office wrote it.  Keep the notes!
title: Welder   # the title students know
facts:
    median_pay: {amount: 51000, period: year}   # flow style, on purpose
    job_growth:
      percent: 2
      rating: Steady     # our word
duties:
- Weld metal parts
- Read blueprints    # from the shop teacher
pathway:
    -   title: Finish high school
        duration: 4 years
summary: "Joins metal"
"""


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def edited(text: str, change: Any) -> str:
    path = Path("x.yaml")
    new = copy.deepcopy(load_yaml(path, text).data)
    change(new)
    return rewrite(text, new, path)


def test_a_changed_scalar_is_rewritten_where_it_stands() -> None:
    def change(data: dict[str, Any]) -> None:
        data["facts"]["job_growth"]["percent"] = 4.5

    after = edited(HAND_WRITTEN, change)
    assert changed_lines(HAND_WRITTEN, after) == ["-      percent: 2", "+      percent: 4.5"]


def test_flow_mappings_stay_flow_and_comments_stay() -> None:
    def change(data: dict[str, Any]) -> None:
        data["facts"]["median_pay"]["amount"] = 52340

    after = edited(HAND_WRITTEN, change)
    assert changed_lines(HAND_WRITTEN, after) == [
        "-    median_pay: {amount: 51000, period: year}   # flow style, on purpose",
        "+    median_pay: {amount: 52340, period: year}   # flow style, on purpose",
    ]


def test_new_keys_follow_the_key_before_them_at_its_indentation() -> None:
    def change(data: dict[str, Any]) -> None:
        growth = data["facts"]["job_growth"]
        data["facts"]["job_growth"] = {**growth, "years": "2025-2035"}
        data["facts"]["state_pay"] = {"IL": {"amount": 50000, "period": "year"}}

    after = edited(HAND_WRITTEN, change)
    assert changed_lines(HAND_WRITTEN, after) == [
        "+      years: 2025-2035",
        "+    state_pay:",
        "+      IL:",
        "+        amount: 50000",
        "+        period: year",
    ]


def test_removed_keys_take_their_lines_and_items_can_be_added() -> None:
    def change(data: dict[str, Any]) -> None:
        del data["facts"]["job_growth"]["rating"]
        data["duties"].append("Inspect welds: visually, and with gauges")

    after = edited(HAND_WRITTEN, change)
    assert changed_lines(HAND_WRITTEN, after) == [
        "-      rating: Steady     # our word",
        "+- 'Inspect welds: visually, and with gauges'",
    ]


def test_a_text_value_that_would_read_as_a_number_is_quoted() -> None:
    def change(data: dict[str, Any]) -> None:
        data["title"] = "1.5e3"
        data["summary"] = "two\nlines"

    after = edited(HAND_WRITTEN, change)
    assert load_yaml(Path("x.yaml"), after).data["title"] == "1.5e3"
    assert load_yaml(Path("x.yaml"), after).data["summary"] == "two\nlines"


def test_windows_line_ends_are_kept() -> None:
    text = HAND_WRITTEN.replace("\n", "\r\n")

    def change(data: dict[str, Any]) -> None:
        data["as_of"] = "2025-05"

    after = edited(text, change)
    assert "\n" not in after.replace("\r\n", "")
    assert after.endswith("as_of: 2025-05\r\n")


def test_a_file_without_a_final_line_break() -> None:
    after = edited("title: Welder", lambda data: data.update(as_of="2025-05"))
    assert after == "title: Welder\nas_of: 2025-05\n"


def test_a_shorthand_value_becomes_a_mapping() -> None:
    text = (
        "title: Welder\nfacts:\n  median_pay: $51,000 per year  # from the OOH\n  education: HS\n"
    )

    def change(data: dict[str, Any]) -> None:
        data["facts"]["median_pay"] = {"amount": 52000, "period": "year"}

    after = edited(text, change)
    assert after == (
        "title: Welder\nfacts:\n  median_pay:  # from the OOH\n    amount: 52000\n"
        "    period: year\n  education: HS\n"
    )


def test_a_result_that_would_not_read_back_is_refused() -> None:
    text = "title: Welder\nsummary: |+\n  kept\n\n"
    with pytest.raises(ProfileError, match="could not be changed in place"):
        edited(text, lambda data: data.update(zzz="after the kept lines"))


LEAVES = st.sampled_from(["amount", "percent", "title", "duration", "as_of", "slug"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(0, len(PROFILES) - 1),
    seed=st.randoms(use_true_random=False),
    value=st.one_of(
        st.integers(-(10**6), 10**6),
        st.floats(-1e6, 1e6, allow_nan=False),
        st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=30),
    ),
)
def test_any_change_to_a_built_in_profile_reads_back_and_keeps_other_lines(
    index: int, seed: Any, value: Any
) -> None:
    """Change, add or drop values anywhere: the result reads as the new data (`rewrite`
    checks that itself) and no line is touched beyond the changed values' own."""
    text = PROFILES[index].read_text(encoding="utf-8")
    data = load_yaml(PROFILES[index], text).data
    new = copy.deepcopy(data)
    places: list[tuple[Any, Any]] = []

    def visit(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in list(items):
            places.append((node, key))
            if isinstance(child, dict | list):
                visit(child)

    visit(new)
    edits = seed.sample(places, min(3, len(places)))
    for node, key in edits:
        if isinstance(node, dict) and seed.random() < 0.3 and len(node) > 1:
            node.pop(key, None)
        elif isinstance(node, list) and seed.random() < 0.3:
            node.append(value)
        elif not isinstance(node[key], dict | list):
            node[key] = value
        elif isinstance(node[key], dict):
            node[key]["added_" + str(len(node[key]))] = value
    after = rewrite(text, new, PROFILES[index])
    assert load_yaml(PROFILES[index], after).data == new
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert all(line in after.splitlines() for line in comments)
