"""The sample case, end to end: create, import, list domains, sign, build.

The sample in ``resources/sample/`` is fictional and says so on every page.
It is signed with a throwaway identity labelled DEMO, kept in the output
folder, so that the demo never touches the user's own keys.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core.errors import CaseFileError
from app.core.model import CaseInfo, Counsel, ItemKind, Party, PartyRole
from app.core.paths import resource
from app.core.reporting import NULL_REPORTER, Reporter
from app.store import CASE_SUFFIX, CaseFile

from .build import BuildResult, build_case
from .identity import signing_identity
from .intake import add_domains, import_file
from .paragraphs import confirm_paragraph, edit_paragraph
from .parties import add_party, set_counsel
from .redactions import decide_redactions, list_redactions
from .support import add_support
from .sworn import choose_sworn

DEMO_PASSPHRASE = "demo-only-not-secret"  # noqa: S105 - the throwaway DEMO identity, kept beside the demo
DEMO_IDENTITY_FOLDER = "demo-identity"


@dataclass(frozen=True)
class DemoResult:
    case_path: Path
    build: BuildResult
    identity_dir: Path
    items: int
    domains: int


def run_demo(out_dir: Path, *, reporter: Reporter = NULL_REPORTER) -> DemoResult:
    """Build the fictional sample case into ``out_dir`` (created if needed)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    spec = json.loads(resource("sample", "case.json").read_text(encoding="utf-8"))
    known = {f.name for f in fields(CaseInfo)}
    info = CaseInfo(case_id="", **{k: v for k, v in spec.items() if k in known and k != "case_id"})
    # Papers cannot be executed before the evidence they describe was acquired, and the demo
    # acquires it now: the sample is dated the day it runs (unless case.json names a later day).
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    info = replace(info, fictional=True, bundle_date=max(info.bundle_date, today))
    case_path = out_dir / f"{info.slug}{CASE_SUFFIX}"
    _clear_previous_demo(case_path, out_dir / DEMO_IDENTITY_FOLDER)

    with CaseFile.create(case_path, info, actor=info.declarant or None) as case:
        items = spec.get("items", [])
        with tempfile.TemporaryDirectory(prefix="evbundle-sample-") as tmp:
            for index, entry in enumerate(items):
                reporter.progress(index, len(items), "Importing the sample evidence")
                # Copy out of the package first: the importer records the path it read.
                source = resource("sample", *entry["file"].split("/"))
                local = Path(tmp) / Path(entry["file"]).name
                local.write_bytes(source.read_bytes())
                import_file(
                    case, local, forced_kind=ItemKind(entry["kind"]) if entry.get("kind") else None,
                    metadata=entry.get("metadata") or {}, description=entry.get("description"),
                )
        domains_text = resource("sample", spec.get("domains_file", "domains.txt")).read_text("utf-8")
        add_domains(case, domains_text, source="sample domains.txt")
        sample_decisions(case, spec)
        identity = signing_identity(
            DEMO_PASSPHRASE, name=f"{info.declarant or 'Sample Investigator'} (DEMO)",
            organisation=info.organisation or "Fictional sample", label="DEMO",
            directory=out_dir / DEMO_IDENTITY_FOLDER,
        )
        result = build_case(case, out_dir, identity, reporter=reporter)
        return DemoResult(case_path, result, out_dir / DEMO_IDENTITY_FOLDER,
                          case.count_items(), case.count_domains())


def sample_decisions(case: CaseFile, spec: dict[str, Any]) -> None:
    """What the people on the sample case decided, each through its op (so each is logged): the
    parties and counsel, the support links only the declarant can give, the Rule 5.2 decisions,
    the typed details stated under oath (who captured each screenshot), the paragraphs only a
    person can write, and the declarant's confirmation of those paragraphs' facts."""
    for entry in spec.get("parties", []):
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items() if k != "role"}
        add_party(case, Party(0, PartyRole(entry["role"]), **values))
    if spec.get("counsel"):
        counsel: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in spec["counsel"].items()}
        set_counsel(case, Counsel(**counsel))
    by_file = {item.original_name: item.id for _, item, _ in case.exhibits()}
    subdomains = [d.ascii for d in case.domains() if d.is_subdomain]
    for link in spec.get("support", []):
        domains = subdomains if link["domains"] == "appendix-b" else link["domains"]
        add_support(case, domains, by_file[Path(link["exhibit_file"]).name], link["note"])
    decisions = spec.get("rule_5_2", {})
    rows = list_redactions(case)
    for decision in ("confirm", "dismiss"):
        ids = [r.candidate.id for r in rows if r.candidate.text in decisions.get(decision, [])]
        if ids:
            decide_redactions(case, ids, decision)
    for file_name, chosen in spec.get("sworn", {}).items():
        choose_sworn(case, by_file[Path(file_name).name], chosen)
    for key, text in spec.get("paragraphs", {}).items():
        edit_paragraph(case, key, text)
    for key in spec.get("confirmed", []):  # the (fictional) declarant confirms the facts no exhibit shows
        confirm_paragraph(case, key)


def _clear_previous_demo(case_path: Path, identity_dir: Path) -> None:
    """Replace an earlier demo run, but never a real case that happens to share the name."""
    if case_path.exists():
        try:
            with CaseFile.open(case_path) as old:
                fictional = old.info().fictional
        except CaseFileError:
            fictional = False
        if not fictional:
            raise CaseFileError("a case that is not the sample case is already here; choose another folder",
                                path=case_path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{case_path}{suffix}").unlink(missing_ok=True)
    if identity_dir.exists():
        shutil.rmtree(identity_dir)
