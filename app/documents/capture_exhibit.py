"""A web capture as filed: a face page of facts, then the full-page screenshot at a readable scale.

The face page states what a court asks about a captured page: the URL asked
for and the one finally shown (with each redirect), when (UTC, and how the
clock was known), the server's IP address, the HTTP status, the TLS
certificate (subject, issuer, validity, SHA-256 fingerprint) and any
certificate error the browser reported, the DNS answers, the browser and
viewport, who captured it, and every file of the capture with its SHA-256.
The screenshot follows at the page's width, cut across as many pages as it
needs (never shrunk to a strip), each piece labelled with its pixel rows.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image as PILImage
from reportlab.platypus import Flowable, PageBreak, Paragraph, Table, TableStyle

from app.documents.inputs import ExhibitEntry
from app.documents.profile import CourtProfile
from app.documents.wording import text, utc_time

ROLE_NAMES = {
    "screenshot-full": "Full-page screenshot (PNG)",
    "screenshot-viewport": "Screenshot of the first screen (PNG)",
    "mhtml": "The page and its resources (MHTML)",
    "pdf": "The page as printed by the browser (PDF)",
    "warc": "Every request and response (WARC 1.1)",
    "certificate-chain": "The server's certificate chain (PEM)",
    "dns": "DNS answers (JSON)",
    "record": "Capture record (JSON)",
}


def face_rows(record: dict[str, Any], metadata: dict[str, Any]) -> list[tuple[str, str]]:
    """The facts of the face page as (label, value) rows, in the order a reader checks them."""
    rows: list[tuple[str, str]] = [("URL requested", text(record.get("requested_url") or metadata.get("url")))]
    for hop in record.get("redirects") or []:
        rows.append(("Redirected", f"HTTP {text(hop.get('status'))} from {text(hop.get('url'))} to "
                                   f"{text(hop.get('location')) or '(no Location header)'}"))
    rows.append(("Final URL", text(record.get("final_url")) or "not recorded"))
    rows.append(("Page title", text(record.get("title")) or "(none)"))
    clock = (record.get("environment") or {}).get("clock") or {}
    when = utc_time(record.get("captured_at") or metadata.get("captured_at")) or "not recorded"
    if clock:
        when += f" (operating system clock; NTP synchronised: {text(clock.get('ntp_synchronised'))})"
    rows.append(("Captured at", when))
    offset = record.get("server_clock_offset_seconds")
    if isinstance(offset, (int, float)):
        rows.append(("Server's clock", f"the server's Date header differed from this clock by {offset:+.1f} s"))
    rows.append(("HTTP status", text(record.get("http_status")) or "not recorded"))
    port = record.get("server_port")
    rows.append(("Server IP address", (text(record.get("server_ip")) or "not recorded")
                 + (f", port {port}" if port else "")))
    dns = record.get("dns") or {}
    if dns.get("note"):
        rows.append(("DNS answers", text(dns.get("note"))))
    elif dns:
        answers = ", ".join(text(a) for a in dns.get("addresses") or []) or "no address"
        rows.append(("DNS answers", f"{answers} (asked {', '.join(dns.get('resolver') or []) or 'no resolver'})"))
    rows += _tls_rows(record)
    browser = record.get("browser") or {}
    options = record.get("options") or {}
    viewport = "×".join(str(v) for v in options.get("viewport") or [])
    rows.append(("Browser", f"QtWebEngine {text(browser.get('qtwebengine'))} (Chromium "
                            f"{text(browser.get('chromium'))}), fresh private profile, JavaScript "
                            f"{'on' if options.get('javascript', True) else 'off'}, viewport {viewport or '?'}"))
    if browser.get("user_agent"):
        rows.append(("User agent", text(browser.get("user_agent"))))
    rows.append(("Captured by", f"{text(metadata.get('captured_by')) or 'not recorded'} with "
                                f"{text(metadata.get('tool')) or 'evbundle'}"))
    rows += _event_rows(record)
    return rows


def _tls_rows(record: dict[str, Any]) -> list[tuple[str, str]]:
    tls = record.get("tls") or {}
    rows: list[tuple[str, str]] = []
    if not tls:
        if str(record.get("final_url", "")).startswith("http:"):
            rows.append(("TLS", "none: the page was served over plain HTTP"))
        return rows
    rows.append(("TLS", ", ".join(text(tls.get(k)) for k in ("protocol", "cipher", "key_exchange_group")
                                  if tls.get(k))))
    cert = tls.get("certificate") or {}
    if cert:
        rows += [
            ("Certificate subject", text(cert.get("subject"))),
            ("Certificate issuer",
             text(cert.get("issuer")) + (" (self-signed)" if cert.get("self_signed") else "")),
            ("Certificate valid", f"{text(cert.get('not_valid_before'))} to {text(cert.get('not_valid_after'))}"),
            ("Certificate SHA-256", text(cert.get("sha256_fingerprint"))),
        ]
    for error in record.get("certificate_errors") or []:
        rows.append(("Certificate error", f"{text(error.get('description'))} ({text(error.get('type'))}) for "
                                          f"{text(error.get('url'))}; the browser was told to proceed so that "
                                          "the page could be captured"))
    return rows


def _event_rows(record: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [("Requests", f"{record.get('request_count', 0)} made by the page, "
                         f"{record.get('failed_requests', 0)} of them failed (all listed in the capture record)")]
    popups = record.get("popups") or []
    if popups:
        rows.append(("Pop-ups", f"{len(popups)} window(s) asked for, none opened: "
                                + ", ".join(text(p.get("url")) or "(no address)" for p in popups[:5])))
    downloads = record.get("downloads") or []
    if downloads:
        rows.append(("Downloads", ", ".join(f"{text(d.get('url'))} ({d.get('bytes', 0)} bytes, kept in the WARC "
                                            "only, never opened)" for d in downloads[:5])))
    blocked = record.get("blocked") or []
    if blocked:
        rows.append(("Refused", "; ".join(f"{text(b.get('url'))}: {text(b.get('reason'))}" for b in blocked[:5])))
    for note in record.get("notes") or []:
        rows.append(("Note", text(note)))
    return rows


def capture_pages(entry: ExhibitEntry, original: bytes, profile: CourtProfile, styles: Any,
                  room: float) -> list[Flowable]:
    """The face page and the screenshot's pages, as flowables for the exhibit's frame."""
    from app.documents.exhibits import _field_table, _sliced  # the screenshot exhibit's own helpers

    record = entry.item.record or {}
    metadata = entry.item.metadata or {}
    out: list[Flowable] = [Paragraph("Capture of a web page", styles.heading),
                           _field_table(face_rows(record, metadata), profile, styles),
                           Paragraph("Files of this capture (SHA-256 hash values)", styles.heading)]
    files = [(ROLE_NAMES.get(f.get("role", ""), text(f.get("role"))),
              f"{text(f.get('file'))}, {f.get('size', 0):,} bytes, SHA-256 {text(f.get('sha256'))}")
             for f in record.get("group") or []]
    out.append(_field_table(files or [("Full-page screenshot", entry.item.sha256)], profile, styles))
    out.append(PageBreak())
    try:
        with PILImage.open(io.BytesIO(original)) as probe:
            width, height = probe.size
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for damaged images
        out.append(Paragraph(f"The screenshot could not be drawn ({type(exc).__name__}); it is in the bundle "
                             "with the hash value above.", styles.base))
        return out
    scale = min(profile.frame_width / width, 1.0)  # the page's width; never enlarged
    # In a one-cell table of the frame's width: the slicer measures its caption at any width, and a table
    # of fixed width reports the height it will really take.
    caption = Table([[Paragraph(f"Full-page screenshot, {width} × {height} pixels, SHA-256 {entry.item.sha256}",
                                styles.heading)]], colWidths=[profile.frame_width])
    caption.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return out + _sliced(original, width, height, scale, caption, room, styles)
