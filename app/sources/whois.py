"""Saved port-43 WHOIS replies: the fields Appendix A and the pre-filing checks need.

WHOIS has no standard format: registries and registrars write "Key: value"
(ICANN style, nic style, DENIC style) or "[Key]  value" (JPRS). This reader
is deliberately thin: it pulls out what is there, says what was not, and
never fails on odd input; the raw reply stays the evidence.
"""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

from app.core.model import ParseStatus

_KEY_VALUE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 /()._-]{0,60}?)\s*:\s*(.*?)\s*$")
_JPRS = re.compile(r"^\s*(?:[a-z]\.\s*)?\[([^\]]{1,60})\]\s*(.*?)\s*$")
_DB_UPDATE = re.compile(r">>>\s*last update of whois database:\s*(.*?)\s*<<<", re.IGNORECASE)
_NOT_FOUND = re.compile(
    r"^\s*(no match for|not found|no entries found|no data found|domain not found|no object found|"
    r"the queried object does not exist|status:\s*(free|available))|% no entries found|"
    r"is available for registration",
    re.IGNORECASE | re.MULTILINE,
)
_NO_MATCH_NAME = re.compile(r'no match for (?:domain )?"?([^"\s]+?)"?\.?\s*$', re.IGNORECASE | re.MULTILINE)
_REFUSAL = re.compile(
    r"^.*(query rate|rate limit|limit exceeded|exceeded the (?:maximum|query)|too many (?:queries|requests)|"
    r"try again later|please wait a while|quota exceeded|database is currently down|temporarily unavailable).*$",
    re.IGNORECASE | re.MULTILINE,
)

_FIELDS: dict[str, tuple[str, ...]] = {
    "domain": ("domain name", "domain", "domain information", "puny name", "domain-ace"),
    "registrar": ("registrar", "sponsoring registrar", "registrar name", "registrar organization"),
    "registrar_iana_id": ("registrar iana id", "sponsoring registrar iana id"),
    "registrar_whois_server": ("registrar whois server", "whois server"),
    "registrar_url": ("registrar url", "referral url"),
    "registry_domain_id": ("registry domain id", "domain id", "roid"),
    "created": ("creation date", "created", "created on", "registered", "registration time", "registered on",
                "domain registration date", "registration date"),
    "updated": ("updated date", "update date", "last updated", "changed", "modified", "last modified",
                "last update"),
    "expires": ("registry expiry date", "registrar registration expiration date", "expiration date",
                "expiry date", "expires", "expires on", "expire", "expiration time", "paid-till",
                "renewal date"),
    "dnssec": ("dnssec", "signing key"),
}
_STATUS_KEYS = ("domain status", "status", "state")
_NS_KEYS = ("name server", "nserver", "nameserver", "name servers", "host name")
_RECORD_START = ("domain name", "domain", "server name", "puny name")


def parse_whois(data: bytes, query: str = "") -> tuple[ParseStatus, str, dict[str, Any], str]:
    """Parse a WHOIS reply: (status, domain, record, error).

    `query` (one or more names, space-separated) picks the record in a
    multi-record reply; without a match the last domain record is used.
    """
    notes: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        notes.append(f"not valid UTF-8: {text.count(chr(0xFFFD))} byte sequence(s) replaced")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ParseStatus.FAILED, "", {}, "empty WHOIS reply"

    records = _records(text)
    record = _pick(records, query)
    result: dict[str, Any] = _fields(record) if record else {}
    update = _DB_UPDATE.search(text)
    if update:
        result["database_updated"] = update.group(1)
    if len(records) > 1:
        result["records_in_reply"] = len(records)
    if notes:
        result["notes"] = notes

    if not result.get("domain"):
        refusal = _REFUSAL.search(text)
        if _NOT_FOUND.search(text):
            result["not_found"] = True
            asked = _NO_MATCH_NAME.search(text)
            if asked:
                result["domain"] = asked.group(1).strip().lower()
            return _status(notes), result.get("domain", ""), result, "; ".join(notes)
        if refusal:
            result["notice"] = refusal.group(0).strip(" *%#")
            result["throttled"] = bool(re.search(r"rate|limit|exceeded|too many|quota", result["notice"], re.I))
            result["unavailable"] = not result["throttled"]
            return ParseStatus.FAILED, "", result, f"the WHOIS server did not answer: {result['notice']}"
        return ParseStatus.FAILED, "", result, "no domain record found in the WHOIS reply"
    missing = [key for key in ("registrar", "created", "expires") if not result.get(key)]
    if missing:
        result["missing"] = missing
    return _status(notes), result["domain"], result, "; ".join(notes)


def _status(notes: list[str]) -> ParseStatus:
    return ParseStatus.PARTIAL if notes else ParseStatus.OK


def _lines(text: str) -> list[tuple[str, str]]:
    """(key, value) pairs in order; comment lines and prose are skipped."""
    pairs: list[tuple[str, str]] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped[0] in "%#" or stripped.startswith(">>>"):
            continue
        match = _JPRS.match(line) or _KEY_VALUE.match(line)
        if match:
            key = re.sub(r"\s+", " ", match.group(1).strip().lower())
            if key.startswith("[") or len(key.split()) > 6:
                continue
            pairs.append((key, match.group(2).strip()))
    return pairs


def _records(text: str) -> list[list[tuple[str, str]]]:
    """Split a reply into records, each starting at a Domain Name / Server Name line."""
    records: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for key, value in _lines(text):
        if key in _RECORD_START and key != "puny name" and value and _has_domain(current):
            records.append(current)
            current = []
        current.append((key, value))
    if current:
        records.append(current)
    return records


def _has_domain(record: list[tuple[str, str]]) -> bool:
    return any(key in _RECORD_START and value for key, value in record)


