"""An independent PDF/UA-1 checker for the tests: a practical subset of the Matterhorn
Protocol's machine-checkable failure conditions, read with pikepdf alone (never with the
project's own code), so that a tagging bug in the renderer cannot hide itself.

`pdfua_problems(data)` lists what fails, one short line each; an empty list passes.

1. Catalog and metadata: /MarkInfo /Marked true and /Suspects not true (01-002, 01-006),
   /Lang, /StructTreeRoot, /DisplayDocTitle (07-001), XMP pdfuaid:part 1 (06-002) and
   dc:title (06-003).
2. Structure tree: every element has /S, which is or role-maps to a standard PDF 1.7 type
   (02-001), with no circular mapping (02-003) and no standard type remapped (02-004);
   Figures and Formulas have /Alt or /ActualText (13-004, 17-002); an element has one
   parent.
3. Marked content: every text, path, shading, image and XObject painting operator lies in a
   sequence with an MCID or in an /Artifact (01-001..01-004, 01-007); a form XObject drawn
   outside them must mark all its content itself; an MCID is marked once per page, and
   tagged sequences do not nest.
4. Parent tree: unique keys; each page with MCIDs has /StructParents, and the entry's index
   i is the element whose /K claims MCID i on that page; every MCID an element claims on a
   page is marked on that page.
5. Annotations: /Tabs /S where there are annotations (28-002); each Link (and Widget) is
   tagged through /StructParent, under a Link (Form) element holding an OBJR to it (28-008,
   28-011); a Link has /Contents or its element /Alt (28-004).
6. Fonts: every font of the pages' resources, recursively through form XObjects, tiling
   patterns and Type0 descendants, is embedded (31-001), Type3 excepted.
7. `qpdf --check` accepts the file (where the qpdf command is not installed, pikepdf's
   `check_pdf_syntax`: the same checks, by the qpdf library).

Beyond Matterhorn, the tree is checked for consistency both ways, since a booklet is joined
from parts: each element's /P is the element (or root) listing it in /K, and the element
that owns a page's MCID through the parent tree is one the root reaches (content tagged
under an element outside the tree is tagged for no reader that walks the tree: 01-005).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Object, Pdf, Stream

ObjGen = tuple[int, int]
Instruction = pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage

# ISO 32000-1 (PDF 1.7) 14.8.4, the standard structure types.
STANDARD_TYPES = frozenset(
    {
        # grouping
        "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI",
        "Index", "NonStruct", "Private",
        # block-level
        "P", "H", "H1", "H2", "H3", "H4", "H5", "H6",
        "L", "LI", "Lbl", "LBody",
        "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot",
        # inline-level
        "Span", "Quote", "Note", "Reference", "BibEntry", "Code", "Link", "Annot",
        "Ruby", "RB", "RT", "RP", "Warichu", "WT", "WP",
        # illustrations
        "Figure", "Formula", "Form",
    }
)  # fmt: skip

TEXT_PAINTING = frozenset({"Tj", "TJ", "'", '"'})
OTHER_PAINTING = frozenset({"Do", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh"})
PAINTING = TEXT_PAINTING | OTHER_PAINTING
INLINE_IMAGE = "INLINE IMAGE"  # how pikepdf names a BI ... ID ... EI group
HIDDEN = 2  # annotation flag bit 2


def pdfua_problems(data: bytes) -> list[str]:
    """What keeps `data` from PDF/UA-1, one short line each; [] when nothing does."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as err:
        return [f"file: pikepdf cannot open it: {err}"]
    with pdf:
        problems = _Checker(pdf).run()
        if shutil.which("qpdf") is None:  # the same checks, by the qpdf library in pikepdf
            problems += [f"qpdf check: {said}" for said in pdf.check_pdf_syntax()[:1]]
    return problems + qpdf_check_problems(data)


def qpdf_check_problems(data: bytes) -> list[str]:
    """`qpdf --check` on the bytes: its first complaint when it does not exit 0 ([] when
    the qpdf command is not installed: `pdfua_problems` then asks pikepdf's libqpdf)."""
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        return []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "checked.pdf"
        path.write_bytes(data)
        result = subprocess.run(
            [qpdf, "--check", str(path)], capture_output=True, text=True, check=False
        )
    if result.returncode == 0:
        return []
    said = [
        line.strip().replace(str(path), "the file")
        for line in (result.stderr + result.stdout).splitlines()
        if line.strip() and not line.startswith(("checking ", "PDF Version", "File is not"))
    ]
    return [f"qpdf --check: exit {result.returncode}: {said[0] if said else 'no message'}"]


