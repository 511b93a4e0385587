"""Court profiles: the page, type, caption, exhibit-label and Bates conventions of one court.

Profiles are JSON files under ``templates/courts/`` so that a firm can add or
edit a court without touching code. Anything a court's rules or practice fix
lives here, never in the renderers.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.errors import TemplateError
from app.core.paths import template

POINTS_PER_INCH = 72.0
# The families the PDF renderer embeds (app.documents.fonts); a profile naming another is refused, never
# silently replaced: every font of a filed PDF must be embedded.
SHIPPED_FONTS = {"serif": "Liberation Serif", "mono": "Liberation Mono"}
LINE_HEIGHT = 1.15  # one line of Times New Roman / Liberation Serif, in ems: what Word and LibreOffice call "single"
DIRECTION_CASES = ("always", "hold", "redirect", "production", "sealed")
DIRECTION_FIELDS = {"registry", "plaintiff", "production_days", "compliance_days"}
ALIGNMENTS = ("left", "justify")
PAPER_SIZES_PT: dict[str, tuple[float, float]] = {
    "letter": (612.0, 792.0),
    "legal": (612.0, 1008.0),
    "a4": (595.2756, 841.8898),
}


@dataclass(frozen=True)
class Direction:
    """One thing the order directs a registry to do: editable text, and when it applies.

    ``when`` is "always", "hold" or "redirect" (the remedy the case chose), "production" (only when the
    case turns the production clause on) or "sealed" (only while the case is sealed). ``names`` is
    "nameservers" when the sinkhole name servers are listed, one per line, right after the text.
    """

    text: str
    when: str = "always"
    names: str = ""


@dataclass(frozen=True)
class OrderDefaults:
    """What the proposed order and the sealing papers say when the case leaves a choice open.

    Numbers of days, each editable per court; none of them is law the app asserts (see the notes in
    the court profile)."""

    tro_days: int = 14  # Rule 65(b)(2): an ex parte TRO expires at most 14 days after entry
    opposition_days_before_hearing: int = 2
    reply_days_before_hearing: int = 1
    dissolve_notice_days: int = 2  # Rule 65(b)(4)
    seal_days: int = 30
    seal_objection_days: int = 7
    production_days: int = 5
    zone_operator_hours: int = 48
    bond_business_days: int = 2  # the order takes effect when the bond is posted (Fed. R. Civ. P. 65(c))
    compliance_business_days: int = 3  # the latest a registry or operator acts, when Plaintiff names no earlier time


@dataclass(frozen=True)
class CourtProfile:
    """How documents for one court look. Lengths are in points unless the name says otherwise."""

    id: str
    name: str
    court_lines: tuple[str, ...]
    division: str
    paper: str
    page_size: tuple[float, float]
    margin_top: float
    margin_bottom: float
    margin_left: float
    margin_right: float
    stamp_band: float  # height at the top of every page kept clear for the e-filing stamp
    serif_font: str  # a family the app ships and embeds (SHIPPED_FONTS); checked when the profile loads
    mono_font: str
    font_size: float
    docx_font: str
    body_spacing: float  # line spacing as a multiple of the font size (2.0 = double)
    caption_spacing: float  # the caption's line spacing, as a multiple of single
    appendix_spacing: float  # the appendices' domain rows, likewise
    case_number_label: str
    blank_case_number: str
    sealed_legend: str
    paren_column: bool
    exhibit_label_format: str
    slip_sheet_format: str
    bates_format: str
    attachment_limit_bytes: int
    fictional_legend: str
    registry_directions: tuple[Direction, ...] = ()
    sealed_paper_set: bool = False  # sealed filings go on paper: write one print-ready PDF
    tab_label_format: str = "EXHIBIT {number}"
    electronic_appendix_threshold: int = 5000
    # The pre-filing review warns when the newest lookup or capture is older than this on the day of execution:
    # a judge asks why an emergency waited, and whether the registration data is still current (practice).
    max_evidence_age_days: int = 14
    """Above this many listed domains the appendices are also filed as a CSV list with its hash."""
    text_align: str = "left"  # body text "left" (ragged right) or "justify", the same in every document
    docx_mono_font: str = "Courier New"  # metric twin of Liberation Mono, for Word
    order: OrderDefaults = field(default_factory=OrderDefaults)
    public_plaintiff: str = "SEALED PLAINTIFF"  # the sealing papers' public caption names no party
    public_defendants: str = "SEALED DEFENDANTS"
    hearing_place: str = ""  # where the show-cause hearing is held (the courthouse of the division)
    registry_contacts: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per registry name: "attention" and "email" for the letters (legal or law-enforcement desk), when known."""

    def directions(self, registry: str, plaintiff: str, *, remedy: str = "hold", production: bool = False,
                   sealed: bool = False, production_days: str = "", compliance_days: str = "") -> list[dict[str, str]]:
        """The ordering paragraphs addressed to one registry, from the profile's editable text: those that
        always apply, the chosen remedy's, the production clause's when it is on, the sealed case's while
        sealed. Each is {"text", "names"} ("names": "nameservers" when the sinkhole servers follow)."""
        wanted = {"always", remedy}
        if production:
            wanted.add("production")
        if sealed:
            wanted.add("sealed")
        values = {"registry": registry, "plaintiff": plaintiff,
                  "production_days": production_days or str(self.order.production_days),
                  "compliance_days": compliance_days or str(self.order.compliance_business_days)}
        return [{"text": d.text.format(**values), "names": d.names}
                for d in self.registry_directions if d.when in wanted]

    @property
    def single_leading(self) -> float:
        """The height of one single-spaced line of body type, as Word and LibreOffice set it."""
        return self.font_size * LINE_HEIGHT

    def tab_label(self, number: int) -> str:
        """The text of the tab page before an exhibit in the paper set."""
        return self.tab_label_format.format(number=number)

    @property
    def frame_width(self) -> float:
        return self.page_size[0] - self.margin_left - self.margin_right

    def exhibit_label(self, number: int) -> str:
        """"Exhibit 5", as printed on exhibit pages and cited in the declaration."""
        return self.exhibit_label_format.format(number=number)

    def slip_sheet_label(self, number: int) -> str:
        """"EXHIBIT 5", as printed large on the exhibit's slip sheet."""
        return self.slip_sheet_format.format(number=number)

    def bates(self, prefix: str, number: int) -> str:
        """One Bates number, e.g. ``EVB-000017``."""
        return self.bates_format.format(prefix=prefix, number=number)


