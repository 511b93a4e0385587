"""A web capture's facts as the declaration and certification templates see them (plain strings)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.documents.wording import text, utc_time


def capture_facts(record: Mapping[str, Any], metadata: Mapping[str, Any]) -> dict[str, Any]:
    """What a drafted paragraph says about one capture; every value a string ("" when not recorded)."""
    tls = record.get("tls") or {}
    cert = tls.get("certificate") or {}
    errors = record.get("certificate_errors") or []
    browser = record.get("browser") or {}
    redirects = record.get("redirects") or []
    return {
        "requested_url": text(record.get("requested_url") or metadata.get("url")),
        "final_url": text(record.get("final_url")),
        "redirected": bool(redirects),
        "redirect_count": len(redirects),
        "title": text(record.get("title")),
        "captured_at": utc_time(record.get("captured_at") or metadata.get("captured_at")),
        "http_status": text(record.get("http_status")),
        "server_ip": text(record.get("server_ip")),
        "tls_protocol": text(tls.get("protocol")),
        "certificate_subject": text(cert.get("subject")),
        "certificate_issuer": text(cert.get("issuer")),
        "certificate_fingerprint": text(cert.get("sha256_fingerprint")),
        "certificate_self_signed": bool(cert.get("self_signed")),
        "certificate_error": "; ".join(text(e.get("description")) for e in errors if text(e.get("description"))),
        "browser": (f"QtWebEngine {text(browser.get('qtwebengine'))} (Chromium {text(browser.get('chromium'))})"
                    if browser.get("chromium") else ""),
        "files": len(record.get("group") or []),
    }
