"""Court profiles: the page, type, caption, exhibit-label and Bates conventions of one court.

Profiles are JSON files under ``templates/courts/`` so that a firm can add or
edit a court without touching code. Anything a court's rules or practice fix
lives here, never in the renderers.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import TemplateError
from app.core.paths import template

POINTS_PER_INCH = 72.0
# The families the PDF renderer embeds (app.documents.fonts); a profile naming another is refused, never
# silently replaced: every font of a filed PDF must be embedded.
SHIPPED_FONTS = {"serif": "Liberation Serif", "mono": "Liberation Mono"}
PAPER_SIZES_PT: dict[str, tuple[float, float]] = {
    "letter": (612.0, 792.0),
    "legal": (612.0, 1008.0),
    "a4": (595.2756, 841.8898),
}


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
    registry_directions: tuple[str, ...] = ()
    sealed_paper_set: bool = False  # sealed filings go on paper: write one print-ready PDF
    tab_label_format: str = "EXHIBIT {number}"
    electronic_appendix_threshold: int = 5000
    """Above this many listed domains the appendices are also filed as a CSV list with its hash."""

    def directions(self, registry: str, plaintiff: str) -> list[str]:
        """The ordering paragraphs addressed to one registry, from the profile's editable text."""
        return [d.format(registry=registry, plaintiff=plaintiff) for d in self.registry_directions]

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
            registry_directions=tuple(str(x) for x in data.get("registry_directions", [])),
            sealed_paper_set=bool(data.get("sealed_paper_set", False)),
            tab_label_format=str(data.get("tab_label", "EXHIBIT {number}")),
            electronic_appendix_threshold=int(data.get("electronic_appendix_threshold", 5000)),
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
        _check_format(f"registry_directions[{index}]", direction, {"registry", "plaintiff"}, source)
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
