"""Which URLs and addresses the capture browser may visit.

Only http and https pages are captured. Loopback, private, link-local and
other non-public addresses are refused unless the user allows them
(``--allow-private``; the tests do): a page captured for a court should not
be able to make the investigator's browser reach into the office network or
the laptop itself, and a name that resolves to such an address is more often
a mistake than a target.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names literally (``127.0.0.1``, ``[::1]``), or None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def is_public(address: str) -> bool:
    """Whether an IP address is a global (public) one; anything unreadable is not."""
    ip = ip_literal(address)
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not ip.is_multicast


def is_local_name(host: str) -> bool:
    """Names that always mean this machine, whatever the DNS says."""
    host = host.lower().rstrip(".")
    return host in LOCAL_NAMES or host.endswith(".localhost")


def url_problem(url: str) -> str:
    """Why a URL cannot be captured at all ("" when it can be tried)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port  # raises on a port that is not a number
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return f"only http and https pages are captured, not {parts.scheme or 'a URL without a scheme'}"
    if not host:
        return "the URL names no host"
    return ""


def private_reason(host: str, addresses: list[str]) -> str:
    """Why a host must not be visited without ``--allow-private`` ("" when every address is public)."""
    if is_local_name(host):
        return f"{host} is this computer"
    literal = ip_literal(host)
    if literal is not None:
        return "" if is_public(str(literal)) else f"{literal} is a loopback or private address"
    private = [a for a in addresses if not is_public(a)]
    if private:
        return f"{host} resolves to the loopback or private address {', '.join(private[:3])}"
    return ""
