"""Orchestration: expand inputs, pick layout and paper, render each profile, write outputs."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from . import __version__
from .errors import (
    BookletError,
    BrochureError,
    OutputError,
    Problem,
    ProfileError,
    RenderError,
)
from .jobs import (
    KEY_FIELD,
    cache_key,
    folder_digest,
    recorded_key,
    run_all,
    shard_of,
    summarize,
    write_manifest,
)
from .layout import Layout, find_layout, load_layout
from .output import output_name, remove_stale_parts, write_atomic
from .pdf import Fit, PdfInfo, PdfResult, html_to_pdf
from .profile import Profile, load_profile
from .render import BookletSpec, Group, render_booklet_html, render_html
from .resources import profiles_dir

DEFAULT_LAYOUT = "handout"
PROFILE_SUFFIXES = (".yaml", ".yml")


def builtin_profile(slug: str) -> Path | None:
    """The file of a built-in profile named by its slug, if there is one."""
    if "/" in slug or "\\" in slug or slug.startswith("."):
        return None
    for suffix in PROFILE_SUFFIXES:
        candidate = profiles_dir() / f"{slug}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def builtin_profiles() -> list[Path]:
    """Every profile file of the built-in library, sorted by name."""
    return sorted(p for p in profiles_dir().iterdir() if p.suffix in PROFILE_SUFFIXES)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Profile files named on the command line, and every `*.yaml`/`*.yml` under folders.

    Files keep the order given; a folder's files come sorted, hidden ones skipped. A
    name that is not a path but a built-in profile's slug stands for that profile.
    Raises `ProfileError` for a path that does not exist or a folder without profiles.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in PROFILE_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not inside:
                raise ProfileError("folder holds no profiles (*.yaml, *.yml)", path=path)
            found.extend(inside)
        elif path.exists():
            found.append(path)
        elif (builtin := builtin_profile(str(raw))) is not None:
            found.append(builtin)
        else:
            raise ProfileError("no such file or folder (nor a built-in profile)", path=path)
    return list(dict.fromkeys(found))


def _layout(layout: Layout | str | Path | None) -> Layout:
    if isinstance(layout, Layout):
        return layout
    return find_layout(layout or DEFAULT_LAYOUT)


def _info(profile: Profile, key: str | None = None) -> PdfInfo:
    keywords = [profile.title, "career"]
    if profile.cluster:
        keywords.insert(1, profile.cluster)
    return PdfInfo(
        title=profile.title,
        subject=profile.summary or "",
        keywords=tuple(keywords),
        lang=profile.lang,
        creator=f"brochure {__version__}",
        custom=((KEY_FIELD, key),) if key else (),
    )


@dataclass
class Rendered:
    """One profile merged and laid out: the HTML it came from and the PDF."""

    profile: Profile
    layout: Layout
    paper: str
    html: str
    pdf: PdfResult


def render_profile(
    profile: Profile,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
    *,
    key: str | None = None,
) -> Rendered:
    """Merge and lay out one profile; nothing is written.

    `key`, when given, is recorded in the PDF so a later run can tell it is up to date.
    """
    chosen = _layout(layout)
    sheet = chosen.paper(paper)
    html = render_html(profile, chosen, sheet.name)
    roots = [chosen.folder]
    if profile.path is not None:
        roots.append(profile.path.resolve().parent)
    fit = Fit(
        stylesheets=[chosen.folder / name for name in chosen.fit_stylesheets],
        min_last_page=chosen.min_last_page,
    )
    result = html_to_pdf(
        html,
        base=chosen.folder,
        roots=roots,
        info=_info(profile, key),
        fit=fit,
        stylesheets=[chosen.folder / name for name in chosen.stylesheets],
    )
    return Rendered(profile, chosen, sheet.name, html, result)


def render_pdf(
    profile: Profile | str | Path,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
) -> bytes:
    """PDF bytes of one profile (a `Profile` or the path of its YAML file)."""
    if not isinstance(profile, Profile):
        profile = load_profile(profile)
    return render_profile(profile, layout, paper).pdf.data


def html_for_browser(rendered: Rendered) -> str:
    """The merged HTML with a `<base>` so it opens with its styles from any folder."""
    base = f'<base href="{rendered.layout.folder.as_uri()}/">'
    head = rendered.html.find("<head>")
    if head < 0:
        return base + rendered.html
    cut = head + len("<head>")
    return rendered.html[:cut] + "\n" + base + rendered.html[cut:]


Status = Literal["rendered", "skipped", "failed", "cancelled"]


@dataclass
class Outcome:
    """What happened to one input: `rendered`, `skipped` (up to date), `failed`, or
    `cancelled` (not attempted after a failure with `fail_fast`)."""

    source: Path
    status: Status
    output: Path | None = None
    pages: int = 0
    size: int = 0
    sha256: str = ""
    seconds: float = 0.0
    key: str = ""
    mtime_ns: int = 0
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    memory_mib: float = 0.0

    def to_json(self) -> dict[str, object]:
        """The manifest entry."""
        entry: dict[str, object] = {
            "source": str(self.source),
            "output": str(self.output) if self.output else None,
            "status": self.status,
            "pages": self.pages,
            "bytes": self.size,
            "sha256": self.sha256 or None,
            "seconds": round(self.seconds, 3),
        }
        if self.key and self.output:
            entry["key"] = self.key  # what the output was made from, for the next run
            entry["mtime_ns"] = self.mtime_ns
        if self.warnings:
            entry["warnings"] = self.warnings
        if self.problems:
            entry["error"] = str(self.problems[0])
            entry["problems"] = [
                {
                    "message": p.message,
                    "file": str(p.path) if p.path else None,
                    "line": p.line,
                    "field": p.field,
                }
                for p in self.problems
            ]
        return entry


@dataclass
class Report:
    """Every input's outcome, in input order, and where the manifest went."""

    outcomes: list[Outcome] = field(default_factory=list)
    manifest: Path | None = None
    seconds: float = 0.0

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_json(self, **run: object) -> dict[str, object]:
        """The manifest: the run's settings, a summary, and one entry per input."""
        outputs = [o.to_json() for o in self.outcomes]
        return {
            "tool": f"brochure {__version__}",
            **run,
            "summary": summarize(outputs),
            "seconds": round(self.seconds, 3),
            "outputs": outputs,
        }


