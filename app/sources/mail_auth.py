"""Who vouched for a message: Authentication-Results verdicts and the domains that DKIM-signed it.

Spam forges its From line; a DKIM signature's ``d=`` domain and the
receiving server's SPF/DKIM/DMARC verdicts are what tie a sample to the
infrastructure that really sent it. Values are read as found: nothing is
verified here (that would need DNS), only reported.
"""

from __future__ import annotations

import re
from typing import Any

_VERDICT = re.compile(r"\b(spf|dkim|dmarc|arc|iprev|auth|sender-id|domainkeys)\s*=\s*([a-z]+)", re.IGNORECASE)
_TAG = re.compile(r"(?:^|;)\s*([a-z]+)\s*=\s*([^;]*)", re.IGNORECASE)
_PROPERTY = re.compile(r"\b(header\.d|header\.i|header\.from|smtp\.mailfrom|smtp\.helo)\s*=\s*([^\s;()]+)",
                       re.IGNORECASE)


def authentication(results: list[str], signatures: list[str]) -> dict[str, Any]:
    """Verdicts from every Authentication-Results header and the tags of every DKIM-Signature.

    Returns ``{"authentication_results": [...], "dkim_signatures": [...], "dkim_domains": [...]}``,
    each result with its authserv-id, its verdicts (``{"spf": "fail", ...}``) and properties.
    """
    parsed_results = [_result(value) for value in results[:20]]
    parsed_signatures = [_signature(value) for value in signatures[:20]]
    domains: list[str] = []
    for signature in parsed_signatures:
        domain = signature.get("d", "")
        if domain and domain not in domains:
            domains.append(domain)
    return {
        "authentication_results": parsed_results,
        "dkim_signatures": parsed_signatures,
        "dkim_domains": domains,
    }


def _result(value: str) -> dict[str, Any]:
    text = re.sub(r"\s+", " ", value).strip()
    server = text.split(";", 1)[0].strip() if ";" in text else ""
    verdicts: dict[str, str] = {}
    for method, verdict in _VERDICT.findall(text):
        verdicts.setdefault(method.lower(), verdict.lower())
    properties: dict[str, str] = {}
    for name, found in _PROPERTY.findall(text):
        properties.setdefault(name.lower(), found.strip("\"'"))
    return {"server": server, "verdicts": verdicts, "properties": properties, "raw": text[:2000]}


def _signature(value: str) -> dict[str, str]:
    text = re.sub(r"\s+", " ", value).strip()
    tags: dict[str, str] = {}
    for tag, found in _TAG.findall(text):
        name = tag.lower()
        if name in ("v", "a", "d", "s", "i", "c", "t", "x", "h"):
            tags.setdefault(name, re.sub(r"\s+", "", found) if name != "h" else found.strip())
    if "d" in tags:
        tags["d"] = tags["d"].lower().rstrip(".")
    return tags