# --- reading values whatever pikepdf's conversion mode -------------------------------


def _int(obj: object) -> int | None:
    if isinstance(obj, bool | pikepdf.Boolean):
        return None
    if isinstance(obj, int):
        return obj
    if isinstance(obj, pikepdf.Integer):
        return int(obj)
    return None


def _true(obj: object) -> bool:
    return obj is True or (isinstance(obj, pikepdf.Boolean) and bool(obj))


def _name(obj: object) -> str:
    """'/Figure' -> 'Figure'; '' for anything that is not a name."""
    return str(obj)[1:] if isinstance(obj, Name) else ""


def _text(obj: object) -> str:
    """A text string's value, stripped; '' for anything else."""
    return str(obj).strip() if isinstance(obj, pikepdf.String | str) else ""


def _dict(obj: object) -> Dictionary | None:
    return obj if isinstance(obj, Dictionary) else None


def _objgen(obj: object) -> ObjGen | None:
    """The object's number, or None for a direct object (which has no identity)."""
    return obj.objgen if isinstance(obj, Object) and obj.is_indirect else None


def _items(obj: object) -> list[object]:
    """A /K-like value as a list: an array's items, one item, or nothing."""
    if obj is None:
        return []
    if isinstance(obj, Array):
        return list(obj)
    return [obj]


def _kid_kind(kid: object) -> str:
    """What a structure element's kid is: 'mcid', 'mcr', 'objr', 'elem' or 'bad'."""
    if _int(kid) is not None:
        return "mcid"
    kid = _dict(kid)
    if kid is None:
        return "bad"
    kind = _name(kid.get("/Type"))
    if kind == "MCR" or (kind != "StructElem" and "/MCID" in kid):
        return "mcr"
    if kind == "OBJR" or (kind != "StructElem" and "/Obj" in kid):
        return "objr"
    return "elem"


@dataclass
class _Element:
    """A structure element, with the content it claims."""

    obj: Dictionary
    role: str  # the standard type its /S is or maps to; "" if none
    mcids: set[tuple[ObjGen | None, int]] = field(default_factory=set)  # (page, MCID)
    objrs: set[ObjGen | None] = field(default_factory=set)  # objects it tags

    @property
    def label(self) -> str:
        number = _objgen(self.obj)
        return f"element {number[0]}" if number else "a direct element"

    def claim(self, kid: object) -> str:
        """Take a content item kid; a problem with it, or ''."""
        page = _objgen(self.obj.get("/Pg"))
        kind = _kid_kind(kid)
        mcid = _int(kid)
        if kind == "mcid" and mcid is not None:
            self.mcids.add((page, mcid))
            return "" if page is not None else f"MCID {mcid} without /Pg"
        mcr = _dict(kid)
        if kind == "mcr" and mcr is not None:
            if "/Stm" in mcr:
                return ""  # content of a form XObject's stream, not of a page
            page = _objgen(mcr.get("/Pg")) or page
            mcid = _int(mcr.get("/MCID"))
            if mcid is None:
                return "an MCR without an integer /MCID"
            self.mcids.add((page, mcid))
            return "" if page is not None else f"MCID {mcid} without /Pg"
        if kind == "objr" and mcr is not None:
            self.objrs.add(_objgen(mcr.get("/Obj")))
        return ""