def plan_outputs(sources: Sequence[Path], out: Path, single_file: bool) -> None:
    """Refuse output paths that would overwrite an input or are a file where a folder goes."""
    if out.resolve() in {s.resolve() for s in sources}:
        raise OutputError("output would overwrite an input file", path=out)
    if not single_file and out.exists() and not out.is_dir():
        raise OutputError("is a file; give a folder, or a .pdf name for one profile", path=out)


@dataclass(frozen=True)
class Job:
    """One profile to render in a worker: everything it needs, nothing it must look up."""

    source: Path
    target: Path
    key: str
    layout: Path
    builtin: bool
    paper: str
    html: bool
    strict: bool


@cache
def _worker_layout(folder: Path, builtin: bool) -> Layout:
    return load_layout(folder, builtin=builtin)


def _memory_mib() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def render_job(job: Job) -> Outcome:
    """Render one profile and write its files; runs in a worker process, never raises."""
    start = time.perf_counter()
    outcome = Outcome(source=job.source, status="failed", key=job.key)
    try:
        profile = load_profile(job.source)
        rendered = render_profile(
            profile, _worker_layout(job.layout, job.builtin), job.paper, key=job.key
        )
        outcome.warnings = rendered.pdf.warnings
        if job.strict and outcome.warnings:
            raise RenderError(
                f"warnings are errors with --strict: {outcome.warnings[0]}", path=job.source
            )
        if job.html:
            write_atomic(job.target.with_suffix(".html"), html_for_browser(rendered).encode())
        write_atomic(job.target, rendered.pdf.data)
    except BrochureError as err:
        outcome.problems = err.problems
    except Exception as err:  # a bug or a renderer crash: report it, keep the batch going
        outcome.problems = [Problem(f"unexpected {type(err).__name__}: {err}", job.source)]
    else:
        outcome.status = "rendered"
        outcome.output = job.target
        outcome.pages = rendered.pdf.pages
        outcome.size = len(rendered.pdf.data)
        outcome.sha256 = hashlib.sha256(rendered.pdf.data).hexdigest()
        outcome.mtime_ns = job.target.stat().st_mtime_ns
    outcome.seconds = time.perf_counter() - start
    outcome.memory_mib = _memory_mib()
    return outcome


