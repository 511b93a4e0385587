"""Regenerate ``resources/registries.json``: the registry operator and RDAP base URLs of every TLD.

Run from the repository root with the project's Python:

    .venv/bin/python resources/registry/build_registry_table.py            # rewrite the table
    .venv/bin/python resources/registry/build_registry_table.py --check    # exit 1 if it is stale
    .venv/bin/python resources/registry/build_registry_table.py --bootstrap NEW-dns.json

Inputs, all public and shipped with the app (no download here; see README.md beside this file):

1. ``rdap-base-urls.json``: the TLD → RDAP base URL facts extracted from
   IANA's RDAP bootstrap file for DNS (RFC 9224) with its publication date.
   To update, download https://data.iana.org/rdap/dns.json and run with
   ``--bootstrap dns.json``, which rewrites the extract.
2. The Public Suffix List shipped by the ``publicsuffixlist`` package: every
   delegated TLD, and for new gTLDs the registry operator named in its ICANN
   registry agreement ("// aaa : American Automobile Association, Inc.").
3. ``curated.json``: hand-checked legal names and postal addresses of the
   major registries, their TLDs and RDAP URLs, and aliases mapping an
   operator name as the PSL writes it to a curated registry. Curated facts win.

The output is deterministic: its date is the newest input's date, not the
time of the run, so regenerating from the same inputs gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import idna
import publicsuffixlist

HERE = Path(__file__).resolve().parent
OUTPUT = HERE.parent / "registries.json"
EXTRACT = HERE / "rdap-base-urls.json"
CURATED = HERE / "curated.json"
PSL = Path(publicsuffixlist.__file__).with_name("public_suffix_list.dat")

_HEADER = re.compile(r"^//\s*(\S+)(?:\s+\([^)]*\))?\s*:\s*(.+?)\s*$")


def a_label(tld: str) -> str:
    """A TLD as the table keys it: A-label, lower case."""
    tld = tld.strip().strip(".").lower()
    return tld if tld.isascii() else idna.encode(tld, uts46=True).decode("ascii")


def psl_tlds(text: str) -> tuple[dict[str, str], str]:
    """Every TLD in the PSL's ICANN section → its operator name ('' when the PSL gives none), and the PSL version."""
    version = ""
    match = re.search(r"^// VERSION: (\S+)", text, re.MULTILINE)
    if match:
        version = match.group(1)
    section = text.split("===BEGIN ICANN DOMAINS===", 1)[1].split("===END ICANN DOMAINS===", 1)[0]
    tlds: dict[str, str] = {}
    comments: list[str] = []
    in_new_gtlds = False
    for line in section.splitlines():
        line = line.strip()
        if not line:
            comments = []
            continue
        if line.startswith("//"):
            in_new_gtlds = in_new_gtlds or line.startswith("// newGTLDs")
            comments.append(line)
            continue
        rule = line.lstrip("!*.")
        if "." in rule or not rule:
            continue
        key = a_label(rule)
        operator = ""
        for comment in comments:
            found = _HEADER.match(comment)
            if (in_new_gtlds and found and a_label(found.group(1)) == key
                    and not found.group(2).startswith("http")):
                operator = found.group(2)
        tlds.setdefault(key, operator)
    return tlds, version


def bootstrap_urls(document: dict[str, Any]) -> dict[str, list[str]]:
    """TLD → RDAP base URLs from an RFC 9224 bootstrap file, HTTPS first."""
    urls: dict[str, list[str]] = {}
    for service in document.get("services", []):
        tlds, bases = service[0], service[1]
        ordered = sorted(bases, key=lambda u: (not u.startswith("https:"), u))
        for tld in tlds:
            urls[a_label(tld)] = ordered
    return urls


