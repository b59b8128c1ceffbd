"""Orchestration: expand inputs, pick layout and paper, render each profile, write outputs."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ._version import __version__
from .errors import (
    BookletError,
    BookletOptionsError,
    BrochureError,
    OutputError,
    Problem,
    ProfileError,
    RenderError,
)
from .jobs import (
    KEY_FIELD,
)
from .layout import FitStep, Layout, find_layout
from .options import DEFAULT_OPTIONS, RenderOptions
from .output import write_atomic
from .pdf import (
    MAX_FILE_BYTES,
    Attached,
    Laid,
    PdfInfo,
    PdfResult,
    Trim,
    finish,
    html_to_pdf,
    lay_out,
)
from .preflight import accessibility_problems
from .profile import Profile, load_profile, translation_of
from .render import BookletSpec, Group, render_booklet_html, render_html
from .resources import layouts_dir, profiles_dir
from .typography import SPARSE_LAST_PAGE, sparse_endings

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

    Files keep the order given; a folder's files come sorted, hidden ones skipped.
    Links to folders are not followed. Whatever is named like a profile is listed,
    even a folder, a FIFO or a link that leads out of the folder, so that reading it
    fails with a located error instead of being skipped in silence. A name that is
    not a path but a built-in profile's slug stands for that profile.
    Raises `ProfileError` for a path that does not exist or a folder without profiles.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(_profiles_in(path))
            if not inside:
                raise ProfileError("folder holds no profiles (*.yaml, *.yml)", path=path)
            found.extend(inside)
        elif path.exists() or path.is_symlink():
            found.append(path)
        elif (builtin := builtin_profile(str(raw))) is not None:
            found.append(builtin)
        else:
            raise ProfileError("no such file or folder (nor a built-in profile)", path=path)
    return list(dict.fromkeys(found))


def _profiles_in(folder: Path) -> Iterator[Path]:
    """Every entry named like a profile below `folder`, translations and hidden ones aside."""
    for top, dirs, files in os.walk(folder):  # followlinks=False
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in [*files, *dirs]:
            path = Path(top, name)
            if (
                not name.startswith(".")
                and path.suffix.lower() in PROFILE_SUFFIXES
                and not _is_translation(path)
            ):
                yield path


def _is_translation(path: Path) -> bool:
    """`nurse.es.yaml` beside `nurse.yaml` is the nurse's Spanish text, not a career."""
    found = translation_of(path)
    return found is not None and any(
        path.with_name(found[0] + suffix).is_file() for suffix in PROFILE_SUFFIXES
    )


def _layout(layout: Layout | str | Path | None) -> Layout:
    if isinstance(layout, Layout):
        return layout
    return find_layout(layout or DEFAULT_LAYOUT)


def source_files(profiles: Sequence[Profile], options: RenderOptions) -> tuple[Attached, ...]:
    """The inputs a brochure is made from, to carry inside it (`--attach-source`).

    Each profile and the translation used, then the theme file and its logo: enough
    to make the brochure again from a copy found in a drawer. Theme fonts stay out
    (font licences rarely allow passing the files on; the PDF embeds the glyphs).
    Names are the files' own, made unique, sorted so the PDF's name tree is valid.
    """
    named: list[tuple[Path, str]] = []
    for profile in profiles:
        named += [(path, "career profile") for path in profile.files[:1]]
        named += [(path, "translation of the career profile") for path in profile.files[1:]]
    theme = options.theme
    if theme.path is not None:
        named.append((theme.path, "theme: organisation name, colors and contact"))
        if theme.logo_path is not None:
            named.append((theme.logo_path, f"theme logo, kept beside the theme as {theme.logo}"))
    found: dict[str, Attached] = {}
    seen: set[Path] = set()
    for path, what in named:
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        name, number = path.name, 1
        while name in found:
            number += 1
            name = f"{path.stem}-{number}{path.suffix}"
        found[name] = Attached(name, _attachable(path), what)
    return tuple(found[name] for name in sorted(found))


def _attachable(path: Path) -> bytes:
    """A whole input file, or a located error: an attachment is never cut short."""
    try:
        if not path.is_file():
            raise RenderError("cannot attach: not a regular file", path=path)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise RenderError(
                f"cannot attach: larger than {MAX_FILE_BYTES // 1_000_000} MB", path=path
            )
        return path.read_bytes()
    except OSError as err:
        raise RenderError(f"cannot attach: {err.strerror}", path=path) from None


