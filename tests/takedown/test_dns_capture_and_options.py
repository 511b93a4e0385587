"""DNS captures with a delegation, Retry-After, and the server options of the command line."""

from __future__ import annotations

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.errors import EvidenceError
from app.ops.lookups import host_and_port, servers_from_options
from app.sources.lookup_clients import DELEGATION, parse_dns_capture, retry_after_seconds


def section(kind: str, name: str, reply: dns.message.Message, where: str = "192.0.2.53:53") -> str:
    return f";; {kind} query for {name} via {where}\n;; rcode {dns.rcode.to_text(reply.rcode())}\n{reply.to_text()}\n"


def referral(name: str, servers: list[str]) -> dns.message.Message:
    query = dns.message.make_query(name, "NS")
    reply = dns.message.make_response(query)
    if servers:
        reply.authority.append(dns.rrset.from_text(name + ".", 172800, "IN", "NS", *[s + "." for s in servers]))
    else:
        reply.set_rcode(dns.rcode.NXDOMAIN)
    return reply


def test_delegation_and_addresses_are_read() -> None:
    a = dns.message.make_response(dns.message.make_query("www.bad.com", "A"))
    a.answer.append(dns.rrset.from_text("www.bad.com.", 300, "IN", "A", "192.0.2.7"))
    raw = (section(DELEGATION, "bad.com", referral("bad.com", ["NS2.Bad.Example", "ns1.bad.example"]))
           + section("A", "www.bad.com", a)).encode()
    record = parse_dns_capture(raw)
    assert record["delegation"] == ["ns1.bad.example", "ns2.bad.example"] and record["delegated"] is True
    assert record["answers"] == {"A": ["192.0.2.7"]} and record["nxdomain"] is False


def test_out_of_the_zone_is_nxdomain_not_unregistered() -> None:
    record = parse_dns_capture(section(DELEGATION, "held.com", referral("held.com", [])).encode())
    assert record["delegated"] is False and record["delegation_rcode"] == "NXDOMAIN" and record["nxdomain"] is True
    assert "not_found" not in record  # a held domain is registered; only the registry can say it is not


def test_a_referral_for_another_name_is_not_the_delegation() -> None:
    record = parse_dns_capture(section(DELEGATION, "bad.com", referral("other.com", ["ns1.x.example"])).encode())
    assert record["delegation"] == [] and record["delegated"] is False


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.binary(max_size=2000) | st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_parse_without_raising(raw: bytes) -> None:
    record = parse_dns_capture(raw)
    assert isinstance(record["answers"], dict)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from([";; NS-delegation query for a.com via x", ";; A query for a.com via x",
                                 ";; rcode NXDOMAIN", ";ANSWER", ";AUTHORITY", "a.com. 1 IN NS b.", "a.com. 1 IN A 1.2.3.4",
                                 "", "garbage line here x y z", ";; A query for"]), max_size=30))
def test_shuffled_sections_parse_without_raising(lines: list[str]) -> None:
    parse_dns_capture("\n".join(lines).encode())


def test_retry_after() -> None:
    assert retry_after_seconds([("Retry-After", "7")]) == 7.0
    assert retry_after_seconds([("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")], now=1445412470.0) == 10.0
    assert retry_after_seconds([("Retry-After", "soon")]) is None
    assert retry_after_seconds([]) is None


def test_server_options() -> None:
    servers = servers_from_options(rdap_urls=["com=http://127.0.0.1:1/rdap/", ".ORG=https://rdap.example/"],
                                   dns_servers=["127.0.0.1:5353", "cc=[::1]:5300", "cc=127.0.0.2"],
                                   whois_server="whois.example:4343")
    assert servers.rdap_base is None and servers.rdap_by_tld == {"com": "http://127.0.0.1:1/rdap/",
                                                                 "org": "https://rdap.example/"}
    assert servers.dns_servers == ["127.0.0.1"] and servers.dns_port == 5353
    assert servers.dns_by_tld == {"cc": (("::1", 5300), ("127.0.0.2", 53))}
    assert (servers.whois_server, servers.whois_port) == ("whois.example", 4343)
    assert servers.resolver("net") == [("127.0.0.1", 5353)] and servers.authoritative("cc") == [("::1", 5300),
                                                                                                ("127.0.0.2", 53)]
    assert servers_from_options(rdap_urls=["https://one.example/"]).rdap_base == "https://one.example/"
    assert host_and_port("::1", 53) == ("::1", 53)
    with pytest.raises(EvidenceError):
        servers_from_options(rdap_urls=["com=ftp://x"])
    with pytest.raises(EvidenceError):
        host_and_port("host:port", 53)


def test_a_tlds_own_servers_are_found_through_the_resolver() -> None:
    import socketserver
    import threading

    from app.sources.lookup_clients import tld_servers

    class Resolver(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            data, sock = self.request
            query = dns.message.from_wire(data)
            reply = dns.message.make_response(query)
            question = query.question[0]
            name, rdtype = question.name.to_text(), dns.rdatatype.to_text(question.rdtype)
            if (name, rdtype) == ("example.", "NS"):
                reply.answer.append(dns.rrset.from_text(name, 60, "IN", "NS", "b.nic.example.", "a.nic.example."))
            elif rdtype == "A" and name.endswith(".nic.example."):
                reply.answer.append(dns.rrset.from_text(name, 60, "IN", "A", "192.0.2.1" if name[0] == "a"
                                                        else "192.0.2.2"))
            sock.sendto(reply.to_wire(), self.client_address)

    server = socketserver.ThreadingUDPServer(("127.0.0.1", 0), Resolver)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        found = tld_servers("example", resolver=[("127.0.0.1", server.server_address[1])], timeout=2)
    finally:
        server.shutdown()
        server.server_close()
    assert found == [("192.0.2.1", 53), ("192.0.2.2", 53)]
