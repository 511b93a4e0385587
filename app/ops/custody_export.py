"""Export a case's custody log as CASE/UCO JSON-LD, the forensic community's provenance format.

Mapping (CASE 1.x / UCO 1.x vocabulary):

- the case → ``case-investigation:Investigation``;
- each evidence item → ``uco-observable:File`` with a FileFacet (name, size)
  and a ContentDataFacet carrying ``uco-types:Hash`` values (SHA256, SHA512);
- each exhibit → ``case-investigation:ProvenanceRecord`` (exhibit number,
  the file it holds);
- each custody entry → ``uco-action:Action`` (what, when, who as a
  ``uco-identity:Person``, with which ``uco-tool:Tool``, on which file); the
  entry's place in the hash chain (sequence, entry hash, previous hash) is
  stated in its description, since UCO has no property for it.

Identifiers are derived from the case id and entry numbers (UUID v5), so
exporting the same log twice gives the same document. No context is fetched:
the ``@context`` only maps prefixes to the ontologies' namespace IRIs.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from app import __version__
from app.core.custody import CustodyEntry
from app.core.files import write_atomic
from app.core.model import Item
from app.store import CaseFile

CONTEXT = {
    "kb": "http://example.org/kb/",
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "uco-action": "https://ontology.unifiedcyberontology.org/uco/action/",
    "uco-core": "https://ontology.unifiedcyberontology.org/uco/core/",
    "uco-identity": "https://ontology.unifiedcyberontology.org/uco/identity/",
    "uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
    "uco-tool": "https://ontology.unifiedcyberontology.org/uco/tool/",
    "uco-types": "https://ontology.unifiedcyberontology.org/uco/types/",
    "uco-vocabulary": "https://ontology.unifiedcyberontology.org/uco/vocabulary/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def custody_to_uco(case: CaseFile) -> dict[str, Any]:
    """The case's custody log, items and exhibits as one CASE/UCO JSON-LD document."""
    info = case.info()
    namespace = uuid.UUID(info.case_id) if _is_uuid(info.case_id) else uuid.uuid5(uuid.NAMESPACE_URL, info.case_id)

    def node_id(kind: str, key: object) -> str:
        return f"kb:{kind}-{uuid.uuid5(namespace, f'{kind}:{key}')}"

    items = case.items()
    entries = case.custody()
    tool_id = node_id("Tool", "evbundle")
    graph: list[dict[str, Any]] = [{
        "@id": tool_id,
        "@type": "uco-tool:Tool",
        "uco-core:name": "evbundle",
        "uco-tool:version": __version__,
        "uco-tool:toolType": "evidence bundle builder",
    }]
    people: dict[str, str] = {}
    for actor in sorted({e.actor for e in entries} | {i.acquired_by for i in items if i.acquired_by}):
        people[actor] = node_id("Person", actor)
        graph.append({"@id": people[actor], "@type": "uco-identity:Person", "uco-core:name": actor})

    files: dict[str, str] = {}
    for item in items:
        if item.sha256 in files:
            continue
        files[item.sha256] = node_id("File", item.sha256)
        graph.append(_file_node(files[item.sha256], item, node_id))

    records = []
    for item in items:
        if item.exhibit_number is None:
            continue
        record = {
            "@id": node_id("ProvenanceRecord", item.exhibit_number),
            "@type": "case-investigation:ProvenanceRecord",
            "case-investigation:exhibitNumber": f"Exhibit {item.exhibit_number}",
            "uco-core:description": item.name,
            "uco-core:object": [{"@id": files[item.sha256]}],
        }
        graph.append(record)
        records.append({"@id": record["@id"]})

    actions = []
    for entry in entries:
        action = _action_node(entry, node_id("Action", entry.seq), people, tool_id, files)
        graph.append(action)
        actions.append({"@id": action["@id"]})

    investigation = {
        "@id": node_id("Investigation", info.case_id),
        "@type": "case-investigation:Investigation",
        "uco-core:name": info.title,
        "uco-core:description": (
            f"Civil Action No. {info.case_number}" if info.case_number else "Civil action (number not yet assigned)"
        ) + (" (FICTIONAL sample case)" if info.fictional else ""),
        "case-investigation:focus": ["domain takedown"],
        "uco-core:object": records + actions,
    }
    return {"@context": CONTEXT, "@graph": [investigation, *graph]}


def export_uco(case: CaseFile, out: Path) -> int:
    """Write :func:`custody_to_uco` to ``out`` atomically; returns the number of custody entries."""
    document = custody_to_uco(case)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, (json.dumps(document, indent=1, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8"))
    return sum(1 for node in document["@graph"] if node["@type"] == "uco-action:Action")


def _hash(method: str, value: str) -> dict[str, Any]:
    return {
        "@type": "uco-types:Hash",
        "uco-types:hashMethod": {"@type": "uco-vocabulary:HashNameVocab", "@value": method},
        "uco-types:hashValue": {"@type": "xsd:hexBinary", "@value": value.upper()},
    }


def _file_node(identifier: str, item: Item, node_id: Any) -> dict[str, Any]:
    hashes = [_hash("SHA256", item.sha256)]
    if item.sha512:
        hashes.append(_hash("SHA512", item.sha512))
    return {
        "@id": identifier,
        "@type": "uco-observable:File",
        "uco-core:name": item.name,
        "uco-core:hasFacet": [
            {
                "@id": node_id("FileFacet", item.sha256),
                "@type": "uco-observable:FileFacet",
                "uco-observable:fileName": item.original_name or item.name,
                "uco-observable:sizeInBytes": {"@type": "xsd:integer", "@value": str(item.size)},
            },
            {
                "@id": node_id("ContentDataFacet", item.sha256),
                "@type": "uco-observable:ContentDataFacet",
                "uco-observable:sizeInBytes": {"@type": "xsd:integer", "@value": str(item.size)},
                "uco-observable:hash": hashes,
            },
        ],
    }


def _action_node(
    entry: CustodyEntry, identifier: str, people: dict[str, str], tool_id: str, files: dict[str, str]
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": identifier,
        "@type": "uco-action:Action",
        "uco-core:name": entry.action,
        "uco-core:description": (
            f"custody entry {entry.seq}; entry hash (SHA-256) {entry.entry_hash}; "
            f"previous entry hash {entry.prev_hash}; "
            f"details {json.dumps(entry.details, sort_keys=True, ensure_ascii=False)}"
        ),
        "uco-action:startTime": {"@type": "xsd:dateTime", "@value": entry.at},
        "uco-action:endTime": {"@type": "xsd:dateTime", "@value": entry.at},
        "uco-action:performer": {"@id": people[entry.actor]},
        "uco-action:instrument": {"@id": tool_id},
    }
    if entry.sha256 and entry.sha256 in files:
        key = "uco-action:result" if entry.action == "acquired" else "uco-action:object"
        node[key] = [{"@id": files[entry.sha256]}]
    return node


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