def write_extract(bootstrap: dict[str, Any], path: Path) -> None:
    """Keep only the facts we use from a dns.json: publication date and TLD → base URLs."""
    extract = {
        "source": "IANA RDAP bootstrap file for DNS (RFC 9224), https://data.iana.org/rdap/dns.json",
        "publication": bootstrap.get("publication", ""),
        "rdap": dict(sorted(bootstrap_urls(bootstrap).items())),
    }
    path.write_text(json.dumps(extract, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def read_extract(path: Path) -> dict[str, Any]:
    """The extract in the shape of a bootstrap file, for :func:`build`."""
    extract = json.loads(path.read_text(encoding="utf-8"))
    services = [[[tld], urls] for tld, urls in extract["rdap"].items()]
    return {"publication": extract.get("publication", ""), "services": services}


def slug(name: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return text[:60] or "operator"


def build(psl_text: str, bootstrap: dict[str, Any], curated: dict[str, Any],
          input_notes: list[dict[str, str]]) -> dict[str, Any]:
    """The registries.json document from the three inputs."""
    operators, psl_version = psl_tlds(psl_text)
    rdap = bootstrap_urls(bootstrap)
    aliases: dict[str, str] = curated.get("operator_aliases", {})
    every_tld = sorted(set(operators) | set(rdap))

    registries: dict[str, dict[str, Any]] = {}
    owner: dict[str, str] = {}
    for entry in curated["registries"]:
        registries[entry["id"]] = {
            "id": entry["id"], "name": entry["name"], "address": entry.get("address", []),
            "confirmed": True, "tlds": {}, "source": entry.get("source", ""),
        }
        for tld, urls in entry.get("tlds", {}).items():
            key = a_label(tld)
            owner[key] = entry["id"]
            stale = key in curated.get("bootstrap_outdated_for", [])
            registries[entry["id"]]["tlds"][key] = list(urls) or ([] if stale else rdap.get(key, []))

    for tld in every_tld:
        if tld in owner:
            continue
        operator = operators.get(tld, "")
        registry_id = aliases.get(operator) if operator else None
        if registry_id is None and operator:
            registry_id = "op-" + slug(operator)
            registries.setdefault(registry_id, {
                "id": registry_id, "name": operator, "address": [], "confirmed": False, "tlds": {},
                "source": "Registry operator named in the Public Suffix List (from its ICANN registry "
                          "agreement); postal address to be confirmed from the IANA Root Zone Database "
                          "(https://www.iana.org/domains/root/db/)",
            })
        elif registry_id is None:
            registry_id = f"tld-{tld}"
            registries[registry_id] = {
                "id": registry_id, "name": f"Registry operator of .{tld}", "address": [], "confirmed": False,
                "tlds": {},
                "source": f"Not curated: confirm the operator's name and address in the IANA Root Zone "
                          f"Database, https://www.iana.org/domains/root/db/{tld}.html",
            }
        owner[tld] = registry_id
        registries[registry_id]["tlds"][tld] = rdap.get(tld, [])

    dates = [curated.get("as_of", ""), psl_version[:10], str(bootstrap.get("publication", ""))[:10]]
    return {
        "format": 2,
        "as_of": max(d for d in dates if d),
        "title": "Registry operators of every top-level domain, with RDAP base URLs",
        "generated_by": "resources/registry/build_registry_table.py",
        "sources": [
            f"IANA RDAP bootstrap file for DNS, https://data.iana.org/rdap/dns.json "
            f"(publication {bootstrap.get('publication', 'unknown')})",
            f"Public Suffix List, https://publicsuffix.org/ (version {psl_version or 'unknown'}, "
            f"shipped by the publicsuffixlist package {getattr(publicsuffixlist, '__version__', '')})".replace(
                " )", ")"),
            f"Curated names and addresses of the major registries (resources/registry/curated.json, "
            f"as of {curated.get('as_of', 'unknown')})",
            *curated.get("sources", []),
        ],
        "inputs": input_notes,
        "note": "A registry with confirmed=false has a name from public data but no checked postal address: "
                "the pre-filing checks flag it; correct it for the case with `evbundle domains CASE registry set`.",
        "registries": sorted(registries.values(), key=lambda r: (not r["confirmed"], r["id"])),
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", type=Path, help="a newer IANA dns.json to extract the RDAP URLs from first")
    parser.add_argument("--check", action="store_true", help="exit 1 if registries.json is not up to date")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if args.bootstrap:
        write_extract(json.loads(args.bootstrap.read_text(encoding="utf-8")), EXTRACT)
    notes = [{"file": f"resources/registry/{p.name}", "sha256": _sha256(p)} for p in (EXTRACT, CURATED)]
    notes.append({"file": f"publicsuffixlist/{PSL.name}", "sha256": _sha256(PSL)})
    document = build(PSL.read_text(encoding="utf-8"), read_extract(EXTRACT),
                     json.loads(CURATED.read_text(encoding="utf-8")), notes)
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        print("registries.json is up to date" if current == text else "registries.json is stale: regenerate it")
        return 0 if current == text else 1
    fd, temp = tempfile.mkstemp(dir=args.out.parent, prefix=".registries-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(temp, 0o644)
    os.replace(temp, args.out)
    tlds = sum(len(r["tlds"]) for r in document["registries"])
    print(f"wrote {args.out}: {len(document['registries'])} registries, {tlds} TLDs, as of {document['as_of']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
