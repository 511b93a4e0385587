"""Renew bundles (archive timestamps), and tell which of a case's bundles should be renewed.

A bundle's timestamp proves when it was sealed only while its authority's
certificate and algorithms hold; ``renew`` adds an archive timestamp over the
bundle's signature, tokens and validation data before that lapses (see
``app.bundle.archive``). Which bundles a case has, and what their last
timestamp was, comes from the case's custody log: each "bundle built" and
"bundle renewed" entry records the timestamp's time, authority, the expiry of
the authority's certificate and its algorithms. The rule (also in the
README): renew when that certificate expires within 180 days or has expired,
or when an algorithm is on the weak list.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.bundle.archive import RENEW_BEFORE, renewal_due
from app.bundle.renew import RenewedBundle, renew_bundle
from app.bundle.timestamp import TimestampError, TimestampFacts
from app.core.changes import LOGGED, Changes
from app.core.reporting import NULL_REPORTER, Reporter
from app.ops.identity import machine_trust
from app.ops.settings import configured_timestamper
from app.store import CaseFile

NO_CHANGES = Changes()  # a renewal without a case changes nothing the window shows

__all__ = ["RENEW_BEFORE", "RenewResult", "Renewal", "bundles_to_renew", "renew", "timestamp_details"]


@dataclass(frozen=True)
class RenewResult:
    """The renewed bundle and its new archive timestamp."""

    renewed: RenewedBundle
    changes: Changes = NO_CHANGES  # LOGGED when the renewal was recorded in a case


@dataclass(frozen=True)
class Renewal:
    """One of a case's bundles that should be renewed, and why."""

    bundle: str  # the bundle's file name, as the custody log records it
    reason: str


def timestamp_details(facts: TimestampFacts) -> dict[str, Any]:
    """What a custody entry records of a bundle's last timestamp (all a renewal rule needs)."""
    return {"time": facts.time.isoformat(), "authority": facts.authority,
            "authority_not_valid_after": facts.authority_not_valid_after.isoformat(),
            "hash_algorithm": facts.hash_algorithm, "key": facts.signature_algorithm}


def renew(
    bundle: Path,
    tsa_urls: Sequence[str] = (),
    *,
    out: Path | None = None,
    in_place: bool = False,
    case: CaseFile | None = None,
    reporter: Reporter = NULL_REPORTER,
) -> RenewResult:
    """Add an archive timestamp to ``bundle`` from ``tsa_urls`` (else the settings' authorities).

    With ``case``, the renewal is recorded in its custody log, so the case knows the bundle's new
    timestamp (and stops asking for a renewal).
    """
    timestamper = configured_timestamper(tsa_urls, known=machine_trust().certificates)
    if timestamper is None:
        raise TimestampError("no timestamp authority: give one with --tsa URL, or set one under Preferences")
    renewed = renew_bundle(bundle, timestamper, out=out, in_place=in_place, reporter=reporter)
    if case is None:
        return RenewResult(renewed)
    case.record_bundle_renewed({
        "bundle": renewed.path.name, "renewed_from": Path(bundle).name, "archive_timestamp": renewed.number,
        "added": list(renewed.added), "timestamp": timestamp_details(renewed.timestamp),
    })
    return RenewResult(renewed, LOGGED)


def bundles_to_renew(case: CaseFile, now: datetime.datetime | None = None) -> list[Renewal]:
    """The case's timestamped bundles whose last timestamp should be renewed now (see the module docstring)."""
    now = now or datetime.datetime.now(datetime.UTC)
    latest: dict[str, dict[str, Any]] = {}
    for entry in case.custody():
        if entry.action not in ("bundle-built", "bundle-renewed"):
            continue
        details = entry.details or {}
        name = details.get("bundle")
        if not isinstance(name, str):
            continue
        renewed_from = details.get("renewed_from")
        if isinstance(renewed_from, str) and renewed_from != name:
            latest.pop(renewed_from, None)  # the renewed copy carries the proof on
        latest[name] = details
    found: list[Renewal] = []
    for name, details in latest.items():
        stamp = details.get("timestamp")
        if not isinstance(stamp, dict):
            continue  # never timestamped (or by a version that did not record it): nothing to renew
        try:
            not_after = datetime.datetime.fromisoformat(str(stamp["authority_not_valid_after"]))
        except (KeyError, ValueError):
            continue
        reason = renewal_due(not_after, str(stamp.get("hash_algorithm", "")), str(stamp.get("key", "")), now)
        if reason:
            found.append(Renewal(name, reason))
    return found
