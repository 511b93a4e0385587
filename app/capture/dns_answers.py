"""What the DNS answered for a page's host at capture time, and who answered it.

Asked with dnspython, separately from the browser (Chromium asks the operating
system, which may also read a hosts file): the record says which resolver was
asked, each question, the answers with their TTLs, and any error. An IP
address in the URL needs no DNS; the record says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from app.core.custody import utc_now

from .addresses import ip_literal

QUESTION_TYPES = ("A", "AAAA", "CNAME")


@dataclass
class DnsAnswers:
    """The DNS record of one capture, as stored in ``dns.json``."""

    host: str
    asked_at: str
    resolver: list[str] = field(default_factory=list)  # "IP:port" of each server asked
    questions: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""

    @property
    def addresses(self) -> list[str]:
        """Every A and AAAA address in the answers, in the order received."""
        out: list[str] = []
        for question in self.questions:
            if question["type"] in ("A", "AAAA"):
                out += [a["value"] for a in question["answers"] if a["type"] == question["type"]]
        return out

    def to_json(self) -> dict[str, Any]:
        return {"host": self.host, "asked_at": self.asked_at, "resolver": self.resolver,
                "questions": self.questions, "addresses": self.addresses, "note": self.note}


def resolve(host: str, *, servers: tuple[str, ...] = (), port: int = 53, timeout: float = 4.0) -> DnsAnswers:
    """Ask ``servers`` (default: the system's resolvers) for the host's A, AAAA and CNAME records."""
    host = host.rstrip(".").lower()
    record = DnsAnswers(host=host, asked_at=utc_now())
    if ip_literal(host) is not None:
        record.note = "the URL names an IP address; no DNS question was needed"
        return record
    import dns.exception
    import dns.flags
    import dns.message
    import dns.query
    import dns.rcode
    import dns.resolver

    try:
        nameservers = list(servers) or [str(server) for server in dns.resolver.Resolver().nameservers]
    except (dns.exception.DNSException, OSError) as exc:
        record.note = f"no DNS resolver is configured on this computer ({exc})"
        return record
    record.resolver = [f"{s}:{port}" for s in nameservers]
    deadline = time.monotonic() + 3 * timeout
    for rdtype in QUESTION_TYPES:
        question: dict[str, Any] = {"type": rdtype, "answers": [], "rcode": "", "server": "", "error": ""}
        request = dns.message.make_query(host, rdtype)
        for server in nameservers:
            if time.monotonic() > deadline:
                question["error"] = "no time left for this question"
                break
            try:
                reply = dns.query.udp(request, server, port=port, timeout=timeout)
                if reply.flags & dns.flags.TC:
                    reply = dns.query.tcp(request, server, port=port, timeout=timeout)
            except (dns.exception.DNSException, OSError) as exc:
                question["error"] = f"{server}: {type(exc).__name__} {exc}".strip()
                continue
            question.update(rcode=dns.rcode.to_text(reply.rcode()), server=f"{server}:{port}", error="")
            for rrset in reply.answer:
                for rdata in rrset:
                    question["answers"].append({"name": rrset.name.to_text(), "type": _type_text(rrset.rdtype),
                                                "ttl": rrset.ttl, "value": rdata.to_text()})
            break
        record.questions.append(question)
    return record


def _type_text(rdtype: int) -> str:
    import dns.rdatatype

    return dns.rdatatype.to_text(dns.rdatatype.RdataType.make(rdtype))