def _check_format(name: str, fmt: str, allowed: set[str], path: str) -> None:
    """Refuse format strings that reach beyond their plain fields (``{prefix.__class__}``)."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(fmt) if f is not None]
    except ValueError as exc:
        raise TemplateError(f"court profile: {name} is not a valid format ({exc})", path=path) from exc
    for field_name in fields:
        if field_name not in allowed:
            raise TemplateError(
                f"court profile: {name} uses an unknown field",
                path=path,
                expected=", ".join("{" + a + "}" for a in sorted(allowed)),
                found="{" + field_name + "}",
            )


def profile_from_json(data: dict[str, Any], *, source: str = "<profile>") -> CourtProfile:
    """Build a profile from parsed JSON, naming the file and field when something is wrong."""
    try:
        margins = data["margins_in"]
        font = data["font"]
        spacing = data["line_spacing"]
        caption = data["caption"]
        paper = str(data.get("paper", "letter")).lower()
        if paper not in PAPER_SIZES_PT:
            raise TemplateError(
                "court profile: unknown paper size",
                path=source,
                expected=", ".join(PAPER_SIZES_PT),
                found=paper,
            )
        profile = CourtProfile(
            id=str(data["id"]),
            name=str(data["name"]),
            court_lines=tuple(str(x) for x in data["court_lines"]),
            division=str(data.get("division", "")),
            paper=paper,
            page_size=PAPER_SIZES_PT[paper],
            margin_top=float(margins["top"]) * POINTS_PER_INCH,
            margin_bottom=float(margins["bottom"]) * POINTS_PER_INCH,
            margin_left=float(margins["left"]) * POINTS_PER_INCH,
            margin_right=float(margins["right"]) * POINTS_PER_INCH,
            stamp_band=float(data.get("stamp_band_in", 0.5)) * POINTS_PER_INCH,
            serif_font=str(font.get("serif", "Liberation Serif")),
            mono_font=str(font.get("mono", "Liberation Mono")),
            font_size=float(font.get("size_pt", 12)),
            docx_font=str(font.get("docx_family", "Times New Roman")),
            body_spacing=float(spacing.get("body", 2.0)),
            caption_spacing=float(spacing.get("caption", 1.0)),
            appendix_spacing=float(spacing.get("appendix", 1.0)),
            case_number_label=str(caption.get("case_number_label", "Civil Action No.")),
            blank_case_number=str(caption.get("blank_case_number", "____________")),
            sealed_legend=str(caption.get("sealed_legend", "FILED UNDER SEAL")),
            paren_column=bool(caption.get("paren_column", True)),
            exhibit_label_format=str(data.get("exhibit_label", "Exhibit {number}")),
            slip_sheet_format=str(data.get("slip_sheet_label", "EXHIBIT {number}")),
            bates_format=str(data.get("bates_format", "{prefix}-{number:06d}")),
            attachment_limit_bytes=int(data.get("attachment_limit_bytes", 25 * 1024 * 1024)),
            fictional_legend=str(
                data.get("fictional_legend", "FICTIONAL SAMPLE CASE \u2014 NOT A REAL FILING")
            ),
            registry_directions=tuple(_direction(x, source) for x in data.get("registry_directions", [])),
            sealed_paper_set=bool(data.get("sealed_paper_set", False)),
            tab_label_format=str(data.get("tab_label", "EXHIBIT {number}")),
            electronic_appendix_threshold=int(data.get("electronic_appendix_threshold", 5000)),
            max_evidence_age_days=int(data.get("max_evidence_age_days", 14)),
            text_align=str(data.get("text_align", "left")),
            docx_mono_font=str(font.get("docx_mono_family", "Courier New")),
            order=_order_defaults(data.get("order", {}), source),
            public_plaintiff=str(caption.get("public_plaintiff", "SEALED PLAINTIFF")),
            public_defendants=str(caption.get("public_defendants", "SEALED DEFENDANTS")),
            hearing_place=str(data.get("hearing_place", "")),
            registry_contacts=_registry_contacts(data.get("registry_contacts", {}), source),
        )
    except KeyError as exc:
        raise TemplateError(f"court profile: missing field {exc.args[0]!r}", path=source) from exc
    except (TypeError, ValueError, AttributeError) as exc:
        raise TemplateError(f"court profile: bad value ({exc})", path=source) from exc
    _check_format("exhibit_label", profile.exhibit_label_format, {"number"}, source)
    _check_format("slip_sheet_label", profile.slip_sheet_format, {"number"}, source)
    _check_format("bates_format", profile.bates_format, {"prefix", "number"}, source)
    _check_format("tab_label", profile.tab_label_format, {"number"}, source)
    for index, direction in enumerate(profile.registry_directions, start=1):
        _check_format(f"registry_directions[{index}]", direction.text, DIRECTION_FIELDS, source)
    if profile.text_align not in ALIGNMENTS:
        raise TemplateError("court profile: text_align must be left or justify", path=source,
                            expected=" or ".join(ALIGNMENTS), found=profile.text_align)
    if not 1 <= profile.order.tro_days <= 14:
        raise TemplateError("court profile: order.tro_days must be 1 to 14 (Fed. R. Civ. P. 65(b)(2))",
                            path=source, expected="1 to 14", found=str(profile.order.tro_days))
    for role, family in (("serif", profile.serif_font), ("mono", profile.mono_font)):
        if family != SHIPPED_FONTS[role]:
            raise TemplateError(f"court profile: font.{role} names a font the app does not ship and embed",
                                path=source, expected=SHIPPED_FONTS[role], found=family)
    if profile.stamp_band >= profile.margin_top:
        raise TemplateError(
            "court profile: the stamp band must be smaller than the top margin",
            path=source,
            expected=f"< {profile.margin_top / POINTS_PER_INCH} in",
            found=f"{profile.stamp_band / POINTS_PER_INCH} in",
        )
    return profile


def _direction(entry: Any, source: str) -> Direction:
    """A direction from the profile: plain text (always applies) or {"text", "when", "names"}."""
    if isinstance(entry, str):
        return Direction(entry)
    if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
        raise TemplateError("court profile: each registry direction is text or {\"text\": ..., \"when\": ...}",
                            path=source, found=repr(entry)[:80])
    direction = Direction(entry["text"], str(entry.get("when", "always")), str(entry.get("names", "")))
    if direction.when not in DIRECTION_CASES:
        raise TemplateError("court profile: a registry direction applies at an unknown time", path=source,
                            expected=", ".join(DIRECTION_CASES), found=direction.when)
    if direction.names not in ("", "nameservers"):
        raise TemplateError("court profile: a registry direction lists unknown names", path=source,
                            expected="nameservers", found=direction.names)
    return direction


def _registry_contacts(data: Any, source: str) -> dict[str, dict[str, str]]:
    """{"Verisign, Inc.": {"attention": ..., "email": ...}}: whom a registry's letter is addressed to."""
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise TemplateError("court profile: registry_contacts maps a registry's name to {\"attention\", \"email\"}",
                            path=source)
    return {str(name): {k: str(v) for k, v in entry.items() if k in ("attention", "email", "source")}
            for name, entry in data.items()}