def _info(profile: Profile, key: str | None, options: RenderOptions) -> PdfInfo:
    keywords = [profile.title, *([profile.cluster] if profile.cluster else []), *profile.tags]
    keywords = [*dict.fromkeys(keywords), "career"]
    return PdfInfo(
        title=profile.title,
        subject=profile.summary or "",
        keywords=tuple(keywords),
        lang=options.lang or profile.lang,
        creator=f"brochure {__version__}",
        custom=((KEY_FIELD, key),) if key else (),
        variant=options.variant,
        attachments=source_files([profile], options) if options.attach_source else (),
        output_intent=options.output_intent,
    )


@dataclass
class Rendered:
    """One profile merged and laid out: the HTML it came from and the PDF."""

    profile: Profile
    layout: Layout
    paper: str
    html: str
    pdf: PdfResult


LOST_TEXT_TOLERANCE = 0  # letters; any lost word is a broken brochure


def _roots(layout: Layout, profile_paths: Sequence[Path], options: RenderOptions) -> list[Path]:
    """The folders a render may read: the layout's, the profiles' and the theme's.

    Built-in layouts may also share files with each other (the fonts).
    """
    roots = list(layout.folders)
    shared = layouts_dir()
    if any(folder.is_relative_to(shared) for folder in layout.folders):
        roots.append(shared)
    roots += [path.resolve().parent for path in profile_paths]
    if options.theme.folder is not None:
        roots.append(options.theme.folder)
    return roots


def _over(laid: Laid, layout: Layout, html: str) -> bool:
    """Breaks the layout's page count, loses text, or (where the layout has a page
    count) runs off the page.

    A layout without a page count flows onto more pages instead; text that still
    runs off (a very long word) is reported as a warning.
    """
    if not layout.allows_pages(laid.pages) or laid.lost_text(html) > LOST_TEXT_TOLERANCE:
        return True
    return bool(layout.page_rule) and bool(laid.overflowing(1))


def _fits(laid: Laid, layout: Layout, html: str, baseline: Laid | None) -> bool:
    """Within the layout's page count and its pages, and no nearly empty last page
    (or at least a page saved against the `baseline`)."""
    if _over(laid, layout, html):
        return False
    if baseline is not None and laid.pages < baseline.pages:
        return True
    return laid.pages == 1 or laid.fill >= layout.min_last_page


def render_profile(
    profile: Profile,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
    *,
    key: str | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
) -> Rendered:
    """Merge and lay out one profile; nothing is written.

    When the result breaks the layout's page count, runs off the page or leaves a
    nearly empty last page, the layout's fit steps are tried in order (tighter
    stylesheets; fewer list items only where the layout allows it, and says so on
    the page). `key`, when given, is recorded in the PDF so a later run can tell it
    is up to date.

    Raises:
        RenderError: the content does not fit the layout's page count at its tightest.
    """
    chosen = _layout(layout)
    sheet = chosen.paper(paper)
    roots = _roots(chosen, [profile.path] if profile.path else [], options)
    html = render_html(profile, chosen, sheet.name, options)
    # Every try (the layout as it is, then each fit step) reads the same resources.
    lay = partial(
        lay_out,
        base=chosen.folder,
        roots=roots,
        grayscale=options.grayscale,
        remote=options.allow_remote,
        trim=Trim(options.bleed, options.marks),
    )
    laid = lay(html)
    used: FitStep | None = None
    if not _fits(laid, chosen, html, None):
        baseline, baseline_html = laid, html
        over = _over(laid, chosen, html)
        for step in chosen.fit_steps:
            if step.limits and not over:
                continue  # never drop content only to fill a page better
            attempt_html = (
                render_html(profile, chosen, sheet.name, options, limits=dict(step.limits))
                if step.limits
                else html
            )
            attempt = lay(attempt_html, extra=step.stylesheet)
            if _fits(attempt, chosen, attempt_html, baseline):
                html, laid, used = attempt_html, attempt, step
                break
        else:
            if over:
                raise _overflow_error(profile, chosen, baseline, baseline_html)
    result = finish(
        laid,
        info=_info(profile, key, options),
        stylesheets=chosen.stylesheet_paths,
        fit=_step_name(used),
        # With an exact page count the last page is part of the design (the trifold's
        # inside), not a page the content spilled onto.
        min_last_page=0.0 if chosen.pages_exact else SPARSE_LAST_PAGE,
    )
    result.warnings += accessibility_problems(html, chosen.name)
    return Rendered(profile, chosen, sheet.name, html, result)