def _pick(records: list[list[tuple[str, str]]], query: str) -> list[tuple[str, str]] | None:
    """The record for the domain asked about: the one whose Domain Name matches, else the last domain record."""
    domain_records = [r for r in records if any(k in ("domain name", "domain", "puny name") and v for k, v in r)]
    if not domain_records:
        return records[-1] if records else None
    for word in query.lower().split():
        wanted = word.rstrip(".")
        for record in domain_records:
            if any(k in ("domain name", "domain", "puny name", "domain-ace") and _domain_value(v) == wanted
                   for k, v in record):
                return record
    return domain_records[-1]


def _domain_value(value: str) -> str:
    return value.split()[0].rstrip(".").lower() if value.split() else ""


def _fields(record: list[tuple[str, str]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, keys in _FIELDS.items():
        for key, value in record:
            if key in keys and value and name not in result:
                result[name] = value
    if "domain" in result:
        shown = result["domain"]
        result["domain_as_found"] = shown
        result["domain"] = _domain_value(shown)
        ace = next((v for k, v in record if k in ("domain-ace", "puny name") and v), "")
        if ace:
            result["domain_ascii"] = _domain_value(ace)
    statuses: list[str] = []
    for key, value in record:
        if key in _STATUS_KEYS and value:
            status = re.split(r"\s+\(?https?://", value)[0].strip()
            if status and status not in statuses:
                statuses.append(status)
    result["status"] = statuses
    servers: list[str] = []
    for key, value in record:
        if key in _NS_KEYS and value:
            server = value.split()[0].rstrip(".").lower()
            if server and server not in servers:
                servers.append(server)
    result["name_servers"] = servers
    result["epp_status"] = [code for code in (epp_code(st) for st in statuses) if code]
    if "dnssec" in result:
        result["dnssec_signed"] = dnssec_signed(result["dnssec"])
    for key in ("created", "updated", "expires"):
        if result.get(key):
            iso = to_utc_iso(result[key])
            if iso:
                result[f"{key}_utc"] = iso
    registrant, redacted = _contact(record, "registrant")
    if registrant:
        result["registrant"] = registrant
    if redacted:
        result["registrant_redacted"] = redacted
    if any(_PROXY.search(registrant.get(k, "")) for k in ("name", "organization", "email")):
        result["registrant_proxy"] = True  # a privacy or proxy service stands in for the registrant
    return result


EPP_CODES = {
    code.lower(): code for code in (
        "ok", "inactive", "pendingCreate", "pendingDelete", "pendingRenew", "pendingRestore", "pendingTransfer",
        "pendingUpdate", "redemptionPeriod", "addPeriod", "autoRenewPeriod", "renewPeriod", "transferPeriod",
        "clientDeleteProhibited", "clientHold", "clientRenewProhibited", "clientTransferProhibited",
        "clientUpdateProhibited", "serverDeleteProhibited", "serverHold", "serverRenewProhibited",
        "serverTransferProhibited", "serverUpdateProhibited",
    )
}
_REDACTED = re.compile(r"redacted|data protected|not disclosed|privacy|withheld|gdpr masked|non-public|"
                       r"please query the rdds|statutory masking", re.IGNORECASE)
_PROXY = re.compile(r"private registrant|proxy|privacy|whoisguard|withheld for privacy|contact privacy",
                    re.IGNORECASE)
_CONTACT_FIELDS = ("name", "organization", "street", "city", "state/province", "postal code", "country",
                   "phone", "email")


def epp_code(status: str) -> str:
    """The EPP status code (RFC 5731) in a WHOIS status line, in its canonical spelling; '' when none."""
    word = status.split()[0] if status.split() else ""
    return EPP_CODES.get(word.lower(), "")


def dnssec_signed(value: str) -> bool | None:
    """Whether a WHOIS DNSSEC line says the delegation is signed (None when it does not say)."""
    text = value.lower()
    if "unsigned" in text or text in ("no", "inactive", "none"):
        return False
    if "signed" in text or text in ("yes", "active"):
        return True
    return None


_DATE_FORMATS = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M:%S",
                 "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%d-%b-%Y", "%Y/%m/%d", "%Y/%m/%d %H:%M:%S",
                 "%d.%m.%Y %H:%M:%S", "%d.%m.%Y", "%Y.%m.%d", "%Y%m%d", "%d/%m/%Y")


def to_utc_iso(value: str) -> str:
    """A WHOIS date in ISO 8601 UTC ('2010-05-26T00:00:00Z'), or '' when its format is not recognised.

    Dates without a zone are taken as UTC, except JPRS's '(JST)' suffix.
    """
    from datetime import datetime, timedelta

    text = value.strip()
    shift = timedelta(0)
    if text.endswith("(JST)"):
        text, shift = text[:-5].strip(), timedelta(hours=9)
    text = re.sub(r"Z$", "+0000", text)
    text = re.sub(r"([+-]\d\d):(\d\d)$", r"\1\2", text)
    for fmt in _DATE_FORMATS:
        try:
            when = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if when.tzinfo is None:
            when = (when - shift).replace(tzinfo=UTC)
        return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ""


def _contact(record: list[tuple[str, str]], role: str) -> tuple[dict[str, str], list[str]]:
    """A contact's fields as given, and the names of those the reply redacts (privacy, GDPR)."""
    found: dict[str, str] = {}
    redacted: list[str] = []
    for key, value in record:
        if not key.startswith(role + " "):
            continue
        field_name = key[len(role) + 1:]
        if field_name not in _CONTACT_FIELDS or field_name in found or field_name in redacted:
            continue
        if _REDACTED.search(value):
            redacted.append(field_name)
        elif value:
            found[field_name] = value
    return found, redacted
