"""`evbundle custody CASE --uco OUT`: the custody log as CASE/UCO JSON-LD (checked offline, no context fetched)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.cli import main
from app.store import CaseFile

PREFIXES = {"kb", "case-investigation", "uco-action", "uco-core", "uco-identity", "uco-observable",
            "uco-tool", "uco-types", "uco-vocabulary", "xsd"}


def _walk(node: object, found: list[dict]) -> None:
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk(value, found)


@pytest.fixture
def case(tmp_path: Path) -> Path:
    path = tmp_path / "case.evcase"
    assert main(["new", str(path), "--title", "Sample v. Does", "--declarant", "Ann Investigator"]) == 0
    (tmp_path / "whois.txt").write_bytes(b"   Domain Name: PILLS-SAMPLE-SHOP.COM\r\n   Registrar: Sample, Inc.\r\n")
    assert main(["add", str(path), str(tmp_path / "whois.txt")]) == 0
    return path


def test_uco_export_is_json_ld_shaped_and_carries_every_entry(case: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "custody.jsonld"
    capsys.readouterr()
    assert main(["custody", str(case), "--uco", str(out)]) == 0
    assert "CASE/UCO JSON-LD" in capsys.readouterr().out
    document = json.loads(out.read_text("utf-8"))
    context, graph = document["@context"], document["@graph"]
    assert set(context) == PREFIXES
    assert all(value.startswith(("http://", "https://")) for value in context.values())

    nodes: list[dict] = []
    _walk(graph, nodes)
    ids = [n["@id"] for n in nodes if "@id" in n and len(n) > 1]
    assert len(ids) == len(set(ids))  # every described node once
    for node in nodes:
        for key in node:
            if not key.startswith("@"):
                assert key.split(":", 1)[0] in PREFIXES, key  # every term is a compact IRI we declare
        if "@type" in node:
            assert node["@type"].split(":", 1)[0] in PREFIXES
        if set(node) == {"@id"}:
            assert node["@id"] in ids, node  # references point at described nodes

    with CaseFile.open(case) as opened:
        entries = opened.custody()
        item = opened.items()[0]
    actions = [n for n in graph if n["@type"] == "uco-action:Action"]
    assert [a["uco-core:name"] for a in actions] == [e.action for e in entries]
    assert all(e.entry_hash in a["uco-core:description"] for a, e in zip(actions, entries))
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT.*Z", a["uco-action:startTime"]["@value"]) for a in actions)
    [file_node] = [n for n in graph if n["@type"] == "uco-observable:File"]
    hashes = [h for n in nodes if n.get("@type") == "uco-types:Hash" for h in [n]]
    assert {"@type": "uco-vocabulary:HashNameVocab", "@value": "SHA256"} in [h["uco-types:hashMethod"] for h in hashes]
    assert item.sha256.upper() in [h["uco-types:hashValue"]["@value"] for h in hashes]
    acquired = next(a for a in actions if a["uco-core:name"] == "acquired")
    assert acquired["uco-action:result"] == [{"@id": file_node["@id"]}]
    [record] = [n for n in graph if n["@type"] == "case-investigation:ProvenanceRecord"]
    assert record["case-investigation:exhibitNumber"] == "Exhibit 1"
    [investigation] = [n for n in graph if n["@type"] == "case-investigation:Investigation"]
    assert investigation["uco-core:name"] == "Sample v. Does"

    again = tmp_path / "again.jsonld"
    assert main(["custody", str(case), "--uco", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()  # same log, same document