def _step_name(step: FitStep | None) -> str | None:
    if step is None:
        return None
    parts = [step.stylesheet.name] if step.stylesheet else []
    parts += [f"{name} ≤ {count}" for name, count in step.limits]
    return ", ".join(parts) or "fit step"


def _overflow_error(profile: Profile, layout: Layout, laid: Laid, html: str) -> RenderError:
    """Which rule the content broke, and where: the words that ran over."""
    where = profile.path or None
    lost = laid.lost_text(html)
    if lost > LOST_TEXT_TOLERANCE and layout.allows_pages(laid.pages):
        return RenderError(
            f"'{profile.title}' does not fit the {layout.name} layout even at its tightest: "
            f"about {lost} characters of text would not be printed",
            path=where,
        )
    if not layout.allows_pages(laid.pages):
        limit = layout.pages_exact or layout.pages_max or laid.pages
        if laid.pages > limit:
            spill = laid.text_at_page(limit)
            return RenderError(
                f"'{profile.title}' does not fit the {layout.name} layout "
                f"({layout.page_rule}) even at its tightest: it needs {laid.pages} pages; "
                f"page {limit + 1} starts with {spill!r}",
                path=where,
            )
        return RenderError(
            f"the {layout.name} layout must make {layout.page_rule} "
            f"but '{profile.title}' made {laid.pages}",
            path=where,
        )
    overflow = laid.overflowing(1)
    return RenderError(
        f"'{profile.title}' does not fit the {layout.name} layout even at its tightest: "
        f"{overflow[0] if overflow else 'content runs off the page'}",
        path=where,
    )


def render_pdf(
    profile: Profile | str | Path,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
    options: RenderOptions = DEFAULT_OPTIONS,
) -> bytes:
    """PDF bytes of one profile (a `Profile` or the path of its YAML file)."""
    if not isinstance(profile, Profile):
        profile = load_profile(profile, options.lang)
    return render_profile(profile, layout, paper, options=options).pdf.data


def html_for_browser(rendered: Rendered) -> str:
    """The merged HTML with a `<base>` so it opens with its styles from any folder."""
    base = f'<base href="{rendered.layout.folder.as_uri()}/">'
    head = rendered.html.find("<head>")
    if head < 0:
        return base + rendered.html
    cut = head + len("<head>")
    return rendered.html[:cut] + "\n" + base + rendered.html[cut:]


def plan_outputs(sources: Sequence[Path], out: Path, single_file: bool) -> None:
    """Refuse output paths that would overwrite an input or are a file where a folder goes."""
    if out.resolve() in {s.resolve() for s in sources}:
        raise OutputError("output would overwrite an input file", path=out)
    if not single_file and out.exists() and not out.is_dir():
        raise OutputError("is a file; give a folder, or a .pdf name for one profile", path=out)


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
    paths: Iterable[str | Path], *, fail_fast: bool = False, lang: str | None = None
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
                profile = load_profile(source, lang)
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
    options: RenderOptions = DEFAULT_OPTIONS,
) -> BookletReport:
    """Many careers in one print-ready PDF: cover, contents, careers, back cover.

    All careers are laid out in one WeasyPrint pass, so page numbers run on, the
    contents links and outline work and the PDF stays tagged (see docs/DESIGN.md).
    With `impose="saddle"` the output is printer sheets instead; `marks` are then
    fold marks. `out=None` writes nothing (the bytes are in the report).
    """
    check_booklet_options(options, impose, marks)
    chosen = _layout(layout)
    sheet = chosen.paper(paper)
    loaded = load_for_booklet(paths, fail_fast=fail_fast, lang=options.lang)
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
    html = render_booklet_html(spec, chosen, sheet.name, options)
    roots = _roots(chosen, sorted({source for source, _ in loaded}), options)
    info = PdfInfo(
        title=title,
        subject=subtitle or f"{len(ordered)} career profiles",
        keywords=tuple(dict.fromkeys([*(p.cluster for p in ordered if p.cluster), "careers"])),
        lang=options.lang or spec.lang,
        creator=f"brochure {__version__}",
        variant=options.variant,
        attachments=source_files(ordered, options) if options.attach_source else (),
        output_intent=options.output_intent,
    )
    first = ordered[0].key
    result = html_to_pdf(
        html,
        base=chosen.folder,
        roots=roots,
        info=info,
        number_from=first,
        stylesheets=[*chosen.stylesheet_paths, *chosen.booklet_stylesheet_paths],
        grayscale=options.grayscale,
        remote=options.allow_remote,
        trim=Trim(options.bleed, options.marks),
    )
    result.warnings += accessibility_problems(html, chosen.name)
    endings = _sparse_careers(result, ordered, chosen)
    result.typography += endings
    result.warnings += [f"typography: {problem}" for problem in endings]
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