def _order_defaults(data: Any, source: str) -> OrderDefaults:
    if not isinstance(data, dict):
        raise TemplateError("court profile: order must be an object of numbers of days", path=source)
    known = set(OrderDefaults.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise TemplateError("court profile: order has an unknown field", path=source,
                            expected=", ".join(sorted(known)), found=unknown[0])
    return OrderDefaults(**{key: int(value) for key, value in data.items()})


def load_profile(court: str, *, folder: Path | None = None) -> CourtProfile:
    """The profile for a court id ("edva", "generic"), from ``folder`` if given and holding it,
    else from the shipped ``templates/courts/``."""
    if not court.replace("-", "").replace("_", "").isalnum():
        raise TemplateError("court profile: not a court id", found=court)
    name = f"{court}.json"
    if folder is not None and (folder / name).is_file():
        text = (folder / name).read_text(encoding="utf-8")
        source = str(folder / name)
    else:
        node = template("courts", name)
        if not node.is_file():
            raise TemplateError("court profile: no such court", found=court, expected="edva or generic")
        text = node.read_text(encoding="utf-8")
        source = f"templates/courts/{name}"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateError(
            f"court profile: not valid JSON at line {exc.lineno}: {exc.msg}", path=source
        ) from exc
    if not isinstance(data, dict):
        raise TemplateError("court profile: expected a JSON object", path=source)
    return profile_from_json(data, source=source)
