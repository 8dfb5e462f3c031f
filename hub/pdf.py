"""A guide on one printed page, to hand to a person at a window: the facts with how sure they are, the
steps, the documents to bring, the windows where to ask, and a QR code that opens the page online."""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus.flowables import Flowable

from helpers.dates import full_date
from helpers.tagged_pdf import Tagged, TaggedCanvas

if TYPE_CHECKING:
    from .languages import Localized
    from .pathways import Fact, PathwayFacts, Sourced

MARGIN = 14 * mm
QR_SIZE = 34 * mm
# Bitstream Vera, shipped inside reportlab: embedded (subset) in every guide, it draws every letter of the five
# languages (ñ, ç, œ, ò, ë...), where the standard PDF fonts depend on the reader's viewer.
FONT, BOLD = "Vera", "VeraBd"
WINDOWS_SHOWN = 4


def _fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))
        pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _text(value: str) -> str:
    """Escaped for reportlab's mini-markup."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _window_place(card) -> str:
    """A window's name and address, in the language they are written in (``window.written_in``)."""
    window = card.window
    return f"<b>{_text(window.name)}</b><br/>{_text(f'{window.address}, {window.city}')}"


def _window_lines(card) -> str:
    """A window's phone and its week's hours, in the reader's language."""
    window = card.window
    lines = []
    if window.phone:
        lines.append(_text(gettext("Phone: %(phone)s") % {"phone": window.phone}))
    days = [
        f"{_text(day.label)} {', '.join(f'{a:%H:%M}-{b:%H:%M}' for a, b in day.intervals)}"
        for day in card.week
        if day.intervals
    ]
    if days:
        lines.append("; ".join(days))
    return "<br/>".join(lines)


def _status(sourced: Sourced) -> str:
    sentences = {
        "confirmed": gettext("Confirmed."),
        "disputed": gettext(
            "Disputed: the sources do not agree. Confirm at an information window before you pay or act."
        ),
        "applies_only": f"{gettext('Applies only to:')} {sourced.applies_to.value}.",
    }
    text = sentences.get(sourced.status, gettext("To verify: confirm at an information window before you act."))
    if sourced.applies_to and sourced.status != "applies_only":
        text += f" {gettext('Applies only to:')} {sourced.applies_to.value}."
    if sourced.source_name:
        text += f" {gettext('Source:')} {sourced.source_name.value}."
    if sourced.checked_on:
        text += " " + gettext("Checked on %(day)s.") % {"day": full_date(sourced.checked_on)}
    return text


def _fee_line(fee: Fact) -> str:
    if fee.is_free:
        head = f"<b>{_text(gettext('Free.'))}</b>"
    elif fee.amount is not None:
        head = f"<b>{_text(number_format(fee.amount.normalize(), force_grouping=True))} {_text(fee.currency)}</b>"
    else:
        head = _text(gettext("Amount not known."))
    parts = [head]
    if fee.text:
        parts.append(_text(fee.text.value))
    parts.append(f"<i>{_text(_status(fee.sourced))}</i>")
    if fee.note:
        parts.append(_text(fee.note.value))
    return " ".join(parts)


def _time_lines(facts: PathwayFacts) -> list[str]:
    lines = []
    processing = facts.processing
    if processing.source == "observed":
        if processing.demo:
            template = ngettext(
                "About %(days)s day, computed from %(sample)s demonstration processes: invented figures, not a "
                "measurement.",
                "About %(days)s days, computed from %(sample)s demonstration processes: invented figures, not a "
                "measurement.",
                processing.days,
            )
        else:
            template = ngettext(
                "About %(days)s day: the real median time at the windows, from %(sample)s processes decided in the "
                "last 12 months.",
                "About %(days)s days: the real median time at the windows, from %(sample)s processes decided in the "
                "last 12 months.",
                processing.days,
            )
        lines.append(_text(template % {"days": processing.days, "sample": processing.sample_size}))
    for time in facts.times:
        if time.text:
            head = time.text.value
        else:
            head = ngettext("Announced: about %(days)s day.", "Announced: about %(days)s days.", time.days or 0) % {
                "days": time.days
            }
        lines.append(f"{_text(head)} <i>{_text(_status(time.sourced))}</i>")
    return lines or [_text(gettext("Not published."))]


