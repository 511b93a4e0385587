"""Domain names as a court order needs them: exact, normalised, with their registrable domain.

What users paste is mapped with IDNA 2008 + UTS 46 (the `idna` package):
lower case, no trailing dot, both the ASCII (A-label) and Unicode (U-label)
forms kept. Anything that is not a domain name is refused with the reason,
because a typo in Appendix A can hit an innocent registrant.

The registrable domain (what a registry holds a registration for) comes from
the ICANN section of the Public Suffix List shipped by `publicsuffixlist`;
the private section is ignored on purpose: ``x.blogspot.com`` is registered
at Verisign as ``blogspot.com``.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import idna
from publicsuffixlist import PublicSuffixList

from app.core.errors import InvalidDomain
from app.core.urls import refang
from app.sources.lookalikes import flag_lookalikes

MAX_NAME_OCTETS = 253
MAX_LABEL_OCTETS = 63

_LDH_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\Z")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}\Z")
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


@dataclass(frozen=True)
class DomainName:
    """A validated domain name in both forms, with its TLD and registrable domain (all A-labels but `unicode`)."""

    ascii: str
    unicode: str
    tld: str
    registrable: str
    flags: tuple[str, ...] = ()  # look-alike warnings ('mixed-script: …', 'confusable: …'); never a refusal

    @property
    def is_subdomain(self) -> bool:
        return self.ascii != self.registrable


@functools.cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList(only_icann=True, accept_unknown=False)


def registrable_domain(host: str) -> str | None:
    """The registrable domain of an already-ASCII host name, or None (unknown TLD, a suffix itself, an IP)."""
    host = host.strip().rstrip(".").lower()
    if not host or _IPV4.match(host) or ":" in host:
        return None
    return _psl().privatesuffix(host)


def normalise_domain(text: str) -> DomainName:
    """Normalise one domain name as typed or pasted; raise InvalidDomain saying why it is not one."""
    name, reason = _check(text)
    if name is None:
        shown = text.strip() or text
        raise InvalidDomain(f"'{shown}' is not a valid domain name: {reason}")
    return name


def try_normalise(text: str) -> DomainName | None:
    """Like normalise_domain, but None instead of an error (for scanning text that may hold domains)."""
    return _check(text)[0]


def _check(text: str) -> tuple[DomainName | None, str]:
    raw = text.strip()
    if not raw:
        return None, "empty"
    if raw.endswith("."):
        raw = raw[:-1]
    if raw.isascii():
        lowered = raw.lower()
        labels = lowered.split(".")
        reason = _label_problems(labels)
        if reason:
            return None, reason
        if not any(label.startswith("xn--") for label in labels):
            return _finish(lowered, lowered)
        ascii_name = lowered
    else:
        try:
            mapped = idna.uts46_remap(raw.translate(_DOTS), std3_rules=False, transitional=False)
        except idna.IDNAError as exc:
            return None, _idna_reason(exc)
        labels = mapped.split(".")
        if labels and labels[-1] == "":
            labels = labels[:-1]
        reason = _label_problems(labels, unicode_labels=True)
        if reason:
            return None, reason
        try:
            ascii_name = idna.encode(".".join(labels), uts46=False).decode("ascii")
        except idna.IDNAError as exc:
            return None, _idna_reason(exc)
        except UnicodeError as exc:
            return None, f"cannot be encoded as an ASCII name ({exc})"
        if not any(label.startswith("xn--") for label in labels):
            return _finish(ascii_name, ".".join(labels))  # idna.encode has checked every U-label
    try:
        unicode_name = idna.decode(ascii_name)
        # Round trip: an A-label that does not decode to a valid U-label is not an IDN.
        idna.encode(unicode_name)
    except idna.IDNAError as exc:
        return None, _idna_reason(exc)
    except UnicodeError as exc:
        return None, f"invalid internationalised label ({exc})"
    return _finish(ascii_name, unicode_name)


def _label_problems(labels: list[str], *, unicode_labels: bool = False) -> str:
    """The first structural problem with these labels, or '' when none."""
    if any(label == "" for label in labels):
        return "empty label (two dots in a row, or a leading dot)"
    if len(labels) == 1:
        return "a single label; a domain name needs a name and a top-level domain"
    joined = ".".join(labels)
    if _IPV4.match(joined):
        return "an IP address, not a domain name"
    for label in labels:
        if "_" in label:
            return f"underscore in label '{label}' (not allowed in a host name)"
        if label.startswith("-") or label.endswith("-"):
            return f"label '{label}' starts or ends with a hyphen"
        if not unicode_labels or label.isascii():
            if len(label) > MAX_LABEL_OCTETS:
                return f"label '{label[:20]}…' is {len(label)} octets long (the limit is 63)"
            if not label.startswith("xn--") and not _LDH_LABEL.match(label.lower()):
                bad = next((c for c in label if not (c.isalnum() or c == "-")), "")
                if bad:
                    return f"character {bad!r} is not allowed in a domain name"
            if len(label) >= 4 and label[2:4] == "--" and not label.startswith("xn--"):
                return f"label '{label}' has hyphens in the 3rd and 4th positions"
    return ""


def _finish(ascii_name: str, unicode_name: str) -> tuple[DomainName | None, str]:
    labels = ascii_name.split(".")
    for label in labels:
        if len(label) > MAX_LABEL_OCTETS:
            return None, f"label '{label[:20]}…' is {len(label)} octets long (the limit is 63)"
    if len(ascii_name) > MAX_NAME_OCTETS:
        return None, f"the name is {len(ascii_name)} octets long (the limit is 253)"
    tld = labels[-1]
    if tld.isdigit():
        return None, f"top-level domain '.{tld}' is all digits"
    psl = _psl()
    registrable = psl.privatesuffix(ascii_name)
    if registrable is None:
        if psl.publicsuffix(ascii_name) is None:
            return None, f"unknown top-level domain '.{tld}' (not in the Public Suffix List)"
        return None, f"'{ascii_name}' is a public suffix, not a name anyone registers"
    flags = flag_lookalikes(unicode_name) if unicode_name != ascii_name else ()
    return DomainName(ascii=ascii_name, unicode=unicode_name, tld=tld, registrable=registrable, flags=flags), ""


def _idna_reason(exc: Exception) -> str:
    text = str(exc)
    if "Empty Label" in text:
        return "empty label (two dots in a row, or a leading dot)"
    if "too long" in text.lower():
        return "a label is over 63 octets" if "Label" in text else "the name is over 253 octets"
    if "hyphen" in text.lower():
        return text[0].lower() + text[1:]
    match = re.search(r"Codepoint (U\+[0-9A-F]+)", text)
    if match:
        code = int(match.group(1)[2:], 16)
        return f"code point {match.group(1)} ({chr(code)!r}) is not allowed in a domain name (IDNA 2008)"
    return f"not a valid internationalised name ({text})"


# --- lists ---------------------------------------------------------------------------------

def host_of(candidate: str) -> str:
    """The host part of a URL, an e-mail address or a bare name, as text (not validated)."""
    value = refang(candidate.strip().strip("\"'<>()[]{}")).strip()
    value = value.rstrip(",;")
    if "://" in value:
        try:
            host = urlsplit(value).hostname or ""
        except ValueError:
            host = ""
        return host
    if "@" in value and "/" not in value:
        value = value.rsplit("@", 1)[1]
    for sep in "/?#":
        value = value.split(sep, 1)[0]
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value


def _comment_free(line: str) -> str:
    if line.lstrip().startswith("#"):
        return ""
    match = re.search(r"\s#", line)
    return line[: match.start()] if match else line


def parse_domain_list(text: str) -> tuple[list[DomainName], list[str]]:
    """Read a pasted or saved list of domains in any common shape.

    One per line, CSV/TSV (any column holding a domain), URLs and defanged
    forms; '#' starts a comment. Returns the names de-duplicated in first-seen
    order, and one problem line per entry that is not a domain name.
    """
    names: list[DomainName] = []
    seen: set[str] = set()
    problems: list[str] = []

    def keep(name: DomainName) -> None:
        if name.ascii not in seen:
            seen.add(name.ascii)
            names.append(name)

    first_row = True
    for number, line in enumerate(text.splitlines(), start=1):
        body = _comment_free(line.lstrip("\ufeff")).strip()
        if not body:
            continue
        header_allowed, first_row = first_row, False
        cells = _cells(body)
        if len(cells) == 1:
            host = host_of(cells[0])
            name, reason = _check(host)
            if name is not None:
                keep(name)
            else:
                problems.append(f"line {number}: '{cells[0]}': {reason}")
            continue
        found_any = False
        first_reason = ""
        for cell in cells:
            host = host_of(cell)
            if "." not in host.translate(_DOTS) or " " in host:
                continue
            name, reason = _check(host)
            if name is not None:
                keep(name)
                found_any = True
            elif not first_reason:
                first_reason = f"'{cell.strip()}': {reason}"
        if not found_any and (first_reason or not header_allowed):
            problems.append(f"line {number}: {first_reason or repr(body[:80]) + ': no domain name in this row'}")
    return names, problems


def _cells(line: str) -> list[str]:
    for delimiter in (",", "\t", ";"):
        if delimiter in line:
            row = next(csv.reader([line], delimiter=delimiter), [])
            return [cell for cell in row if cell.strip()] or [line]
    if " " in line.strip():
        return [part for part in line.split() if part]
    return [line]
