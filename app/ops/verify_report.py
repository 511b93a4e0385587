"""A bundle's verification as a PDF anyone can file or mail.

The PDF says the same as ``evbundle verify`` (verdict, signer and whether
this machine trusts it, timestamp, what was counted, every problem naming
its file) plus what was checked, which file was checked (its SHA-256) and
when, and what the words mean. Fonts are the shipped Liberation fonts,
embedded, so the report reads the same everywhere; no JavaScript,
attachments or encryption. Everything that came from the bundle is escaped.
Verification itself (:mod:`.verify`) loads no PDF library; this module is
imported only when a report is written.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError

from app import __version__
from app.bundle import VerificationReport
from app.bundle.report import UNKNOWN_SIGNER, VALID, shown
from app.core.errors import BundleError
from app.core.files import atomic_output, write_failure
from app.documents.fonts import MONO, SERIF, SERIF_BOLD, register_fonts

from .verify import file_sha256

CHECKS = (
    "the zip itself: read only if every common extractor (Info-ZIP unzip, bsdtar, streaming readers) would "
    "write exactly the files checked here; no hidden, renamed, linked or doubled entries",
    "BagIt structure: bagit.txt, bag-info.txt, every required tag file present",
    "every evidence file against its SHA-256 and SHA-512 in the payload manifests; nothing missing or added",
    "Payload-Oxum (total bytes and file count) in bag-info.txt",
    "every tag file against both tag manifests",
    "the CMS signature over tagmanifest-sha256.txt and the signer's certificate",
    "whether the signer is trusted on this machine (your identities and trusted certificates) or is the "
    "one named with --trust: only then is the bundle VALID",
    "RFC 3161 timestamps of the signature, when present",
    "the hash chain of the custody log (custody.jsonl)",
    "that case.json and bag-info.txt name the signer who actually signed",
)


# Characters of one text from the bundle shown in the PDF (about 20 lines of a table cell).
MAX_TEXT = 1500


def write_report_pdf(report: VerificationReport, out: Path, *, checked_at: datetime | None = None) -> Path:
    """Write the verification report as a PDF at ``out`` (atomically, mode 0644: a report is for colleagues
    and the court, like exported documents); returns ``out``."""
    register_fonts()
    out = Path(out)
    moment = (checked_at or datetime.now(UTC)).astimezone(UTC)
    story = _story(report, moment, file_sha256(Path(report.source)))
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_output(out, 0o644) as temp:
            document = SimpleDocTemplate(
                str(temp), pagesize=LETTER, leftMargin=inch, rightMargin=inch, topMargin=inch, bottomMargin=inch,
                title=f"Verification report: {_safe(report.bag_name[:200])}", author=f"evbundle {__version__}",
                subject="Evidence bundle verification", creator=f"evbundle {__version__}", invariant=1,
                initialFontName=SERIF,
            )
            document.build(story, onFirstPage=_footer, onLaterPages=_footer)
    except OSError as exc:
        raise BundleError(f"cannot write the report: {write_failure(exc)}", path=out) from exc
    except LayoutError as exc:  # text from the bundle that no page can hold, despite MAX_TEXT
        raise BundleError("cannot lay out the report: text from the bundle does not fit a page "
                          "(evbundle verify --json reports the same)", path=out) from exc
    return out


# --- layout -------------------------------------------------------------------

_BODY = ParagraphStyle("body", fontName=SERIF, fontSize=11, leading=14)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=9.5, leading=12)
_MONO = ParagraphStyle("mono", parent=_BODY, fontName=MONO, fontSize=8.5, leading=10.5, wordWrap="CJK")
_TITLE = ParagraphStyle("title", parent=_BODY, fontName=SERIF_BOLD, fontSize=17, leading=21, spaceAfter=8)
_HEAD = ParagraphStyle("head", parent=_BODY, fontName=SERIF_BOLD, fontSize=12.5, leading=16, spaceBefore=12,
                       spaceAfter=4)
# Green only for VALID; an intact bundle signed by an unknown key (what a re-signed forgery looks like) is amber.
_COLOURS = {VALID: colors.HexColor("#1d6b2f"), UNKNOWN_SIGNER: colors.HexColor("#8a4b00")}
_BAD = colors.HexColor("#a11d1d")
MAX_LISTED_PROBLEMS = 500  # listed one by one; beyond that counted by kind (the CLI's --json lists all)

GLOSSARY = (
    ("BagIt bag", "a folder laid out by the Library of Congress standard (RFC 8493): the evidence in data/, "
                  "and beside it small text files that describe it."),
    ("Manifest", "a list of every evidence file with its SHA-256 (or SHA-512) hash, a fingerprint of its bytes: "
                 "change one byte and the hash no longer matches."),
    ("Tag files", "the small files beside data/ (bagit.txt, bag-info.txt, the manifests, case.json, "
                  "custody.jsonl, VERIFY.txt); the tag manifest lists their hashes."),
    ("Payload-Oxum", "a quick count in bag-info.txt: the total size in bytes and the number of evidence files, "
                     "written as BYTES.FILES."),
    ("CMS signature", "a digital signature in the standard Cryptographic Message Syntax (RFC 5652) over the tag "
                      "manifest; OpenSSL checks it with 'openssl cms -verify'."),
    ("Fingerprint", "the SHA-256 hash of the signer's certificate; the same key always gives the same "
                    "fingerprint, so it identifies who signed."),
    ("RFC 3161 timestamp", "a token from a timestamp authority proving the signature existed at the stated time."),
    ("Custody log", "custody.jsonl: every action on the evidence, each entry carrying the previous entry's hash, "
                    "so no entry can be removed or edited unnoticed."),
)


def _safe(text: str) -> str:
    # Text from the bundle, escaped; the shipped fonts have no ⟦ ⟧, so the PDF marks with ‹ ›. Cut to
    # MAX_TEXT characters AFTER escaping (each invisible character becomes an eight-character marker, so
    # 1,500 of them would be 12,000): a table cell cannot run over a page, and a subject can be any length.
    text = shown(text, "\u2039", "\u203a").replace("\u27e6", "\u2039").replace("\u27e7", "\u203a")
    if len(text) <= MAX_TEXT:
        return text
    kept = text[:MAX_TEXT]
    opened = kept.rfind("\u2039")
    if opened > kept.rfind("\u203a"):  # never half a marker
        kept = kept[:opened]
    return f"{kept} ... ({len(text) - len(kept):,} more characters: evbundle verify --json gives all)"


def _p(text: str, style: ParagraphStyle = _BODY) -> Paragraph:
    return Paragraph(escape(_safe(text)), style)


def _mono(text: str) -> Paragraph:
    # Long hashes and paths wrap anywhere (wordWrap="CJK") rather than run off the page.
    return Paragraph(escape(_safe(text)), _MONO)


def _facts(rows: list[tuple[str, Paragraph]]) -> Table:
    table = Table([[_p(label, _SMALL), value] for label, value in rows], colWidths=[1.6 * inch, 4.9 * inch])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), SERIF),  # else reportlab names a non-embedded Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _story(report: VerificationReport, moment: datetime, sha256: str | None) -> list[Flowable]:
    story: list[Flowable] = [_p("Evidence bundle verification report", _TITLE)]
    count = len(report.problems) + report.problems_omitted
    white = ParagraphStyle("verdict", parent=_BODY, fontName=SERIF_BOLD, fontSize=13, leading=16,
                           textColor=colors.white)
    detail = ParagraphStyle("verdict-detail", parent=_SMALL, textColor=colors.white)
    banner = Table([[_p(report.verdict_text(), white)], [_p(report.verdict_detail(), detail)]],
                   colWidths=[6.5 * inch])
    banner.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), SERIF),
                                ("BACKGROUND", (0, 0), (-1, -1), _COLOURS.get(report.verdict, _BAD)),
                                ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]))
    story += [banner, Spacer(1, 8)]

    bag = report.bag_name or "(none: the bag lies at the top of the zip)"
    rows = [("Bundle", _mono(report.source)), ("Bag", _mono(bag))]
    if sha256:
        rows.append(("Bundle SHA-256", _mono(sha256)))
    rows += [("Checked at", _p(f"{moment:%Y-%m-%d %H:%M:%S} UTC", _SMALL)),
             ("Checked with", _p(f"evbundle {__version__}", _SMALL))]
    story.append(_facts(rows))

    story.append(_p("Signer", _HEAD))
    signer = report.signer
    if signer is None:
        story.append(_p("UNKNOWN: the bundle holds no readable signer certificate.", _BODY))
    else:
        story.append(_facts([
            ("Subject" if signer.signature_valid else "Named in signer.pem (NOT proven)", _p(signer.subject, _SMALL)),
            ("Fingerprint (SHA-256)", _mono(signer.fingerprint)),
            ("Signature", _p("valid" if signer.signature_valid else "NOT VALID", _SMALL)),
            ("Trust", _p(report.trust_text(), _SMALL)),
            ("Signed at", _p(f"{signer.signed_at or 'not stated'} (the signer's own clock)", _SMALL)),
            ("Certificate valid until", _p(signer.not_valid_after or "-", _SMALL)),
        ]))
        story.append(Spacer(1, 4))
        story.append(_p("Compare this fingerprint with the one printed in the sworn declaration and the "
                        "certification: that match, not this report, ties the bundle to the person who swore to it.",
                        _SMALL))

    story.append(_p("Trusted timestamp", _HEAD))
    if not report.timestamps:
        story.append(_p("None: the time of signing rests on the signer's own clock.", _SMALL))
    for stamp in report.timestamps:
        story.append(_facts([
            ("Token", _mono(stamp.path)),
            ("Result", _p("valid" if stamp.valid else "NOT VALID (see problems)", _SMALL)),
            *([("Time", _p(f"{stamp.time} (the timestamp authority's clock)", _SMALL)),
               ("Authority", _p(stamp.authority or "-", _SMALL)),
               ("Authority trusted", _p("yes" if stamp.trusted else "NO: not trusted on this machine", _SMALL)),
               ("What it shows", _p("; ".join(report.timestamp_detail(stamp)), _SMALL))]
              if stamp.valid else []),
        ]))
    if report.renewal:
        story.append(_p(f"Renewal: {report.renewal}", _SMALL))

    story.append(_p("Contents", _HEAD))
    story.append(_facts([
        ("Evidence files", _p(f"{report.payload_files} ({report.payload_bytes:,} bytes); "
                              f"{report.manifest_entries} listed in the manifest", _SMALL)),
        ("Tag files", _p(str(report.tag_files), _SMALL)),
        ("Custody log", _p(f"{report.custody_entries} entries", _SMALL)),
    ]))

    story.append(_p(f"Problems ({count})", _HEAD))
    if not report.problems:
        story.append(_p("None.", _SMALL))
    for number, problem in enumerate(report.problems[:MAX_LISTED_PROBLEMS], start=1):
        details = [f"expected {problem.expected}" if problem.expected is not None else "",
                   f"found {problem.found}" if problem.found is not None else ""]
        parts = [_p(f"{number}. {problem.message}", _SMALL)]
        if problem.path:
            parts.insert(0, _mono(f"{number}. {problem.path}"))
            parts[1] = _p(problem.message, _SMALL)
        parts += [_mono(d) for d in details if d]
        story.append(KeepTogether([*parts, Spacer(1, 4)]))

    if count > MAX_LISTED_PROBLEMS:
        kinds = Counter(p.code for p in report.problems[MAX_LISTED_PROBLEMS:])
        story.append(_p(f"... and {count - MAX_LISTED_PROBLEMS:,} more: "
                        + ", ".join(f"{n:,} {code}" for code, n in kinds.most_common())
                        + " ('evbundle verify --json' lists every one).", _SMALL))

    if report.notes:
        story.append(_p("Notes", _HEAD))
        story += [_p(note, _SMALL) for note in report.notes]

    story.append(_p("What was checked", _HEAD))
    story += [_p(f"\u2022 {check}", _SMALL) for check in CHECKS]
    story.append(Spacer(1, 6))
    story.append(_p("Anyone can repeat these checks without this program: VERIFY.txt inside the bundle "
                    "gives the commands for bagit-python and OpenSSL.", _SMALL))
    story.append(_p("Words used in this report", _HEAD))
    story += [_p(f"{word}: {meaning}", _SMALL) for word, meaning in GLOSSARY]
    return story


def _footer(canvas: object, document: object) -> None:
    canvas.saveState()  # type: ignore[attr-defined]
    canvas.setFont(SERIF, 9)  # type: ignore[attr-defined]
    canvas.drawRightString(LETTER[0] - inch, 0.6 * inch, f"Page {canvas.getPageNumber()}")  # type: ignore[attr-defined]
    canvas.drawString(inch, 0.6 * inch, "Evidence bundle verification report")  # type: ignore[attr-defined]
    canvas.restoreState()  # type: ignore[attr-defined]
