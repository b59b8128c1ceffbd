"""`brochure import-onet`: a profile for every occupation with data, written all at once.

Every profile is built and checked in memory first; only then are files written, each
atomically, into the output folder. A file already there is never replaced: it is
reported as a collision (a hand-written profile, or last year's import someone edited;
`brochure refresh` updates those). Occupations without data are reported with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, printable
from ..importer import to_yaml
from ..output import write_atomic
from ..profile import Profile
from .build import Context, ProjectionFigures, WageFigures, profile_data
from .onet import OnetError, Release
from .tables import Column, TableSpec, open_table


@dataclass
class ImportReport:
    """What an import did, occupation by occupation."""

    written: list[Path] = field(default_factory=list)
    collisions: list[Path] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # O*NET-SOC → why
    problems: list[Problem] = field(default_factory=list)

    def similar(self, builtin: dict[str, str]) -> list[tuple[Path, str]]:
        """Written profiles that look like a built-in one (`registered-nurses` and
        `registered-nurse`): the counselor chooses which to keep."""

        found = []
        for path in self.written:
            singular = [
                path.stem.removesuffix(end) for end in ("s", "es") if path.stem.endswith(end)
            ]
            match = next((s for s in [path.stem, *singular] if s in builtin), None)
            if match is not None:
                found.append((path, match))
        return found

    def summary(self) -> str:
        parts = [f"{len(self.written)} profiles written"]
        if self.collisions:
            parts.append(f"{len(self.collisions)} kept as they were (file already there)")
        if self.skipped:
            parts.append(f"{len(self.skipped)} occupations skipped")
        if self.problems:
            parts.append(f"{len(self.problems)} could not be made")
        return ", ".join(parts)


CLUSTERS = TableSpec(
    kind="O*NET OnLine's career cluster export",
    columns=(Column("cluster", ("Career Cluster",)), Column("code", ("Code",))),
    key="code",
)


def read_clusters(path: Path) -> dict[str, tuple[str, ...]]:
    """O*NET OnLine's `All_Career_Clusters.csv`: each code's career clusters, the first
    the one a brochure prints; read like every other table (encodings, caps, errors at
    their line)."""
    found: dict[str, tuple[str, ...]] = {}
    with open_table(path, CLUSTERS) as table:
        for record in table.records:
            names = str(record["cluster"] or "").split(";")
            clusters = tuple(dict.fromkeys(printable(n).strip()[:60] for n in names if n.strip()))
            code = str(record["code"] or "").strip()
            if clusters and code:
                found[code] = tuple(dict.fromkeys(found.get(code, ()) + clusters))
    return found


def in_cluster(clusters: Mapping[str, tuple[str, ...]], name: str) -> set[str]:
    """The codes filed under the cluster `name` (any letter case).

    Raises:
        OnetError: no cluster has that name; the message lists those there are.
    """
    wanted = name.strip().casefold()
    codes = {code for code, names in clusters.items() if wanted in (n.casefold() for n in names)}
    if not codes:
        known = sorted({n for names in clusters.values() for n in names})
        raise OnetError(f"no career cluster {name!r} (there are: {'; '.join(known)})")
    return codes


def build_profiles(
    release: Release,
    context: Context,
    wages: Mapping[str, WageFigures] | None = None,
    projections: Mapping[str, ProjectionFigures] | None = None,
    states: Mapping[str, Mapping[str, WageFigures]] | None = None,
) -> tuple[dict[str, str], dict[str, Problem]]:
    """Each occupation's profile as YAML text, by file name, checked against the
    profile format; and the occupations that could not be made, with the problem."""
    made: dict[str, str] = {}
    failed: dict[str, Problem] = {}
    for code in sorted(release.occupations):
        occupation = release.occupations[code]
        data = profile_data(
            occupation,
            context,
            (wages or {}).get(occupation.soc),
            (projections or {}).get(occupation.soc),
            (states or {}).get(occupation.soc),
        )
        try:
            profile = Profile.model_validate(data)
        except ValueError as err:
            reason = str(err).splitlines()
            failed[code] = Problem(f"{code}: {' '.join(reason[1:3]).strip()}")
            continue
        name = f"{profile.key}.yaml"
        if name in made:
            failed[code] = Problem(f"{code}: slug '{profile.key}' is also another occupation's")
            continue
        made[name] = to_yaml(data, code, "", made=_made_from(code, release, context))
    return made, failed


def _made_from(code: str, release: Release, context: Context) -> str:
    """What the file was made from, with no date of making, so importing the same files
    twice writes the same bytes."""
    years = context.projection_years
    parts = [
        f"O*NET {release.version}" if release.version else "O*NET",
        context.wages_label,
        f"BLS Employment Projections {years}" if years else None,
    ]
    made_from = ", ".join(p for p in parts if p)
    return f"Made from {made_from} ({code}) by `brochure import-onet`"


def write_profiles(
    made: Mapping[str, str], out: Path, report: ImportReport, on_file: Callable[[Path], None]
) -> None:
    """Write each profile that is not there yet; never replace a file."""
    out.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(made.items()):
        target = out / name
        if target.exists() or target.is_symlink():
            report.collisions.append(target)
            continue
        write_atomic(target, text.encode())
        report.written.append(target)
        on_file(target)
