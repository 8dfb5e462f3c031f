"""A tagged PDF from reportlab's flowables: a screen reader reads headings, paragraphs and the QR code's text
in their order and language, instead of one block of letters.

reportlab draws but does not tag. ``Tagged`` wraps a flowable and encloses what it draws in a marked-content
sequence (``/P <</MCID n>> BDC ... EMC``); ``TaggedCanvas`` numbers them page by page and, when the document is
saved, writes the structure tree that points at them (one ``/Document`` element holding ``/H1``, ``/H2``,
``/P``, ``/Figure`` with its ``/Alt``, each with its ``/Lang`` when it differs from the document's), the parent
tree that points back, and ``/MarkInfo << /Marked true >>`` in the catalog. The document's ``/Lang`` is
reportlab's own (``lang=`` of the document template).

Use: ``SimpleDocTemplate(...).build(story, canvasmaker=TaggedCanvas)`` with every flowable that draws text or
an image wrapped in ``Tagged``.
"""

from __future__ import annotations

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFPage, PDFString, PDFtrue
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus.flowables import Flowable

TAGS = {"H1", "H2", "P", "Figure", "Caption"}


class TaggedCanvas(Canvas):
    """A canvas that numbers the marked content of each page and writes the structure tree on saving."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._marks: list[tuple[int, int, str, str, str]] = []  # (page index, MCID, tag, lang, alt)
        self._next_mcid = 0
        self._pages: list[PDFPage] = []

    def begin_mark(self, tag: str, lang: str = "", alt: str = "") -> None:
        if tag not in TAGS:
            raise ValueError(f"unknown structure tag {tag!r}")
        mcid = self._next_mcid
        self._next_mcid += 1
        self._marks.append((len(self._pages), mcid, tag, lang, alt))
        self.addLiteral(f"/{tag} <</MCID {mcid}>> BDC")

    def end_mark(self) -> None:
        self.addLiteral("EMC")

    def showPage(self):
        super().showPage()
        page = self._doc.Pages.pages[-1]
        page.StructParents = len(self._pages)  # this page's entry in the parent tree
        page.__NoDefault__ = [*PDFPage.__NoDefault__, "StructParents"]  # written out with the page's entries
        self._pages.append(page)
        self._next_mcid = 0

    def save(self):
        if len(self._code):
            self.showPage()
        self._write_structure()
        self._doc.SaveToFile(self._filename, self)

    def _write_structure(self) -> None:
        doc = self._doc
        root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        root_ref = doc.Reference(root)
        document = PDFDictionary({"Type": PDFName("StructElem"), "S": PDFName("Document"), "P": root_ref})
        document_ref = doc.Reference(document)
        page_refs = [doc.Reference(page) for page in self._pages]
        kids, per_page = [], [[] for _page in self._pages]
        for page_index, mcid, tag, lang, alt in self._marks:
            element = PDFDictionary(
                {"Type": PDFName("StructElem"), "S": PDFName(tag), "P": document_ref, "Pg": page_refs[page_index]}
            )
            element["K"] = mcid
            if lang:
                element["Lang"] = PDFString(lang)
            if alt:
                element["Alt"] = PDFString(alt)
            ref = doc.Reference(element)
            kids.append(ref)
            per_page[page_index].append(ref)  # in MCID order: the array's index is the MCID
        document["K"] = PDFArray(kids)
        nums = []
        for page_index, refs in enumerate(per_page):
            nums += [page_index, PDFArray(refs)]
        root["K"] = document_ref
        root["ParentTree"] = doc.Reference(PDFDictionary({"Nums": PDFArray(nums)}))
        root["ParentTreeNextKey"] = len(self._pages)
        doc.Catalog.StructTreeRoot = root_ref
        doc.Catalog.MarkInfo = PDFDictionary({"Marked": PDFtrue})


class Tagged(Flowable):
    """A flowable whose drawing is one structure element: ``Tagged(Paragraph(...), "P", lang="es")``.

    ``lang`` is given only when the text is in another language than the document's; ``alt`` is the text a
    figure stands for. Laid out exactly as the flowable it wraps."""

    def __init__(self, flowable: Flowable, tag: str, lang: str = "", alt: str = ""):
        super().__init__()
        self.flowable, self.tag, self.lang, self.alt = flowable, tag, lang, alt

    def wrap(self, available_width, available_height):
        self.width, self.height = self.flowable.wrap(available_width, available_height)
        return self.width, self.height

    def split(self, available_width, available_height):
        return [
            Tagged(part, self.tag, self.lang, self.alt)
            for part in self.flowable.split(available_width, available_height)
        ]

    def getSpaceBefore(self):
        return self.flowable.getSpaceBefore()

    def getSpaceAfter(self):
        return self.flowable.getSpaceAfter()

    def drawOn(self, canvas, x, y, _sW=0):
        tagging = isinstance(canvas, TaggedCanvas)
        if tagging:
            canvas.begin_mark(self.tag, self.lang, self.alt)
        self.flowable.drawOn(canvas, x, y, _sW)
        if tagging:
            canvas.end_mark()