def _sparse_careers(result: PdfResult, careers: Sequence[Profile], layout: Layout) -> list[str]:
    """Careers whose last page in the booklet is nearly empty.

    A booklet is one layout pass, without the fit steps a single handout gets, so
    each career's ending is checked here as a handout's last page is. A career ends
    where the next begins, the last one at the back cover (`id="back-cover"`).
    """
    if layout.pages_exact:  # a fixed page count is the design, not spill-over
        return []
    starts = [result.anchors[career.key] for career in careers]
    ends = [*starts[1:], result.anchors.get("back-cover", result.pages)]
    sections = [(c.title, first, end) for c, first, end in zip(careers, starts, ends, strict=True)]
    return sparse_endings(result.page_fills, sections)


def check_booklet_options(options: RenderOptions, impose: str | None, fold: bool) -> None:
    """Refuse what imposed sheets cannot carry, rather than drop it silently.

    Sheets are for an office printer: two pages side by side on exactly the paper,
    with no room for a bleed or crop marks, and rewritten by pypdf, which keeps
    neither tags nor the output intent and metadata a PDF standard needs. A print
    shop takes single pages with bleed and marks, and imposes them itself.

    Raises:
        BookletOptionsError: the command line's usage error (exit 2).
    """
    if impose not in (None, "saddle"):
        raise BookletOptionsError(f"unknown imposition '{impose}' (available: saddle)")
    if fold and impose is None:
        raise BookletOptionsError("--marks fold goes with --impose saddle")
    if impose is None:
        return
    if options.bleed or options.marks:
        raise BookletOptionsError(
            "--bleed and crop or cross marks are for a print shop's single pages; "
            "imposed sheets have no room for them: leave out --impose"
        )
    if options.output_intent is not None:
        raise BookletOptionsError(
            "imposed sheets are printer sheets and carry no output intent: pypdf rewrites "
            "them without it; leave out --output-intent, or leave out --impose for a "
            "PDF/X-4 booklet of single pages"
        )
    if options.pdf_variant is not None:
        raise BookletOptionsError(
            f"imposed sheets are printer sheets and cannot declare {options.pdf_variant}: "
            "pypdf rewrites them without the tags and metadata it needs; leave out "
            "--pdf-variant, or leave out --impose for a booklet that declares it"
        )
    if options.attach_source:
        raise BookletOptionsError(
            "imposed sheets do not carry --attach-source files (pypdf rewrites the "
            "document); attach them to the booklet without --impose"
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
                Problem(f"cannot be imported: {_first_error(err)}", Path(outcome.page))
            ]
    return outcomes


def _first_error(err: ValueError) -> str:
    """`pathway[6].title: text is longer than 150 characters`, from a pydantic error."""
    from pydantic import ValidationError

    from .validation import describe

    if not isinstance(err, ValidationError):
        return str(err).splitlines()[0]
    return describe(Profile, err)


def preview_paths(
    paths: Iterable[str | Path],
    out: str | Path = "out/preview",
    *,
    layout: Layout | str | Path | None = None,
    paper: str | None = None,
    dpi: int = 72,
    options: RenderOptions = DEFAULT_OPTIONS,
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
        profile = load_profile(source, options.lang)
        rendered = render_profile(profile, layout, paper, options=options)
        images = pdf_to_pngs(rendered.pdf.data, folder, rendered.profile.key, dpi=dpi)
        results.append((source, [i.path for i in images]))
    return results
