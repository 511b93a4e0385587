"""Opening, creating and checking a case file: how both front ends get hold of a case.

The :class:`~app.store.CaseFile` they get back is their handle on the case:
they read through its public methods and make every change through an
operation of this package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import idna

from app.core.changes import Changes
from app.core.errors import CaseFileError, EvidenceError
from app.core.model import CaseInfo
from app.core.reporting import NULL_REPORTER, Reporter
from app.store import CASE_SUFFIX, CaseFile, CheckProblem

__all__ = ["CASE_SUFFIX", "CaseCheck", "CaseEdited", "CaseFile", "check_case", "create_case", "edit_case",
           "ensure_writable", "open_case"]


def open_case(path: Path, *, actor: str | None = None) -> CaseFile:
    """Open a case file (migrated to this version's schema); CaseFileError when it cannot be."""
    return CaseFile.open(path, actor=actor)


def create_case(path: Path, info: CaseInfo, *, actor: str | None = None) -> CaseFile:
    """Create a new case file; never over an existing file."""
    return CaseFile.create(path, info, actor=actor)


def ensure_writable(case: CaseFile, doing: str) -> None:
    """Refuse, before any work, an operation that must write to a case that cannot be written here (a
    read-only folder or file, a write-protected drive): its custody entry could not be recorded."""
    reason = case.read_only_reason()
    if reason is not None:
        raise CaseFileError(f"cannot {doing}: {reason}, and it must record what it does in the case's custody "
                            "log; nothing was changed. Copy the case file to a folder you can write to",
                            path=case.path)


@dataclass(frozen=True)
class CaseCheck:
    """What ``check`` found: every problem, and how many items were checked."""

    problems: list[CheckProblem]
    items: int


def check_case(path: Path, *, reporter: Reporter = NULL_REPORTER) -> CaseCheck:
    """Re-hash every stored object, check the custody chain and the database."""
    with CaseFile.open(path) as case:
        return CaseCheck(case.check(reporter=reporter), case.count_items())


@dataclass(frozen=True)
class CaseEdited:
    """The case's details as they now read."""

    info: CaseInfo
    changes: Changes


REMEDIES = ("hold", "redirect")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def host_name(text: str) -> str:
    """A name server's host name as DNS writes it (lower case, A-labels, no trailing dot); refused when it
    is not one."""
    name = text.strip().rstrip(".").lower()
    try:
        ascii_name = idna.encode(name, uts46=True).decode("ascii") if not name.isascii() else name
    except idna.IDNAError as exc:
        raise EvidenceError("not a host name", found=text) from exc
    labels = ascii_name.split(".")
    if len(labels) < 2 or len(ascii_name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise EvidenceError("not a host name (e.g. ns1.sinkhole.example.net)", found=text)
    return ascii_name


def edit_case(case: CaseFile, **details: object) -> CaseEdited:
    """Change case details (title, number, declarant, the timestamp choice, the order's remedy and
    sinkhole name servers…); each change is logged with its old and new value, in one change to the case."""
    if "remedy" in details and details["remedy"] not in REMEDIES:
        raise EvidenceError("unknown remedy", expected=" or ".join(REMEDIES), found=str(details["remedy"]))
    if "sinkhole_nameservers" in details:
        given = details["sinkhole_nameservers"]
        names = [str(name) for name in given] if isinstance(given, list | tuple) else [str(given)]
        details["sinkhole_nameservers"] = tuple(dict.fromkeys(host_name(n) for n in names if n.strip()))
    before = case.info()
    after = case.update_info(**details)
    return CaseEdited(after, Changes.to_case(case=True) if after != before else Changes())
