"""Body text for the PDF: runs as reportlab markup, and paragraphs that break where a reader expects.

"Exhibit 12" and "No. 12345" are joined by a no-break space (layout.keep_labels); a certificate
fingerprint, which is longer than a line, gets a line break after the colon where the line is full,
so it breaks only after a colon (reportlab otherwise breaks only at spaces and cuts a word longer than
the line anywhere).
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from app.documents import fonts
from app.documents import model as m
from app.documents.layout import FINGERPRINT, keep_labels

MARK_COLOUR = "#FFE600"  # the conspicuous marker's background (docx_writer uses Word's yellow highlight)


def _styled(text: str, run: m.Run) -> str:
    if run.italic:
        text = f"<i>{text}</i>"
    if run.bold or run.mark:
        text = f"<b>{text}</b>"
    if run.mark:
        text = f'<font backColor="{MARK_COLOUR}">{text}</font>'
    return text


def runs_markup(runs: m.Runs) -> str:
    """Runs as reportlab paragraph markup, every character of the text escaped; "Exhibit 12" kept on
    one line (layout.keep_labels)."""
    return "".join(_styled(escape(keep_labels(run.text)), run) for run in runs)


def rl_paragraph(markup: str, style: ParagraphStyle, **kwargs: Any) -> Paragraph:
    """A reportlab Paragraph whose text pieces name every attribute reportlab compares per word.

    Line breaking compares neighbouring pieces of a paragraph (``sameFrag``) once per word;
    an attribute a piece lacks (``backColor``, ``nobr``) costs a raised and cleared
    AttributeError each time, about a quarter of the time a long declaration takes. Set to
    None, which reportlab reads as absent, they give the same lines, pages and text (the
    page streams differ only in where an unchanged fill colour is set).
    """
    paragraph = Paragraph(markup, style, **kwargs)
    for frag in paragraph.frags:
        frag.__dict__.setdefault("backColor", None)
        frag.__dict__.setdefault("nobr", None)
    return paragraph


def _fingerprint_markup(runs: m.Runs, style: ParagraphStyle, width: float, bullet: str | None) -> str:
    """The paragraph's markup with a line break inserted after a colon of each certificate fingerprint
    wherever the line is full, so a fingerprint breaks only after a colon (reportlab otherwise breaks
    only at spaces, and cuts a word longer than the line anywhere)."""
    first_width = width - style.leftIndent - style.rightIndent - style.firstLineIndent
    full_width = width - style.leftIndent - style.rightIndent
    out: list[str] = []
    for run in runs:
        bold = run.bold or run.mark
        font = fonts.SERIF_BOLD if bold else fonts.SERIF
        if run.italic:
            font = fonts.SERIF_BOLD_ITALIC if bold else fonts.SERIF_ITALIC
        position = 0
        for match in FINGERPRINT.finditer(run.text):
            out.append(_styled(escape(keep_labels(run.text[position:match.start()])), run))
            prefix = "".join(out).rstrip()
            if prefix:
                probe = Paragraph(prefix, style, bulletText=bullet)
                probe.wrap(width, 1e9)
                lines = probe.blPara.lines
                last = lines[-1]
                extra = last[0] if isinstance(last, tuple) else last.extraSpace  # what is left of the line
                room = max(0.0, extra - stringWidth(" ", font, style.fontSize))
            else:
                room = first_width
            pieces = [p + ":" for p in match.group(0).split(":")]
            pieces[-1] = pieces[-1][:-1]
            widths = [stringWidth(p, font, style.fontSize) for p in pieces]
            fits = 0
            while fits < len(pieces) and sum(widths[:fits + 1]) <= room:
                fits += 1
            text, used = [], 0.0
            if fits < min(3, len(pieces)):
                text.append("<br/>")  # too little room left: the fingerprint starts a new line
                room = full_width
            for piece, piece_width in zip(pieces, widths):
                if text and used + piece_width > room and text[-1] != "<br/>":
                    text.append("<br/>")
                    room, used = full_width, 0.0
                text.append(piece)
                used += piece_width
            out.append(_styled("".join(text), run))
            position = match.end()
        out.append(_styled(escape(keep_labels(run.text[position:])), run))
    return "".join(out)


def body_paragraph(runs: m.Runs, style: ParagraphStyle, width: float, bullet: str | None = None) -> Paragraph:
    """A body paragraph; one holding a certificate fingerprint breaks it only after a colon."""
    if any(FINGERPRINT.search(run.text) for run in runs):
        markup = _fingerprint_markup(runs, style, width, bullet)
    else:
        markup = runs_markup(runs)
    paragraph = rl_paragraph(markup, style, bulletText=bullet) if bullet else rl_paragraph(markup, style)
    paragraph.evb_body = True  # a signature keeps the last of these with it
    return paragraph