class _Checker:
    def __init__(self, pdf: Pdf) -> None:
        self.pdf = pdf
        self.root = pdf.Root
        self.problems: list[str] = []
        self.pages: list[Dictionary] = [page.obj for page in pdf.pages]
        self.page_number: dict[ObjGen, int] = {
            page.objgen: number for number, page in enumerate(self.pages, start=1)
        }
        self.role_map: Dictionary | None = None
        self.elements: dict[ObjGen, _Element] = {}  # the tree's indirect elements
        self.direct_elements: list[_Element] = []
        self.parent_tree: dict[int, object] = {}
        self.page_mcids: dict[int, set[int]] = {}  # page number -> MCIDs it marks

    def add(self, problem: str) -> None:
        self.problems.append(problem)

    def run(self) -> list[str]:
        self.check_catalog()
        self.check_metadata()
        tree = _dict(self.root.get("/StructTreeRoot"))
        if tree is not None:
            role_map = tree.get("/RoleMap")
            self.role_map = _dict(role_map)
            if role_map is not None and self.role_map is None:
                self.add("structure: /RoleMap is not a dictionary")
            self.walk_structure(tree)
            self.read_parent_tree(tree)
        for number, page in enumerate(self.pages, start=1):
            self.check_content(number, page)
        if tree is not None:
            self.check_mcid_owners()
        for number, page in enumerate(self.pages, start=1):
            self.check_annotations(number, page)
        self.check_fonts()
        return self.problems

    # 1. catalog and metadata ----------------------------------------------------------

    def check_catalog(self) -> None:
        mark_info = _dict(self.root.get("/MarkInfo"))
        if mark_info is None:
            self.add("catalog: no /MarkInfo")
        else:
            if not _true(mark_info.get("/Marked")):
                self.add("catalog: /MarkInfo /Marked is not true")
            if _true(mark_info.get("/Suspects")):
                self.add("catalog: /MarkInfo /Suspects is true")
        if not _text(self.root.get("/Lang")):
            self.add("catalog: no /Lang (or an empty one)")
        if _dict(self.root.get("/StructTreeRoot")) is None:
            self.add("catalog: no /StructTreeRoot")
        prefs = _dict(self.root.get("/ViewerPreferences"))
        if prefs is None or not _true(prefs.get("/DisplayDocTitle")):
            self.add("catalog: /ViewerPreferences /DisplayDocTitle is not true")

    def check_metadata(self) -> None:
        if not isinstance(self.root.get("/Metadata"), Stream):
            self.add("metadata: the catalog has no XMP /Metadata stream")
            return
        try:
            meta = self.pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
            part = meta.get("pdfuaid:part")
            title = meta.get("dc:title")
        except Exception as err:  # a packet that cannot be read fails, whatever broke
            self.add(f"metadata: the XMP packet cannot be read: {err}")
            return
        if str(part).strip() != "1":
            self.add(f"metadata: pdfuaid:part is {part!r}, not '1'")
        if not str(title or "").strip():
            self.add("metadata: no dc:title (or an empty one)")

    # 2. structure tree ----------------------------------------------------------------

    def resolve_role(self, structure_type: str) -> tuple[str, str]:
        """(the standard type, a problem): the one or the other is ''."""
        role_map = self.role_map
        if structure_type in STANDARD_TYPES:
            if role_map is not None and "/" + structure_type in role_map:
                return structure_type, f"standard type /{structure_type} is remapped"
            return structure_type, ""
        seen = {structure_type}
        current = structure_type
        while True:
            target = role_map.get("/" + current) if role_map is not None else None
            if not isinstance(target, Name):
                return "", f"/{structure_type} is not role-mapped to a standard type"
            current = _name(target)
            if current in STANDARD_TYPES:
                return current, ""
            if current in seen:
                return "", f"/{structure_type} has a circular role mapping"
            seen.add(current)

    def walk_structure(self, tree: Dictionary) -> None:
        stack = [(kid, tree) for kid in reversed(_items(tree.get("/K")))]
        if not stack:
            self.add("structure: the structure tree root has no /K")
        while stack:
            item, parent = stack.pop()
            elem = _dict(item)
            if elem is None or _kid_kind(elem) != "elem":
                self.add(f"structure: a kid of the root is no structure element: {item!r:.40}")
                continue
            number = _objgen(elem)
            if number is not None and number in self.elements:
                self.add(f"structure: element {number[0]} has more than one parent")
                continue
            structure_type = _name(elem.get("/S"))
            element = _Element(elem, "")
            if not structure_type:
                self.add(f"structure: {element.label} has no /S")
            else:
                element.role, problem = self.resolve_role(structure_type)
                if problem:
                    self.add(f"structure: {element.label}: {problem}")
            if number is not None:
                self.elements[number] = element
            else:
                self.direct_elements.append(element)
            parent_id = _objgen(parent)
            if parent_id is not None and _objgen(elem.get("/P")) != parent_id:
                self.add(f"structure: {element.label}'s /P is not {parent_id[0]}, which lists it")
            if element.role in ("Figure", "Formula") and not (
                _text(elem.get("/Alt")) or _text(elem.get("/ActualText"))
            ):
                self.add(f"structure: {element.label} (/{element.role}) has no /Alt")
            for kid in reversed(_items(elem.get("/K"))):
                kind = _kid_kind(kid)
                if kind == "elem":
                    stack.append((kid, elem))
                elif kind == "bad":
                    self.add(f"structure: {element.label} has a kid of no kind: {kid!r:.40}")
                elif problem := element.claim(kid):
                    self.add(f"structure: {element.label}: {problem}")

    def read_parent_tree(self, tree: Dictionary) -> None:
        top = _dict(tree.get("/ParentTree"))
        if top is None:
            self.add("structure: the structure tree root has no /ParentTree")
            return
        visited: set[ObjGen] = set()
        nodes = [top]
        while nodes:
            node = nodes.pop()
            number = _objgen(node)
            if number is not None:
                if number in visited:
                    self.add(f"parent tree: node {number[0]} is reached twice")
                    continue
                visited.add(number)
            nums = node.get("/Nums")
            if nums is not None:
                if not isinstance(nums, Array) or len(nums) % 2:
                    self.add("parent tree: a /Nums is not an array of key-value pairs")
                    continue
                pairs = list(nums)
                for raw_key, value in zip(pairs[::2], pairs[1::2], strict=True):
                    key = _int(raw_key)
                    if key is None:
                        self.add(f"parent tree: key {raw_key!r:.20} is not an integer")
                    elif key in self.parent_tree:
                        self.add(f"parent tree: key {key} appears twice")
                    else:
                        self.parent_tree[key] = value
            for kid in _items(node.get("/Kids")):
                kid_node = _dict(kid)
                if kid_node is None:
                    self.add("parent tree: a /Kids entry is not a dictionary")
                else:
                    nodes.append(kid_node)

    def why_outside(self, obj: Dictionary) -> str:
        """Where the /P chain of an element outside the tree leaves the tree, and where
        that chain ends."""
        real_root = _objgen(self.root.get("/StructTreeRoot"))
        node, unlisted, seen = obj, "", set()
        while True:
            parent = _dict(node.get("/P"))
            node_id, parent_id = _objgen(node), _objgen(parent)
            node_label = f"element {node_id[0]}" if node_id else "a direct element"
            if parent is None or parent_id is None or parent_id in seen:
                end = f"{node_label} has no indirect /P, or a looping one"
                break
            seen.add(parent_id)
            if not unlisted and node_id not in map(_objgen, _items(parent.get("/K"))):
                unlisted = f"the /P of {node_label}, {parent_id[0]}, does not list it"
            if _name(parent.get("/Type")) == "StructTreeRoot":
                other = parent_id != real_root
                end = f"the chain ends at StructTreeRoot {parent_id[0]}, not the catalog's"
                end = end if other else ""
                break
            node = parent
        return "; ".join(filter(None, (unlisted, end))) or "the root lists the chain"

    def element_for(self, obj: object) -> _Element | None:
        """The element of the structure tree that `obj` is, if it is one."""
        number = _objgen(obj)
        return self.elements.get(number) if number is not None else None

    # 3. marked content ----------------------------------------------------------------

    def check_content(self, number: int, page: Dictionary) -> None:
        where = f"page {number}"
        try:
            instructions = pikepdf.parse_content_stream(page)
        except pikepdf.PdfError as err:
            self.add(f"{where}: its content cannot be parsed: {err}")
            return
        mcids: Counter[int] = Counter()
        self.scan(where, instructions, page.get("/Resources"), mcids, frozenset())
        for mcid, count in sorted(mcids.items()):
            if count > 1:
                self.add(f"{where}: MCID {mcid} is marked {count} times")
        self.page_mcids[number] = set(mcids)

    def scan(
        self,
        where: str,
        instructions: Sequence[Instruction],
        resources: object,
        mcids: Counter[int],
        forms: frozenset[ObjGen],
    ) -> None:
        """Check one content stream; `mcids` counts the MCIDs it marks. Painting outside
        every tagged or artifact sequence fails, but for a form XObject drawn there, whose
        own content is checked instead (`forms`: those being checked, against loops)."""
        stack: list[str] = []  # each open sequence: "artifact", "tagged" or "other"
        unmarked: Counter[str] = Counter()
        for instruction in instructions:
            operator = str(instruction.operator)
            if operator in ("BDC", "BMC"):
                kind = self.sequence_kind(where, list(instruction.operands), resources, mcids)
                if kind == "tagged" and "artifact" in stack:
                    self.add(f"{where}: tagged content inside an artifact")
                elif kind == "tagged" and "tagged" in stack:
                    self.add(f"{where}: a tagged sequence inside another")
                elif kind == "artifact" and "tagged" in stack:
                    self.add(f"{where}: an artifact inside tagged content")
                stack.append(kind)
            elif operator == "EMC":
                if stack:
                    stack.pop()
                else:
                    self.add(f"{where}: EMC without BMC or BDC")
            elif operator in PAINTING or operator == INLINE_IMAGE:
                if "artifact" in stack or "tagged" in stack:
                    continue
                if operator == "Do" and self.scan_form(
                    where, list(instruction.operands), resources, forms
                ):
                    continue
                unmarked["BI" if operator == INLINE_IMAGE else operator] += 1
        if stack:
            self.add(f"{where}: {len(stack)} marked-content sequence(s) left open")
        for operator, count in sorted(unmarked.items()):
            self.add(f"{where}: {count} {operator} outside tagged or artifact content")

    def sequence_kind(
        self, where: str, operands: Sequence[object], resources: object, mcids: Counter[int]
    ) -> str:
        tag = _name(operands[0]) if operands else ""
        if tag == "Artifact":
            return "artifact"
        if len(operands) < 2:
            return "other"
        properties: object = operands[1]
        if isinstance(properties, Name):
            resources = _dict(resources)
            named = _dict(resources.get("/Properties")) if resources is not None else None
            properties = named.get(properties) if named is not None else None
            if properties is None:
                self.add(f"{where}: BDC names a property list {operands[1]} that is not there")
        mcid = _int(properties.get("/MCID")) if isinstance(properties, Dictionary) else None
        if mcid is None:
            return "other"
        mcids[mcid] += 1
        return "tagged"

    def scan_form(
        self, where: str, operands: Sequence[object], resources: object, forms: frozenset[ObjGen]
    ) -> bool:
        """For a `Do` outside marked content: whether it draws a form XObject, whose own
        content is then checked (and fails on its own account)."""
        xobjects = _dict(resources.get("/XObject")) if isinstance(resources, Dictionary) else None
        name = operands[0] if operands else None
        form = xobjects.get(name) if xobjects is not None and isinstance(name, Name) else None
        if not isinstance(form, Stream) or _name(form.get("/Subtype")) != "Form":
            return False  # an image, or nothing: the Do itself fails
        number = _objgen(form) or (0, 0)
        if number in forms:
            return False
        try:
            instructions = pikepdf.parse_content_stream(form)
        except pikepdf.PdfError:
            return False
        inner = f"{where} form {name}"
        own = form.get("/Resources", resources)
        self.scan(inner, instructions, own, Counter(), forms | {number})
        return True

    # 4. parent tree against the content -------------------------------------------------

    def check_mcid_owners(self) -> None:
        for number, page in enumerate(self.pages, start=1):
            mcids = self.page_mcids.get(number, set())
            if mcids:
                self.check_page_owners(f"page {number}", page, mcids)
        # The other way: every MCID an element claims on a page is marked there.
        for element in [*self.elements.values(), *self.direct_elements]:
            for page_id, mcid in sorted(element.mcids, key=lambda p: (p[0] or (0, 0), p[1])):
                if page_id is None:
                    continue  # reported as "without /Pg"
                page_number = self.page_number.get(page_id)
                if page_number is None:
                    self.add(f"structure: {element.label}'s /Pg for MCID {mcid} is no page")
                elif mcid not in self.page_mcids.get(page_number, set()):
                    self.add(
                        f"structure: {element.label} claims MCID {mcid} on page "
                        f"{page_number}, which that page does not mark"
                    )

    def check_page_owners(self, where: str, page: Dictionary, mcids: set[int]) -> None:
        """Index i of the page's parent-tree entry is the element claiming MCID i here."""
        key = _int(page.get("/StructParents"))
        if key is None:
            self.add(f"{where}: has MCIDs but no /StructParents")
            return
        entry = self.parent_tree.get(key)
        if not isinstance(entry, Array):
            self.add(f"{where}: parent-tree entry {key} is missing or not an array")
            return
        owners = list(entry)
        for mcid in sorted(mcids):
            owner = _dict(owners[mcid]) if mcid < len(owners) else None
            if owner is None:
                self.add(f"{where}: MCID {mcid} has no element in parent-tree entry {key}")
                continue
            element = self.element_for(owner)
            if element is None:
                element = _Element(owner, "")
                for kid in _items(owner.get("/K")):
                    element.claim(kid)
                self.add(
                    f"{where}: MCID {mcid}'s {element.label} is outside the structure tree "
                    f"({self.why_outside(owner)})"
                )
            if (page.objgen, mcid) not in element.mcids:
                self.add(f"{where}: MCID {mcid}'s parent {element.label} does not claim it")

    # 5. annotations -------------------------------------------------------------------

    def check_annotations(self, number: int, page: Dictionary) -> None:
        where = f"page {number}"
        annotations = [a for a in map(_dict, _items(page.get("/Annots"))) if a is not None]
        if not annotations:
            return
        if _name(page.get("/Tabs")) != "S":
            self.add(f"{where}: has annotations but /Tabs is not /S")
        for annotation in annotations:
            subtype = _name(annotation.get("/Subtype"))
            annotation_id = _objgen(annotation)
            if subtype not in ("Link", "Widget") or (_int(annotation.get("/F")) or 0) & HIDDEN:
                continue  # only untagged links and widgets are looked for
            number_said = str(annotation_id[0]) if annotation_id else "(direct)"
            label = f"{where}: {subtype} annotation {number_said}"
            key = _int(annotation.get("/StructParent"))
            if key is None:
                self.add(f"{label} is untagged (no /StructParent)")
                continue
            parent = self.parent_tree.get(key)
            element = self.element_for(parent)
            if element is None:
                said = "has no element" if _dict(parent) is None else "is not in the tree"
                self.add(f"{label}: parent-tree entry {key} {said}")
                continue
            expected = "Link" if subtype == "Link" else "Form"
            if element.role != expected:
                self.add(f"{label}: its parent is /{element.role or '?'}, not /{expected}")
            if annotation_id is None or annotation_id not in element.objrs:
                self.add(f"{label}: its parent {element.label} has no OBJR to it")
            if subtype == "Link" and not (
                _text(annotation.get("/Contents")) or _text(element.obj.get("/Alt"))
            ):
                self.add(f"{label} has no /Contents, nor /Alt on its element")

    # 6. fonts -------------------------------------------------------------------------

    def check_fonts(self) -> None:
        fonts_seen: set[ObjGen] = set()
        resources_seen: set[ObjGen] = set()
        for number, page in enumerate(self.pages, start=1):
            for font in self.fonts_in(page.get("/Resources"), resources_seen):
                font_id = _objgen(font)
                if font_id is not None:
                    if font_id in fonts_seen:
                        continue
                    fonts_seen.add(font_id)
                problem = self.font_problem(font)
                if problem:
                    self.add(f"page {number}: font {font.get('/BaseFont', '?')} {problem}")

    def fonts_in(self, resources: object, seen: set[ObjGen]) -> Iterator[Dictionary]:
        """The fonts of a resource dictionary and, recursively, of its form XObjects and
        tiling patterns (`seen`: the resources and holders already read)."""
        resources = _dict(resources)
        if resources is None:
            return
        resources_id = _objgen(resources)
        if resources_id is not None:
            if resources_id in seen:
                return
            seen.add(resources_id)
        fonts = _dict(resources.get("/Font"))
        for font in fonts.values() if fonts is not None else ():
            if isinstance(font, Dictionary):
                yield font
        for category in ("/XObject", "/Pattern"):
            holders = _dict(resources.get(category))
            for holder in holders.values() if holders is not None else ():
                holder_id = _objgen(holder)
                if not isinstance(holder, Stream) or (holder_id and holder_id in seen):
                    continue  # images and shading patterns hold no fonts
                if holder_id is not None:
                    seen.add(holder_id)
                yield from self.fonts_in(holder.get("/Resources"), seen)

    @staticmethod
    def font_problem(font: Dictionary) -> str:
        subtype = _name(font.get("/Subtype"))
        if subtype == "Type3":
            return ""
        if subtype == "Type0":
            descendants = font.get("/DescendantFonts")
            if not isinstance(descendants, Array) or len(descendants) != 1:
                return "is Type0 without one descendant font"
            descendant = _dict(descendants[0])
            if descendant is None:
                return "has a descendant font that is not a dictionary"
            font = descendant
        descriptor = _dict(font.get("/FontDescriptor"))
        if descriptor is None:
            return "is not embedded (no font descriptor)"
        if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            return "is not embedded"
        return ""