def output_key(source: Path, layout: Layout, paper: str, *, html: bool, strict: bool) -> str:
    """What an output is made from: the profile's bytes, every file of the layout, the
    options and the tool's version. Recorded in the PDF; unchanged means up to date."""
    options = json.dumps(
        {"layout": layout.name, "paper": paper, "html": html, "strict": strict}, sort_keys=True
    )
    return cache_key(__version__, source.read_bytes(), folder_digest(layout.folder), options)


def render_file(
    source: Path, layout: Layout | str | Path | None = None, paper: str | None = None
) -> Rendered:
    """Load and render one profile file, its cache key recorded as `render_paths` does."""
    chosen = _layout(layout)
    sheet = chosen.paper(paper)
    key = output_key(source, chosen, sheet.name, html=False, strict=False)
    return render_profile(load_profile(source), chosen, sheet.name, key=key)


def _previous_outputs(manifest: Path | None) -> dict[str, dict[str, object]]:
    """The last run's manifest entries by output path; nothing if there is none."""
    if manifest is None or not manifest.is_file():
        return {}
    try:
        data = json.loads(manifest.read_text())
        return {str(e["output"]): e for e in data.get("outputs", []) if e.get("output")}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _html_ok(target: Path, html: bool) -> bool:
    return not html or target.with_suffix(".html").is_file()


def _up_to_date(target: Path, key: str, entry: dict[str, object] | None) -> Outcome | None:
    """A `skipped` outcome if `target` was made from exactly these inputs, else None.

    The last manifest answers without opening the file when size and mtime still
    match; otherwise (a run killed before its manifest, a manifest deleted) the key
    recorded inside the PDF decides.
    """
    try:
        stat = target.stat()
    except OSError:
        return None
    if (
        entry is not None
        and entry.get("key") == key
        and entry.get("bytes") == stat.st_size
        and entry.get("mtime_ns") == stat.st_mtime_ns
    ):
        pages, sha = entry.get("pages"), entry.get("sha256")
        return Outcome(
            target,
            "skipped",
            output=target,
            pages=int(str(pages)),
            size=stat.st_size,
            sha256=str(sha),
            key=key,
            mtime_ns=stat.st_mtime_ns,
        )
    found, pages = recorded_key(target)
    if found != key:
        return None
    data = target.read_bytes()
    return Outcome(
        target,
        "skipped",
        output=target,
        pages=pages,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        key=key,
        mtime_ns=stat.st_mtime_ns,
    )


