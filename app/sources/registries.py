"""Which registry operator runs a TLD, with the name and address Appendix A prints.

The table lives in ``resources/registries.json`` with its sources and date,
so it can be checked, corrected and regenerated: it covers every TLD, built by
``resources/registry/build_registry_table.py`` from the IANA RDAP bootstrap
file, the Public Suffix List's operator names and a curated list of the major
registries' legal names and addresses. Registries without a checked postal
address are marked unconfirmed; the user corrects them per case
(:meth:`RegistryTable.with_overrides`). A TLD that is not in the table still gets a Registry,
with id ``unknown-<tld>`` and a name that says so, so that Appendix A groups
it and the pre-filing checks flag it instead of silently dropping it.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import idna

from app.core.errors import EvidenceError
from app.core.model import Registry
from app.core.paths import resource

UNKNOWN_PREFIX = "unknown-"


def _tld_key(tld: str) -> str:
    """A TLD as the table keys it: A-label, lower case, no dots."""
    key = tld.strip().strip(".").lower()
    if not key.isascii():
        with contextlib.suppress(idna.IDNAError, UnicodeError):
            key = idna.encode(key, uts46=True).decode("ascii")
    return key


@dataclass(frozen=True)
class RegistryTable:
    """TLD → registry operator, loaded once from the bundled JSON."""

    registries: dict[str, Registry]
    by_tld: dict[str, str]
    rdap_by_tld: dict[str, tuple[str, ...]]
    as_of: str = ""
    sources: tuple[str, ...] = field(default_factory=tuple)
    unconfirmed: frozenset[str] = frozenset()  # ids whose name or address nobody has checked

    @classmethod
    def load(cls) -> RegistryTable:
        """The table shipped with the app (read once per process)."""
        return _load_bundled()

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> RegistryTable:
        """Build a table from the JSON structure of ``resources/registries.json``."""
        registries: dict[str, Registry] = {}
        by_tld: dict[str, str] = {}
        rdap_by_tld: dict[str, tuple[str, ...]] = {}
        unconfirmed: set[str] = set()
        for entry in document.get("registries", []):
            if not entry.get("confirmed", True):
                unconfirmed.add(entry["id"])
            tld_map: dict[str, list[str]] = entry.get("tlds", {})
            urls: list[str] = []
            for tld, tld_urls in tld_map.items():
                key = _tld_key(tld)
                if key in by_tld:
                    raise EvidenceError(
                        f"registry table lists .{key} twice ({by_tld[key]} and {entry['id']})"
                    )
                by_tld[key] = entry["id"]
                rdap_by_tld[key] = tuple(tld_urls)
                urls.extend(u for u in tld_urls if u not in urls)
            registries[entry["id"]] = Registry(
                id=entry["id"],
                name=entry["name"],
                address=tuple(entry.get("address", [])),
                tlds=tuple(sorted(_tld_key(t) for t in tld_map)),
                rdap=tuple(urls),
                source=entry.get("source", ""),
            )
        return cls(
            registries=registries,
            by_tld=by_tld,
            rdap_by_tld=rdap_by_tld,
            as_of=str(document.get("as_of", "")),
            sources=tuple(document.get("sources", [])),
            unconfirmed=frozenset(unconfirmed),
        )

    def with_overrides(self, overrides: Mapping[str, Registry]) -> RegistryTable:
        """This table with the case's corrections: each override replaces (or adds) a registry by id.

        An override's TLDs move to it; a corrected registry counts as confirmed.
        """
        if not overrides:
            return self
        registries = dict(self.registries)
        by_tld = dict(self.by_tld)
        rdap_by_tld = dict(self.rdap_by_tld)
        for registry_id, override in overrides.items():
            base = registries.get(registry_id)
            if base is None and registry_id.startswith(UNKNOWN_PREFIX):
                base = _unknown(registry_id[len(UNKNOWN_PREFIX):])
            tlds = tuple(sorted(set(override.tlds) | set(base.tlds if base else ())))
            rdap = override.rdap or (base.rdap if base else ())
            registries[registry_id] = replace(override, id=registry_id, tlds=tlds, rdap=rdap)
            for tld in tlds:
                by_tld[tld] = registry_id
                rdap_by_tld.setdefault(tld, ())
        return replace(self, registries=registries, by_tld=by_tld, rdap_by_tld=rdap_by_tld,
                       unconfirmed=self.unconfirmed - set(overrides))

    def is_confirmed(self, registry_id: str) -> bool:
        """Whether the registry's name and address were checked (curated, or corrected by the user)."""
        return (registry_id in self.registries and registry_id not in self.unconfirmed
                and bool(self.registries[registry_id].address))

    @property
    def source(self) -> str:
        """Where the table comes from and how current it is, for documents and the GUI."""
        head = f"Registry table as of {self.as_of}" if self.as_of else "Registry table"
        return head + ("; sources: " + "; ".join(self.sources) if self.sources else "")

    def for_tld(self, tld: str) -> Registry:
        """The registry for a TLD ('com', '.COM', 'xn--p1ai' or its Unicode form); never fails."""
        key = _tld_key(tld)
        registry_id = self.by_tld.get(key)
        if registry_id is not None:
            return self.registries[registry_id]
        return _unknown(key)

    def get(self, registry_id: str) -> Registry:
        """A registry by id; ``unknown-<tld>`` ids give the placeholder. KeyError for any other id."""
        if registry_id in self.registries:
            return self.registries[registry_id]
        if registry_id.startswith(UNKNOWN_PREFIX):
            return _unknown(registry_id[len(UNKNOWN_PREFIX):])
        raise KeyError(registry_id)

    def rdap_urls(self, tld: str) -> tuple[str, ...]:
        """RDAP base URLs for a TLD (empty when none is known)."""
        return self.rdap_by_tld.get(_tld_key(tld), ())

    def is_known(self, tld: str) -> bool:
        return _tld_key(tld) in self.by_tld


def _unknown(tld: str) -> Registry:
    return Registry(
        id=f"{UNKNOWN_PREFIX}{tld}",
        name=f"Registry for .{tld} (not in the registry table: name and address to be confirmed)",
        address=(),
        tlds=(tld,),
        rdap=(),
        source="not in the bundled registry table",
    )


@functools.cache
def _load_bundled() -> RegistryTable:
    text = resource("registries.json").read_text(encoding="utf-8")
    return RegistryTable.from_json(json.loads(text))
