"""The papers a check run gives: its report (PDF + CSV), the follow-up letters, the status report to the court.

- ``precheck-<time>.pdf/.csv``: each domain's facts and flags before filing, and the
  collateral-damage flags;
- ``compliance-<time>.pdf/.csv``: the compliance exhibit, each domain's verdict with
  what the registry and the zone showed, when, and which exhibits hold the replies;
- ``compliance-letter-NN-<registry>.pdf/.docx``: to each registry that has not fully
  complied, listing its domains and what is still missing;
- ``compliance-status-report.pdf/.docx``: the status report to the court, drafted
  from the observations, for counsel to edit and file.

Each is a firm-editable template in ``templates/`` (``precheck_report``, ``compliance_report``,
``compliance_letter``, ``compliance_status_report``) rendered through the same document
model and renderers as the filing set. Writing them is logged with every file's SHA-256.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.core.errors import EvidenceError
from app.core.files import atomic_output, write_atomic
from app.core.text import file_slug
from app.documents import load_profile, render_docx_bytes, render_pdf_bytes
from app.documents.parties_facts import party_facts
from app.documents.profile import CourtProfile
from app.documents.template import render_document
from app.documents.wording import long_date
from app.sources.takedown import DomainState
from app.store import CaseFile

from .checks import CheckRun, write_run_csv
from .parties import PartyRole, case_parties


def remedy_words(remedy: str, sinkholes: Sequence[str]) -> str:
    """What the order asks of a registry for each domain, as a letter or report says it."""
    servers = ", ".join(sinkholes)
    if remedy == "redirect":
        return f"change its authoritative name servers to the sinkhole name servers ({servers or 'to be named'})"
    words = "take it out of the domain name system by setting the registry status serverHold"
    return words + (f" (or, at the plaintiff’s election, change its name servers to {servers})" if servers else "")


def _slug(name: str) -> str:
    return file_slug(name)


def _stamp(run: CheckRun) -> str:
    return (run.finished_at or run.started_at)[:19].replace("-", "").replace(":", "") + "Z"


def _utc(value: str) -> str:
    return value[:19].replace("T", " ") + " UTC" if value else ""


def _span(start: str, end: str) -> str:
    """"between 19:07:33 and 19:09:12 UTC on December 4, 2026" (or across days, each with its date)."""
    if not start or not end:
        return f"at {_utc(start or end)}" if (start or end) else ""
    if start[:10] == end[:10]:
        return f"between {start[11:19]} and {end[11:19]} UTC on {long_date(start[:10])}"
    return f"between {start[11:19]} UTC on {long_date(start[:10])} and {end[11:19]} UTC on {long_date(end[:10])}"


def case_facts(case: CaseFile, profile: CourtProfile) -> dict[str, Any]:
    """Court, caption, declarant and counsel, as the templates name them (the caption include's keys)."""
    info = case.info()
    parties = case_parties(case)
    plaintiffs = [p for p in parties if p.role is PartyRole.PLAINTIFF]
    defendants = [p.caption_name for p in parties if p.role is PartyRole.DEFENDANT]
    plaintiff = "; ".join(p.caption_name for p in plaintiffs) or info.plaintiff or info.organisation or "[PLAINTIFF]"
    counsel = case.counsel()
    return {
        "parties": party_facts(parties),  # what the shared caption prints (caption.xml.j2)
        "court": {"name": profile.name, "lines": list(profile.court_lines), "division": profile.division,
                  "case_number_label": profile.case_number_label, "sealed_legend": profile.sealed_legend},
        "case": {"title": info.title, "number": info.case_number or profile.blank_case_number,
                 "plaintiff": plaintiff,
                 "plaintiff_short": plaintiffs[0].name if plaintiffs else plaintiff.split(",")[0],
                 "defendants": [f"{d};" for d in defendants[:-1]] + defendants[-1:] or ["JOHN DOES 1-10"],
                 "sealed": info.sealed, "fictional": info.fictional,
                 "legend": profile.fictional_legend if info.fictional else ""},
        "declarant": {"name": info.declarant or "[NAME]", "title": info.declarant_title or "[TITLE]",
                      "organisation": info.organisation or plaintiff},
        "counsel": {"is_set": counsel.is_set, "name": counsel.name or "[COUNSEL]", "bar_number": counsel.bar_number,
                    "firm": counsel.firm, "address": list(counsel.address), "phone": counsel.phone,
                    "email": counsel.email, "for_party": counsel.for_party},
    }


def run_facts(run: CheckRun) -> dict[str, Any]:
    counts = run.counts()
    return {
        "kind": run.kind, "started": _utc(run.started_at), "finished": _utc(run.finished_at),
        "span": _span(run.started_at, run.finished_at),
        "date": long_date((run.finished_at or run.started_at)[:10]),
        "iso_date": (run.finished_at or run.started_at)[:10],
        "since": long_date(run.since[:10]) if run.since else "",
        "hearing": long_date(run.hearing) if run.hearing else "",
        "remedy": run.remedy, "remedy_words": remedy_words(run.remedy, run.sinkholes), "sinkholes": list(run.sinkholes),
        "domains": len(run.states), "replies": run.replies,
        "complied": counts.get("complied", 0), "partly": counts.get("partly", 0),
        "not_yet": counts.get("not-yet", 0), "ready": counts.get("ready", 0),
        "not_ready": counts.get("not-ready", 0),
        "servers": [{"server": p.server, "rate": p.rate, "queries": p.queries, "throttled": p.throttled,
                     "waited": round(p.waited), "gave_up": p.gave_up} for p in run.paces],
        "failures": [{"name": n, "kind": k, "reason": r} for n, k, r in run.failures[:200]],
        "more_failures": max(0, len(run.failures) - 200),
    }


def _row(run: CheckRun, state: DomainState) -> dict[str, Any]:
    shown = state.domain if state.unicode == state.domain else f"{state.domain} ({state.unicode})"
    exhibits = run.exhibit_labels(state)
    return {
        "domain": shown, "registry": state.registry,
        "registered": {True: "yes", False: "NO", None: "unknown"}[state.registered],
        "resolving": {True: "yes", False: "no", None: "unknown"}[state.resolving],
        "statuses": ", ".join(state.statuses) or "none", "name_servers": ", ".join(state.name_servers) or "none",
        "delegation": ", ".join(state.delegation) or ("none" if state.resolving is not None else "not asked"),
        "registrar": state.registrar, "created": state.created[:10], "expires": state.expires[:10],
        "verdict": state.verdict.replace("-", " "), "how": state.how, "missing": list(state.missing),
        "observed": _utc(state.observed_at), "exhibits": ", ".join(str(n) for n in exhibits),
        "flags": [f.code for f in state.flags],
        "findings": [{"severity": f.severity, "message": f.message} for f in state.flags
                     if f not in run.collateral],  # those are listed once, in their own table
    }


def _write(path: Path, data: bytes) -> Path:
    write_atomic(path, data)
    return path


def _write_csv(path: Path, run: CheckRun) -> Path:
    with atomic_output(path) as temp, open(temp, "wb") as out:
        write_run_csv(run, out)
    return path


def _render(template: str, context: dict[str, Any], profile: CourtProfile, out: Path, stem: str,
            formats: Sequence[str]) -> list[Path]:
    document = render_document(template, context)
    written = []
    if "pdf" in formats:
        written.append(_write(out / f"{stem}.pdf", render_pdf_bytes(document, profile)))
    if "docx" in formats:
        written.append(_write(out / f"{stem}.docx", render_docx_bytes(document, profile)))
    return written


def _prepare(case: CaseFile, out: Path) -> CourtProfile:
    out.mkdir(parents=True, exist_ok=True)
    if not out.is_dir():
        raise EvidenceError("not a folder", path=out)
    return load_profile(case.info().court)


def _logged(case: CaseFile, run: CheckRun, paths: list[Path]) -> list[Path]:
    case.record_check_papers_written({
        "kind": run.kind, "run_finished_at": run.finished_at,
        "files": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}})
    return paths


