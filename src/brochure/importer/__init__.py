"""Career page text → profile data, with every non-empty line mapped or reported.

The pages this reads are the plain text of career web pages (see
`tests/data/seeds/`): a title, a one-line summary, a facts table in `| label | value |`
rows, then sections under headings. The same page template also comes out as a
second text rendering: a tag row of words between emoji over the summary, each fact's
label glued to its value (`EducationAssociate Degree`) or with the value on the next
line, `  • ` items between blank lines, and each pathway step under a line holding
only its number. Both renderings, and mixtures of them, are read line by line.
Real pages drift (sections missing or reordered, other bullets, hourly pay, a page
cut short), so the parser is a small state machine over lines that names every line
it could not place rather than dropping it.

One module per part of the page, so that each has one reason to change:

- `lines`: the page's numbered lines, the `Reader` that tracks them, shared patterns;
- `sections`: the page cut at its headings, each section read by its kind;
- `head`: title, tags, summary and facts above the first section, into the profile;
- `facts`: the facts in either rendering, and their values (money, growth, time);
- `steps`: the pathway's steps and their durations;
- `lists`: bullets, paragraphs, certifications, sources, related careers;
- `page`: `parse_page`, the whole page in order;
- `yaml_out`: `to_yaml`, the profile as YAML a person can edit;
- `files`: `import_pages` and `read_page`, pages from files and profiles written.
"""

from __future__ import annotations

from .files import ImportOutcome, import_pages, read_page
from .lines import Line
from .page import Imported, parse_page
from .sections import PAGE_ORDER, SECTIONS
from .yaml_out import to_yaml

__all__ = [
    "PAGE_ORDER",
    "SECTIONS",
    "ImportOutcome",
    "Imported",
    "Line",
    "import_pages",
    "parse_page",
    "read_page",
    "to_yaml",
]