def render_paths(
    paths: Iterable[str | Path],
    out: str | Path = "out",
    *,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
    html: bool = False,
    strict: bool = False,
    jobs: int = 1,
    force: bool = False,
    fail_fast: bool = False,
    shard: tuple[int, int] | None = None,
    manifest: str | Path | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> Report:
    """Render every profile under `paths` into `out`, in `jobs` worker processes.

    `out` is a folder (`<slug>.pdf` inside it, and `manifest.json` unless `manifest`
    names another file) or, for a single profile, a `.pdf` file. An output whose
    inputs (profile, layout files, options, tool version) are unchanged since it was
    written is `skipped` unless `force`. A bad profile is reported in its `Outcome`
    and the others are still rendered, unless `fail_fast`. `shard=(k, n)` renders
    the k-th of n stable shares of the inputs.
    """
    started = time.perf_counter()
    sources = expand_paths(paths)
    chosen = _layout(layout)
    sheet = chosen.paper(paper)  # fail on an unsupported paper before any work
    out = Path(out)
    single_file = out.suffix.lower() == ".pdf"
    if single_file and len(sources) > 1:
        raise OutputError(
            f"names one file but {len(sources)} profiles were given; use a folder", path=out
        )
    plan_outputs(sources, out, single_file)
    manifest_path = None
    if manifest is not None or not single_file:
        manifest_path = Path(manifest) if manifest is not None else out / "manifest.json"
    previous = _previous_outputs(manifest_path)
    by_source = {str(entry.get("source")): entry for entry in previous.values()}
    remove_stale_parts(out.parent if single_file else out)
    report = Report()
    outcomes: dict[Path, Outcome] = {}
    todo: list[Job] = []
    slugs: dict[str, Path] = {}
    inputs = {s.resolve() for s in sources}
    stopped = False

    def record(outcome: Outcome) -> bool:
        outcomes[outcome.source] = outcome
        if on_outcome is not None:
            on_outcome(outcome)
        return not (fail_fast and outcome.status == "failed")

    for source in sources:
        if stopped:
            outcomes[source] = Outcome(source=source, status="cancelled")
            continue
        key = output_key(source, chosen, sheet.name, html=html, strict=strict)
        known = by_source.get(str(source))
        if not force and known is not None and known.get("key") == key and known.get("output"):
            # Unchanged since the last run: no need to even parse it.
            target = Path(str(known["output"]))
            slug = target.stem
            expected = out if single_file else out / output_name(slug)
            done = _up_to_date(target, key, known) if _html_ok(target, html) else None
            if done is not None and target == expected and slug not in slugs:
                if shard is not None and shard_of(slug, shard[1]) != shard[0] - 1:
                    continue
                slugs[slug] = source
                done.source = source
                record(done)
                continue
        try:
            profile = load_profile(source)
        except BrochureError as err:
            if shard is None or shard_of(source.stem, shard[1]) == shard[0] - 1:
                stopped = not record(Outcome(source, "failed", problems=err.problems))
            continue
        if shard is not None and shard_of(profile.key, shard[1]) != shard[0] - 1:
            continue
        outcome = Outcome(source=source, status="failed")
        try:
            if profile.key in slugs:
                raise ProfileError(
                    f"slug '{profile.key}' is also used by {slugs[profile.key]}",
                    path=source,
                    field="slug",
                )
            slugs[profile.key] = source
            target = out if single_file else out / output_name(profile.key)
            if target.resolve() in inputs:
                raise OutputError("output would overwrite an input file", path=target)
        except BrochureError as err:
            outcome.problems = err.problems
            stopped = not record(outcome)
            continue
        if not force and _html_ok(target, html):
            done = _up_to_date(target, key, previous.get(str(target)))
            if done is not None:
                done.source = source
                record(done)
                continue
        todo.append(
            Job(source, target, key, chosen.folder, chosen.builtin, sheet.name, html, strict)
        )

    if on_plan is not None:
        on_plan(len(todo))
    if not stopped:
        run_all(render_job, todo, workers=jobs, on_done=lambda _job, outcome: record(outcome))
    for job in todo:
        outcomes.setdefault(job.source, Outcome(source=job.source, status="cancelled"))
    report.outcomes = [outcomes[s] for s in sources if s in outcomes]
    report.seconds = time.perf_counter() - started
    if manifest_path is not None:
        run_info: dict[str, object] = {
            "layout": chosen.name,
            "paper": sheet.name,
            "html": html,
            "strict": strict,
        }
        if shard is not None:
            run_info["shard"] = f"{shard[0]}/{shard[1]}"
        write_manifest(manifest_path, report.to_json(**run_info))
        report.manifest = manifest_path
    return report


def validate_paths(paths: Iterable[str | Path]) -> dict[Path, list[Problem]]:
    """Every profile under `paths` with its problems (an empty list when valid)."""
    results: dict[Path, list[Problem]] = {}
    for source in expand_paths(paths):
        try:
            load_profile(source)
            results[source] = []
        except BrochureError as err:
            results[source] = err.problems
    return results


@dataclass
class BookletCareer:
    """One career in a booklet and the printed number of its first page."""

    source: Path
    slug: str
    title: str
    first_page: int


@dataclass
class BookletReport:
    """What `build_booklet` wrote."""

    output: Path | None
    pages: int
    front_pages: int
    careers: list[BookletCareer]
    sheets: int = 0
    padded: int = 0
    warnings: list[str] = field(default_factory=list)
    data: bytes = b""


def load_for_booklet(
    paths: Iterable[str | Path], *, fail_fast: bool = False
) -> list[tuple[Path, Profile]]:
    """Every profile in booklet order, or one `ProfileError` listing every problem.

    Files keep the order given; the profiles of a folder come sorted by title. A
    booklet silently missing a career is worse than none, so any bad input fails all.
    """
    loaded: list[tuple[Path, Profile]] = []
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    for raw in paths:
        batch: list[tuple[Path, Profile]] = []
        for source in expand_paths([raw]):
            try:
                profile = load_profile(source)
            except BrochureError as err:
                if fail_fast:
                    raise
                problems += err.problems
                continue
            if profile.key in seen:
                if seen[profile.key].resolve() == source.resolve():
                    continue  # the same file named twice
                problem = Problem(
                    f"slug '{profile.key}' is also used by {seen[profile.key]}",
                    source,
                    None,
                    "slug",
                )
                if fail_fast:
                    raise ProfileError(problem.message, path=source, field="slug")
                problems.append(problem)
                continue
            seen[profile.key] = source
            batch.append((source, profile))
        if Path(raw).is_dir():
            batch.sort(key=lambda item: (item[1].title.casefold(), item[1].key))
        loaded += batch
    if problems:
        raise ProfileError(problems[0].message, path=problems[0].path, problems=problems)
    if not loaded:
        raise BookletError("no profiles to put in the booklet")
    return loaded


def group_careers(profiles: Sequence[Profile], group_by: str | None) -> tuple[Group, ...]:
    """Careers under their cluster (groups in order of first appearance), or one group."""
    if group_by is None:
        return (Group(1, "", tuple(profiles)),)
    if group_by != "cluster":
        raise BookletError(f"cannot group by '{group_by}' (only: cluster)")
    groups: dict[str, list[Profile]] = {}
    for profile in profiles:
        groups.setdefault(profile.cluster or "Other Careers", []).append(profile)
    return tuple(
        Group(index, name, tuple(members))
        for index, (name, members) in enumerate(groups.items(), start=1)
    )


def build_booklet(
    paths: Iterable[str | Path],
    out: str | Path | None = "out/booklet.pdf",
    *,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
    title: str = "Career Booklet",
    subtitle: str | None = None,
    date: str | None = None,
    group_by: str | None = None,
    impose: str | None = None,
    marks: bool = False,
    fail_fast: bool = False,
    strict: bool = False,
) -> BookletReport:
    """Many careers in one print-ready PDF: cover, contents, careers, back cover.

    All careers are laid out in one WeasyPrint pass, so page numbers run on, the
    contents links and outline work and the PDF stays tagged (see docs/DESIGN.md).
    With `impose="saddle"` the output is printer sheets instead. `out=None` writes
    nothing (the bytes are in the report).
    """
    if impose not in (None, "saddle"):
        raise BookletError(f"unknown imposition '{impose}' (available: saddle)")
    if marks and impose is None:
        raise BookletError("fold marks go with --impose saddle")
    chosen = _layout(layout)
    sheet = chosen.paper(paper)
    loaded = load_for_booklet(paths, fail_fast=fail_fast)
    target = Path(out) if out is not None else None
    if target is not None and target.is_dir():
        target = target / "booklet.pdf"
    if target is not None:
        plan_outputs([source for source, _ in loaded], target, single_file=True)
    profiles = [profile for _, profile in loaded]
    groups = group_careers(profiles, group_by)
    ordered = tuple(profile for group in groups for profile in group.careers)
    spec = BookletSpec(
        title=title,
        subtitle=subtitle,
        date=date,
        careers=ordered,
        groups=groups,
        grouped=group_by is not None,
    )
    html = render_booklet_html(spec, chosen, sheet.name)
    roots = [chosen.folder, *{source.resolve().parent for source, _ in loaded}]
    info = PdfInfo(
        title=title,
        subject=subtitle or f"{len(ordered)} career profiles",
        keywords=tuple(dict.fromkeys([*(p.cluster for p in ordered if p.cluster), "careers"])),
        lang=spec.lang,
        creator=f"brochure {__version__}",
    )
    first = ordered[0].key
    css = [*chosen.stylesheets, *chosen.booklet_stylesheets]
    result = html_to_pdf(
        html,
        base=chosen.folder,
        roots=roots,
        info=info,
        number_from=first,
        stylesheets=[chosen.folder / name for name in css],
    )
    if strict and result.warnings:
        raise BookletError(f"warnings are errors with --strict: {result.warnings[0]}")
    front = result.anchors[first]
    sources = {profile.key: source for source, profile in loaded}
    careers = [
        BookletCareer(sources[p.key], p.key, p.title, result.anchors[p.key] - front + 1)
        for p in ordered
    ]
    data, pages, sheets, padded = result.data, result.pages, 0, 0
    if impose == "saddle":
        from .booklet import impose_saddle  # pypdf is only needed here

        imposed = impose_saddle(data, marks=marks)
        data, sheets, padded = imposed.data, imposed.sheets, imposed.padded
        pages += padded
    if target is not None:
        write_atomic(target, data)
    return BookletReport(
        output=target,
        pages=pages,
        front_pages=front,
        careers=careers,
        sheets=sheets,
        padded=padded,
        warnings=result.warnings,
        data=data,
    )


@dataclass
class ImportOutcome:
    """One page read into a profile: where it went, what was missing, what to check."""

    page: str
    output: Path | None = None
    slug: str = ""
    mapped: int = 0
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def import_pages(
    pages: Iterable[str | Path],
    out: str | Path = "profiles",
    *,
    force: bool = False,
    strict: bool = False,
    today: str | None = None,
) -> list[ImportOutcome]:
    """Read career pages (files, or `-` for standard input) into profiles in `out`.

    An existing profile is kept unless `force`; with `strict`, a page with warnings
    is not written. A page that is not text, empty, or not a career page is a problem
    of its own, and the others are still imported.
    """
    import datetime

    from .importer import parse_page, read_page, to_yaml

    when = today or datetime.date.today().isoformat()
    folder = Path(out)
    outcomes: list[ImportOutcome] = []
    for page in pages:
        outcome = ImportOutcome(page=str(page))
        outcomes.append(outcome)
        try:
            text, name = read_page(page)
            outcome.page = name
            imported = parse_page(text, name)
            outcome.slug, outcome.mapped = imported.slug, imported.mapped
            outcome.missing, outcome.warnings = imported.missing, imported.warnings
            Profile.model_validate(imported.data)  # what we write must load
            target = folder / f"{imported.slug}.yaml"
            if target.exists() and not force:
                raise OutputError("already exists; kept (use --force to replace it)", path=target)
            if strict and imported.warnings:
                raise ProfileError(
                    f"{len(imported.warnings)} warning(s) with --strict; nothing written",
                    path=name,
                )
            write_atomic(target, to_yaml(imported.data, name, when).encode())
            outcome.output = target
        except BrochureError as err:
            outcome.problems = err.problems
        except ValueError as err:  # pydantic: a value the page gave that the format refuses
            outcome.problems = [
                Problem(f"cannot be imported: {err}".splitlines()[0], Path(str(page)))
            ]
    return outcomes


def preview_paths(
    paths: Iterable[str | Path],
    out: str | Path = "out/preview",
    *,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
    dpi: int = 72,
) -> list[tuple[Path, list[Path]]]:
    """PNG images of the pages of profiles (rendered first) or of existing PDFs."""
    from .preview import pdf_to_pngs

    folder = Path(out)
    results: list[tuple[Path, list[Path]]] = []
    pdfs = [Path(p) for p in paths if str(p).lower().endswith(".pdf") and Path(p).is_file()]
    profiles = [p for p in paths if Path(p) not in pdfs]
    for pdf in pdfs:
        images = pdf_to_pngs(pdf.read_bytes(), folder, pdf.stem, dpi=dpi)
        results.append((pdf, [i.path for i in images]))
    for source in expand_paths(profiles) if profiles else []:
        rendered = render_file(source, layout, paper)
        images = pdf_to_pngs(rendered.pdf.data, folder, rendered.profile.key, dpi=dpi)
        results.append((source, [i.path for i in images]))
    return results
