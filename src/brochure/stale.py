"""Figures older than a counselor should print without a second look.

Pay and growth change every year; a brochure printed from a profile whose `as_of` is
older than `RenderOptions.stale_after` years warns, naming the profile and its date
(`--strict` turns that into a failure). This is the one check judged against today's
date: it changes a warning, never a byte of the PDF. `SOURCE_DATE_EPOCH`, when set,
stands for today, so a reproducible build warns the same on any day.
"""

from __future__ import annotations

import calendar
import os
from collections.abc import Sequence
from datetime import UTC, date, datetime

from .errors import Notice
from .profile import Profile


def today() -> date:
    """`SOURCE_DATE_EPOCH`'s day when it is set, else today's (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return moment.date()


def figures_date(as_of: str) -> date:
    """`2024-05` → the last day the figures can be from (`2024` → the year's end)."""
    parts = [int(p) for p in as_of.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) == 3 else calendar.monthrange(year, month)[1]
    return date(year, month, day)


def stale_notice(profile: Profile, years: float, on: date | None = None) -> Notice | None:
    """A warning when the profile's figures are more than `years` old (0: never)."""
    if not years or profile.as_of is None:
        return None
    when = figures_date(profile.as_of)
    age = ((on or today()) - when).days / 365.25
    if age <= years:
        return None
    limit = f"{years:g} year" + ("" if years == 1 else "s")
    return Notice(
        f"figures as of {profile.as_of} are more than {limit} old "
        "(brochure refresh updates them; --stale-after sets the age)",
        "stale",
        path=profile.path,
        field="as_of",
    )


def stale_line(warning: str, names: Sequence[str]) -> str:
    """One line for the careers whose figures share a date: a library's profiles were
    usually all made from the same year's sheets."""
    if len(names) == 1:
        return f"{names[0]}: {warning}"
    more = f" and {len(names) - 8} more" if len(names) > 8 else ""
    return f"{len(names)} profiles ({', '.join(names[:8])}{more}): {warning}"


def stale_notices(profiles: Sequence[Profile], years: float) -> list[Notice]:
    """`stale_notice` for many careers (a booklet's), one notice per date."""
    found: dict[Notice, list[str]] = {}
    for profile in profiles:
        if (notice := stale_notice(profile, years)) is not None:
            found.setdefault(notice, []).append(profile.key)
    return [
        Notice(stale_line(notice, sorted(keys)), "stale", field="as_of")
        for notice, keys in found.items()
    ]
