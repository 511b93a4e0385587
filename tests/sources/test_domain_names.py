"""Domain names as users paste them: normalised exactly, or refused with the reason."""

from __future__ import annotations

import pytest

from app.core.errors import InvalidDomain
from app.core.urls import refang
from app.sources.domains import normalise_domain, parse_domain_list


def test_plain_and_upper_case_names() -> None:
    name = normalise_domain("  WWW.Example.COM. ")
    assert (name.ascii, name.unicode, name.tld, name.registrable) == (
        "www.example.com", "www.example.com", "com", "example.com",
    )
    assert name.is_subdomain


def test_idn_keeps_both_forms() -> None:
    name = normalise_domain("Bücher.DE")
    assert name.ascii == "xn--bcher-kva.de" and name.unicode == "bücher.de"
    chinese = normalise_domain("xn--6qq79v.xn--fiqs8s")
    assert chinese.unicode == "你好.中国" and chinese.tld == "xn--fiqs8s"
    wide = normalise_domain("ＥＸＡＭＰＬＥ．ＣＯＭ")
    assert wide.ascii == "example.com"


def test_free_subdomain_provider_registrable_domain() -> None:
    # Kelihos: 3,723 cz.cc subdomains, all registered at Verisign as cz.cc.
    assert normalise_domain("abc.cz.cc").registrable == "cz.cc"
    assert normalise_domain("x.blogspot.com").registrable == "blogspot.com"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("a..com", "empty label"),
        ("-bad.com", "hyphen"),
        ("bad-.com", "hyphen"),
        ("ab--cd.com", "3rd and 4th"),
        ("a" * 64 + ".com", "63"),
        (".".join(["a" * 60] * 5) + ".com", "253"),
        ("my_host.com", "underscore"),
        ("localhost", "single label"),
        ("example.notatld", "unknown top-level domain"),
        ("☃.com", "U+2603"),
        ("co.uk", "public suffix"),
        ("192.168.1.1", "IP address"),
        ("xn--zz.com", "internationalised"),
    ],
)
def test_invalid_names_say_why(text: str, reason: str) -> None:
    with pytest.raises(InvalidDomain) as caught:
        normalise_domain(text)
    assert reason in caught.value.message


def test_refang() -> None:
    assert refang("hxxps://bad[.]example(.)com/x") == "https://bad.example.com/x"
    assert refang("evil[dot]com") == "evil.com"


def test_defanged_csv_and_url_list() -> None:
    text = "\n".join(
        [
            "# seized domains",
            "domain,registrar,notes",
            "bad-one.com,GoDaddy,fake AV",
            "hxxp://bad-two[.]net/path?q=1",
            "BAD-ONE.com.",
            "foo",
            "Bücher.de  # an IDN",
            "x.cz.cc",
            "3,a_b.com,note",
        ]
    )
    names, problems = parse_domain_list(text)
    assert [n.ascii for n in names] == ["bad-one.com", "bad-two.net", "xn--bcher-kva.de", "x.cz.cc"]
    assert problems[0].startswith("line 6: 'foo': a single label")
    assert problems[1].startswith("line 9: 'a_b.com': underscore")
    assert len(problems) == 2