def write_precheck_report(case: CaseFile, run: CheckRun, out: Path) -> list[Path]:
    """The pre-filing report: PDF (for the file) and CSV (every row, for a spreadsheet)."""
    profile = _prepare(case, out)
    stem = f"precheck-{_stamp(run)}"
    context = {**case_facts(case, profile), "run": run_facts(run), "rows": [_row(run, s) for s in run.states],
               "collateral": [f.as_json() | {"hint": f.hint} for f in run.collateral], "csv_file": f"{stem}.csv"}
    paths = [_write_csv(out / f"{stem}.csv", run)]
    paths += _render("precheck_report.xml.j2", context, profile, out, stem, ("pdf",))
    return _logged(case, run, paths)


def registry_groups(run: CheckRun) -> list[dict[str, Any]]:
    """The run's domains by registry, each with its counts and rows, registries by name."""
    groups: dict[str, dict[str, Any]] = {}
    for state in run.states:
        group = groups.setdefault(state.registry_id, {"name": state.registry, "rows": [], "complied": 0,
                                                      "partly": 0, "not_yet": 0, "last": ""})
        group["rows"].append(_row(run, state))
        group[state.verdict.replace("-", "_")] += 1
        group["last"] = max(group["last"], state.observed_at)
    result = sorted(groups.items(), key=lambda g: (g[1]["name"].lower(), g[0]))
    return [{**g, "id": rid, "count": len(g["rows"]), "last": _utc(g["last"])} for rid, g in result]


def write_compliance_papers(case: CaseFile, run: CheckRun, out: Path, *, formats: Sequence[str] = ("pdf", "docx"),
                            ) -> list[Path]:
    """The compliance exhibit (PDF + CSV), a follow-up letter to each registry that has not fully complied,
    and the status report to the court (PDF + DOCX: counsel edit them)."""
    profile = _prepare(case, out)
    stem = f"compliance-{_stamp(run)}"
    groups = registry_groups(run)
    facts = case_facts(case, profile)
    context = {**facts, "run": run_facts(run), "groups": groups, "csv_file": f"{stem}.csv",
               "report_file": f"{stem}.pdf"}
    paths = [_write_csv(out / f"{stem}.csv", run)]
    paths += _render("compliance_report.xml.j2", context, profile, out, stem, ("pdf",))
    table = _registry_addresses(case)
    behind = [g for g in groups if g["partly"] or g["not_yet"]]
    for index, group in enumerate(behind, start=1):
        registry = {**group, "address": table.get(group["id"], ()),
                    "rows": [r for r in group["rows"] if r["verdict"] != "complied"]}
        paths += _render("compliance_letter.xml.j2", {**context, "registry": registry}, profile, out,
                         f"compliance-letter-{index:02d}-{_slug(group['name'])}", formats)
    paths += _render("compliance_status_report.xml.j2", {**context, "behind": behind}, profile, out,
                     "compliance-status-report", formats)
    return _logged(case, run, paths)


def _registry_addresses(case: CaseFile) -> dict[str, tuple[str, ...]]:
    from .domains import registry_table

    table = registry_table(case)
    return {rid: table.get(rid).address for rid in case.registry_ids_in_use()}