def _qr(url: str) -> Flowable:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def guide_pdf(text: Localized, facts: PathwayFacts | None, url: str, windows=(), language: str = "") -> bytes:
    """One A4 page: whatever does not fit is shrunk to fit rather than spilling onto a second sheet. ``windows``
    are the country's window cards (``ventanillas.selectors.window_directory``): where to ask, with hours."""
    _fonts()
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName=FONT, fontSize=9.5, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    heading = ParagraphStyle(
        "heading", parent=styles["Heading3"], fontName=BOLD, fontSize=11, spaceBefore=6, spaceAfter=2
    )
    title = ParagraphStyle("title", parent=styles["Title"], fontName=BOLD)

    def tag(flowable: Flowable, kind: str = "P", lang: str = "", alt: str = "") -> Tagged:
        """The flowable as a structure element, with its language when it is not the document's."""
        return Tagged(flowable, kind, lang if lang and lang != language else "", alt)

    story: list[Flowable] = [tag(Paragraph(_text(text.title), title), "H1", text.language)]
    if text.summary:
        story.append(tag(Paragraph(_text(text.summary), body), lang=text.language))
    if text.item.is_sample or (facts and facts.is_sample):
        story.append(
            tag(
                Paragraph(
                    "<b>"
                    + _text(
                        gettext(
                            "Sample content: these facts have not been verified for publication. Ask at an information "
                            "window before you act."
                        )
                    )
                    + "</b>",
                    body,
                )
            )
        )
    if facts:
        story.append(tag(Paragraph(_text(facts.name.value), heading), "H2", facts.name.language))
        story.append(tag(Paragraph(f"<b>{_text(gettext('Cost'))}</b>", body)))
        for fee in facts.fees or []:
            story.append(tag(Paragraph("• " + _fee_line(fee), body)))
        if not facts.fees:
            story.append(tag(Paragraph(_text(gettext("Not confirmed: ask at an information window.")), body)))
        story.append(tag(Paragraph(f"<b>{_text(gettext('Processing time'))}</b>", body)))
        story += [tag(Paragraph("• " + line, body)) for line in _time_lines(facts)]
        if facts.steps:
            story.append(tag(Paragraph(_text(gettext("Steps")), heading), "H2"))
            story += [
                tag(Paragraph(f"{n}. {_text(step.title.value)}", body), lang=step.title.language)
                for n, step in enumerate(facts.steps, start=1)
            ]
        if facts.documents:
            story.append(tag(Paragraph(_text(gettext("Documents to bring")), heading), "H2"))
            for doc in facts.documents:
                optional = f" ({_text(gettext('if you have it'))})" if not doc.required else ""
                story.append(tag(Paragraph(f"[  ] {_text(doc.name.value)}{optional}", body), lang=doc.name.language))
    else:
        for block in [b.strip() for b in text.body.split("\n\n") if b.strip()][:8]:
            story.append(tag(Paragraph(_text(block).replace("\n", "<br/>"), body), lang=text.language))
    if windows:
        story.append(tag(Paragraph(_text(gettext("Where to ask: the information windows")), heading), "H2"))
        for card in list(windows)[:WINDOWS_SHOWN]:
            story.append(tag(Paragraph(_window_place(card), small), lang=card.window.written_in))
            if _window_lines(card):
                story.append(tag(Paragraph(_window_lines(card), small)))
    story.append(Spacer(1, 4 * mm))
    scan = gettext("Scan to read this guide online, in your language:")
    footer = Table(
        [
            [
                tag(_qr(url), "Figure", alt=gettext("QR code that opens this guide online: %(url)s") % {"url": url}),
                tag(Paragraph(_text(scan) + f"<br/>{_text(url)}", small)),
            ]
        ],
        colWidths=[QR_SIZE + 4 * mm, None],
    )
    width, height = A4
    frame_height = height - 2 * MARGIN
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=text.title,
        lang=language or None,
        initialFontName=FONT,
    )
    content = KeepInFrame(width - 2 * MARGIN, frame_height - QR_SIZE - 12 * mm, story, mode="shrink")
    document.build([content, footer], canvasmaker=TaggedCanvas)
    return buffer.getvalue()
