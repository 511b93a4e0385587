"""The pre-filing review: what stands between the case and a fileable set of papers.

A check is a plain function ``(case) -> list[Problem]``, registered in :data:`CHECKS`;
any module can add one (the order's and the compliance checks join the list the same
way). A :class:`Problem` is "blocking" (the filing documents are refused until it is
fixed, unless the user asks for a draft, which says DRAFT on every page) or a "warning"
(look at it). ``evbundle review`` and the window show the same list; ``export`` and
``build`` call :func:`require_fileable` before writing filing documents.

The checks here: every listed domain supported by an exhibit; no prompt left in the
declaration, no paragraph of facts no exhibit shows that the declarant has not confirmed, and no
bracketed placeholder in what is sworn; the parties, declarant and
place of signing given; no date the papers state or the custody log records after the
date of execution, and the signer's certificate valid on it; every Rule 5.2 candidate
decided; every claim the drafted declaration makes about an exhibit found in that
exhibit's text; the domains' own checks (registry, duplicates, records' age); the newest lookup or
capture no older than the court profile allows on the day of execution; the pre-filing
check's findings from the records (registration, holds, collateral damage); and the order side's
checks (a sealed case's sealing papers, the remedy, the registries' directions).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509

from app.core.changes import Changes
from app.core.errors import EvidenceError
from app.core.model import ItemKind, ParseStatus, PartyRole, Problem, SupportKind
from app.documents.exhibit_content import exhibit_text
from app.documents.inputs import DeclarationInput
from app.documents.profile import load_profile
from app.documents.redaction import redact_message, redactor
from app.documents.support import supported
from app.documents.wording import exhibit_labels
from app.store import CaseFile

MAX_LISTED = 25  # problems of one kind named one by one; the rest counted in one more line
DEFAULT_MAX_RECORD_AGE_DAYS = 30
PLACEHOLDER = re.compile(r"\[(?:NAME|TITLE|EMPLOYER|DATE|CITY, STATE|PLAINTIFF|DEFENDANT|description)\]")


Check = Callable[[CaseFile], list[Problem]]


@dataclass(frozen=True)
class Review:
    """Everything the checks found, blocking problems first."""

    problems: list[Problem]
    changes: Changes = field(default_factory=Changes)  # a review changes nothing

    @property
    def blocking(self) -> list[Problem]:
        return [p for p in self.problems if p.blocking]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.blocking]


class FilingBlocked(EvidenceError):
    """Filing documents refused while the review finds blocking problems."""

    def __init__(self, case: CaseFile, problems: list[Problem]) -> None:
        named = "; ".join(str(p) for p in problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5
                                                            else "")
        super().__init__(f"not fileable yet: the pre-filing review found {len(problems)} blocking "
                         f"problem{'s' if len(problems) != 1 else ''} ({named}). Fix them, or make a draft, which "
                         "says DRAFT on every page", path=case.path)
        self.problems = problems


# -- what the checks share within one review -------------------------------------------------

@dataclass
class _Context:
    bundle_date: str | None = None
    signer: x509.Certificate | None = None
    max_record_age_days: int = DEFAULT_MAX_RECORD_AGE_DAYS
    cache: dict[str, Any] = field(default_factory=dict)


_CONTEXT: contextvars.ContextVar[_Context | None] = contextvars.ContextVar("review_context", default=None)


@contextmanager
def _reviewing(context: _Context) -> Iterator[None]:
    token = _CONTEXT.set(context)
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def _context() -> _Context:
    return _CONTEXT.get() or _Context()


def _cached(name: str, make: Callable[[], Any]) -> Any:
    context = _CONTEXT.get()
    if context is None:
        return make()
    if name not in context.cache:
        context.cache[name] = make()
    return context.cache[name]


def _input(case: CaseFile) -> DeclarationInput:
    from app.ops.filing import declaration_input

    return _cached("input", lambda: declaration_input(case, bundle_date=_context().bundle_date))  # type: ignore[no-any-return]


def _execution_date(case: CaseFile) -> dt.date:
    return dt.date.fromisoformat(_input(case).case.bundle_date)


# -- the checks ------------------------------------------------------------------------------

def check_parties(case: CaseFile) -> list[Problem]:
    """The caption's parties are data: a plaintiff and a defendant, each with its entity form."""
    from app.ops.parties import case_parties

    parties = case_parties(case)
    problems: list[Problem] = []
    for role in (PartyRole.PLAINTIFF, PartyRole.DEFENDANT):
        if not any(p.role is role for p in parties):
            problems.append(Problem("blocking", f"no-{role.value}", f"no {role.value} is named; add one with "
                                    f"'evbundle parties CASE add {role.value} --name ...'", "parties", "details"))
    for party in parties:
        if not party.doe and not party.entity_form:
            problems.append(Problem("warning", "no-entity-form", f"{party.name} has no entity form (\"a Washington "
                                    "corporation\", \"an individual\"); the caption names it without one",
                                    f"party {party.id}" if party.id else party.name, "details"))
    return problems


def check_declarant(case: CaseFile) -> list[Problem]:
    """Who declares, as what, for whom, and where: never a bracketed blank in sworn text."""
    info = case.info()
    missing = [label for label, value in (("the declarant's name", info.declarant),
                                          ("the declarant's title", info.declarant_title),
                                          ("the declarant's employer", info.organisation),
                                          ("the place of signing", info.signing_place)) if not value.strip()]
    return [Problem("blocking", "declarant-missing", f"{label} is not set ('evbundle details CASE ...')", "details",
                    "details") for label in missing]


def check_support(case: CaseFile) -> list[Problem]:
    """Every domain Appendix A or B lists is shown to belong there by at least one exhibit."""
    inp = _input(case)
    exhibit_items = {e.item.id for e in inp.exhibits}
    backed = supported(link for link in inp.support if link.item_id in exhibit_items)
    missing = [d.ascii for d in sorted(inp.domains, key=lambda d: (d.is_subdomain, d.registrable, d.ascii))
               if d.ascii not in backed]
    shown_only = _display_text_only(inp, set(missing), exhibit_items)
    problems = [shown_only[name] if name in shown_only else
                Problem("blocking", "unsupported-domain", "no exhibit shows that it belongs in the order", name,
                        f"domain:{name}") for name in missing[:MAX_LISTED]]
    if len(missing) > MAX_LISTED:
        problems.append(Problem("blocking", "unsupported-domain", f"and {len(missing) - MAX_LISTED} more listed "
                                "domains without an exhibit ('evbundle support CASE list --unsupported')",
                                "domains"))
    if missing:
        problems.append(Problem("blocking", "unsupported-domain", "add the evidence, or link each domain to the "
                                "exhibit that shows it with the declarant's statement ('evbundle support CASE add "
                                "DOMAIN... --exhibit N --note TEXT'), or take it out of the appendices", "domains"))
    return problems


UNSUBSCRIBE = re.compile(r"unsubscri|opt[ -]?out|stop receiving|remove (?:me|yourself)|manage (?:your )?"
                         r"(?:subscription|preferences)", re.IGNORECASE)
STRONG_SUPPORT = {SupportKind.RECORD, SupportKind.REGISTRANT, SupportKind.CAPTURE, SupportKind.NAME_SERVERS}


def check_thin_support(case: CaseFile) -> list[Problem]:
    """For counsel's decision: a listed domain whose only support is one mention in one exhibit (one spam, one
    statement), or only an unsubscribe or tracking link or an image a spam loads (typical of a third-party
    mailing service). Not blocking: counsel may have more; but a judge reads these as thin."""
    from app.documents.support import listed_ancestors, mail_links

    inp = _input(case)
    profile = load_profile(inp.case.court)
    entries = {e.item.id: e for e in inp.exhibits}
    backed = supported(link for link in inp.support if link.item_id in entries)
    listed = {d.ascii for d in inp.domains}
    parents = {d.ascii: d.registrable for d in inp.domains if d.is_subdomain}
    texts: dict[int, str] = {}
    single: list[Problem] = []
    tracking: list[Problem] = []
    grouped: dict[tuple[str, str], list[str]] = {}  # Appendix B subdomains on one exhibit: one line per parent
    for domain in sorted(backed, key=lambda d: (d in parents, d)):
        links = backed[domain]
        if any(link.how in STRONG_SUPPORT for link in links):
            continue
        spam = [link for link in links if link.how is SupportKind.ADVERTISED]
        if spam and len(spam) == len(links) and all(
                _tracking(case, entries[link.item_id], domain, listed, texts, mail_links, listed_ancestors)
                for link in spam):
            labels = sorted({entries[link.item_id].number for link in spam})
            tracking.append(Problem("warning", "tracking-link-only", "the only exhibits for it ("
                                    + ", ".join(profile.exhibit_label(n) for n in labels) + ") show it as an "
                                    "unsubscribe or tracking link or an image the message loads, typical of a "
                                    "third-party mailing service: for counsel's decision before it is seized",
                                    domain, f"domain:{domain}"))
        elif len({link.item_id for link in links}) == 1:
            label = profile.exhibit_label(entries[links[0].item_id].number)
            what = "one e-mail message" if spam else "one exhibit"
            if domain in parents:
                grouped.setdefault((parents[domain], label), []).append(domain)
                continue
            single.append(Problem("warning", "single-mention", f"only {what} mentions it ({label}); no "
                                  "registration record, capture or other exhibit shows that the Defendants use it: "
                                  "for counsel's decision (look it up, capture it, or take it out)",
                                  domain, f"domain:{domain}"))
    for (parent, label), names in grouped.items():
        single.append(Problem("warning", "single-mention", f"{len(names)} of its subdomains listed in Appendix B ("
                              f"{', '.join(names[:3])}{', ...' if len(names) > 3 else ''}) rest only on one exhibit "
                              f"({label}); nothing shows they are registered in its zone or used by the Defendants "
                              "beyond it: for counsel's decision", parent, f"domain:{parent}"))
    out: list[Problem] = []
    for found in (tracking, single):
        out += found[:MAX_LISTED]
        if len(found) > MAX_LISTED:
            out.append(Problem("warning", found[0].code, f"and {len(found) - MAX_LISTED} more listed domains "
                               "like these ('evbundle support CASE list')", "domains"))
    return out


def _tracking(case: CaseFile, entry: Any, domain: str, listed: set[str], texts: dict[int, str],
              mail_links: Callable[..., Any], listed_ancestors: Callable[..., list[str]]) -> bool:
    """Whether every link of this exhibit to ``domain`` is an image it loads or an unsubscribe/tracking link
    (by the words just before it in the exhibit's text, or in its address)."""
    from app.ops.message_views import message_view

    if entry.item.id not in texts:
        view = message_view(entry.item, case.read_object(entry.item.sha256))
        texts[entry.item.id] = "" if view is None else f"{view.body}\n{view.html_text}"
    text = texts[entry.item.id]
    targets = [(host, source) for host, source in mail_links(entry.item.record or {})[0]
               if domain in listed_ancestors(host, listed)]
    urls = [str(link.get("url") or "") for link in (entry.item.record or {}).get("links") or []
            if isinstance(link, dict)]
    for host, source in targets:
        if source == "src":
            continue
        spots = [url for url in urls if f"//{host}" in url.lower()]
        contexts = [url for url in spots if UNSUBSCRIBE.search(url)]
        for marker in [*spots, f"-> {host}]"]:
            start = text.find(marker)
            while start >= 0:
                contexts.append(text[max(0, start - 60):start])
                start = text.find(marker, start + 1)
        if not any(UNSUBSCRIBE.search(c) for c in contexts):
            return False
    return bool(targets)


def _display_text_only(inp: DeclarationInput, missing: set[str], exhibit_items: set[int]) -> dict[str, Problem]:
    """A domain whose only support is a spam showing it as the visible text of a link that leads elsewhere:
    the mark of an impersonated name (often a victim's), not of a domain the defendants use."""
    from app.documents.support import mail_links

    profile = load_profile(inp.case.court)
    entries = {e.item.id: e for e in inp.exhibits}
    out: dict[str, Problem] = {}
    for link in inp.support:
        if (link.how is not SupportKind.DISPLAY_TEXT or link.removed or link.domain not in missing
                or link.item_id not in exhibit_items or link.domain in out):
            continue
        entry = entries[link.item_id]
        targets = [t for shown, t in mail_links(entry.item.record or {})[1] if shown == link.shows]
        out[link.domain] = Problem(
            "blocking", "display-text-only", f"{profile.exhibit_label(entry.number)} shows it only as the visible "
            f"text of a link ({link.shows}) that leads to {', '.join(targets) or 'another host'}: display text is "
            "not evidence that the Defendants use the domain (spam shows impersonated names this way). Add evidence "
            "that it is used, or take it out of the appendices", link.domain, f"domain:{link.domain}")
    return out


def _paragraphs(case: CaseFile) -> list[Any]:
    from app.documents.drafting import declaration_paragraphs

    inp = _input(case)
    return _cached("paragraphs", lambda: declaration_paragraphs(inp, load_profile(inp.case.court)))  # type: ignore[no-any-return]


def check_prompts(case: CaseFile) -> list[Problem]:
    """No "[PROMPT: ...]" left: what only a person can write has been written."""
    return [Problem("blocking", "prompt-not-replaced", "the declaration still holds a prompt: "
                    f"{p.text[:90]}... Replace it with the facts ('evbundle paragraphs CASE edit {p.key} TEXT')",
                    p.key, f"paragraph:{p.key}")
            for p in _paragraphs(case) if not p.removed and p.is_prompt]


def check_unconfirmed(case: CaseFile) -> list[Problem]:
    """No paragraph states facts no exhibit shows (counsel's words in place of a prompt, one counsel added)
    unless the declarant confirmed its words: until then it is printed with the conspicuous mark."""
    return [Problem("blocking", "paragraph-unconfirmed", "no exhibit shows the facts of this paragraph and the "
                    f"declarant has not confirmed them: {' '.join(p.text.split())[:90]}... Have the declarant "
                    f"confirm it ('evbundle paragraphs CASE confirm {p.key}')",
                    p.key, f"paragraph:{p.key}")
            for p in _paragraphs(case) if p.unconfirmed]


def check_placeholders(case: CaseFile) -> list[Problem]:
    """No bracketed blank ("[TITLE]", "[CITY, STATE]") in the declaration or the certification."""
    from app.documents.declaration import build_declaration
    from app.documents.filing_documents import build_filing_document

    inp = _input(case)
    profile = load_profile(inp.case.court)
    problems: list[Problem] = []
    documents = (("declaration", build_declaration(inp, profile)),
                 ("certification", build_filing_document(inp, profile, "03-certification-fre-902-13-14")))
    for name, document in documents:
        found = sorted(set(PLACEHOLDER.findall(document.text())))
        problems += [Problem("blocking", "placeholder", f"the {name} prints the blank {blank}; give the fact it "
                             "stands for", name) for blank in found]
    if "[PROMPT:" in documents[1][1].text():
        problems.append(Problem("blocking", "qualifications-missing", "the certification asks for the declarant's "
                                "training and experience; give them ('evbundle details CASE "
                                "--declarant-qualifications TEXT')", "certification", "details"))
    return problems


def _moment(value: Any) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(value or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def check_dates(case: CaseFile) -> list[Problem]:
    """Nothing the papers state, and nothing the custody log records, happened after the day the
    declaration and certification are executed; the signer's certificate is valid that day."""
    inp = _input(case)
    executed = _execution_date(case)
    shown = f"{executed.strftime('%B')} {executed.day}, {executed.year}"
    profile = load_profile(inp.case.court)
    problems: list[Problem] = []
    for entry in inp.exhibits:
        item = entry.item
        times = {"acquired into the case": item.acquired_at,
                 "captured": (item.metadata or {}).get("captured_at") if item.kind is ItemKind.SCREENSHOT else None,
                 "sent": item.record.get("date_utc"), "retrieved": item.record.get("queried_at")}
        late = [(what, moment) for what, value in times.items()
                if (moment := _moment(value)) is not None and moment.date() > executed]
        if late:
            what, moment = max(late, key=lambda pair: pair[1])
            problems.append(Problem("blocking", "date-contradiction", f"the papers are executed on {shown}, but "
                                    f"this exhibit was {what} on {moment.date().isoformat()} (UTC); execute them "
                                    "on or after that day ('--bundle-date')", profile.exhibit_label(entry.number)))
    problems += _signer_dates(case, executed, shown)
    return problems


def _signer_dates(case: CaseFile, executed: dt.date, shown: str) -> list[Problem]:
    certificate = _context().signer or _signer_certificate(case)
    if certificate is None:
        return [Problem("warning", "signer-unknown", "the signing certificate named in the papers is not on this "
                        "machine, so its dates could not be checked against the date of execution", "signer")]
    start, end = certificate.not_valid_before_utc.date(), certificate.not_valid_after_utc.date()
    if executed < start:
        return [Problem("blocking", "date-contradiction", f"the papers are executed on {shown}, before the signing "
                        f"certificate they cite became valid ({start.isoformat()})", "signer")]
    if executed > end:
        return [Problem("blocking", "date-contradiction", f"the papers are executed on {shown}, after the signing "
                        f"certificate they cite expired ({end.isoformat()})", "signer")]
    return []


def _signer_certificate(case: CaseFile) -> x509.Certificate | None:
    from app.bundle.identity import normalise_fingerprint
    from app.ops.filing import signer_fingerprint
    from app.ops.identity import case_signer, identity_rows

    wanted = signer_fingerprint(case) or (getattr(case_signer(case.info()), "fingerprint", "") or "")
    if not wanted:
        return None
    for row in identity_rows():
        if normalise_fingerprint(row.fingerprint) == normalise_fingerprint(wanted):
            return x509.load_pem_x509_certificate(row.certificate_path.read_bytes())
    return None


def check_screen_captures(case: CaseFile) -> list[Problem]:
    """A screenshot the declarant says they made, but which came in as an image file (its tool is not the
    software's screen capture): the declaration does not swear it shows the page as it appeared on the
    screen. Counsel decides whether the declarant can say so, in the declarant's own words."""
    from app.documents.facts import sworn_metadata
    from app.documents.processes import acquisition

    inp = _input(case)
    profile = load_profile(inp.case.court)
    declarant = inp.case.declarant.strip().casefold()
    problems = []
    for entry in inp.exhibits:
        item = entry.item
        made_by = sworn_metadata(item.metadata or {}).get("captured_by", "").casefold()
        if item.kind is ItemKind.SCREENSHOT and acquisition(item) == "copy" and made_by and made_by == declarant:
            problems.append(Problem("warning", "screenshot-not-screen-capture", "an image file copied into the case, "
                                    "not a capture the software recorded from the screen: the declaration does not "
                                    "say it fairly and accurately shows the page as it appeared on the screen. If "
                                    "the declarant can say so, add it in the declarant's words",
                                    profile.exhibit_label(entry.number), f"item:{item.id}"))
    return problems


def check_replies_without_records(case: CaseFile) -> list[Problem]:
    """An exhibit that is a WHOIS or RDAP reply holding no registration record (the server refused, was down or
    answered with an error): the declaration says so, but it proves nothing about a domain. Counsel decides
    whether to leave it out of the exhibits or say why it is offered."""
    from app.documents.processes import record_facts

    profile = load_profile(_input(case).case.court)
    problems = []
    for number, item, _ in case.exhibits():
        if item.kind is ItemKind.DOMAIN_RECORD and record_facts(item.record or {})["no_record"]:
            problems.append(Problem("warning", "reply-without-record", "a WHOIS or RDAP reply that holds no "
                                    "registration record (the server refused, was down or answered with an error): "
                                    "it shows nothing about any domain; leave it out of the exhibits, or say in the "
                                    "declaration why it is offered", profile.exhibit_label(number), f"item:{item.id}"))
    return problems


def check_unreadable_exhibits(case: CaseFile) -> list[Problem]:
    """An exhibit the software could not read as what it is (a damaged Outlook file, a message it could not split):
    its exhibit shows what could be read, which may be wrong or incomplete. Counsel decides whether to offer it."""
    profile = load_profile(_input(case).case.court)
    return [Problem("warning", "exhibit-unreadable",
                    f"the file could not be read whole ({item.parse_error[:160]}): its exhibit shows"
                    " what could be read, which may be wrong or incomplete; offer it only with a word "
                    "in the declaration, or leave it out of the exhibits", profile.exhibit_label(number),
                    f"item:{item.id}")
            for number, item, _ in case.exhibits()
            if item.parse_status is ParseStatus.FAILED and item.kind is not ItemKind.DOMAIN_RECORD]


def check_redactions(case: CaseFile) -> list[Problem]:
    """Every Rule 5.2 candidate in the exhibits is decided: redacted, or kept on purpose."""
    from app.ops.redactions import list_redactions

    rows = [r for r in list_redactions(case) if not r.decision]
    problems = [Problem("blocking", "rule-5-2-undecided", f"{r.candidate.kind or 'personal data'} "
                        f"{r.candidate.text!r} is neither redacted nor kept; decide it "
                        f"('evbundle redactions CASE confirm|dismiss {r.candidate.id}')",
                        f"Exhibit {r.exhibit_number}", f"redaction:{r.candidate.id}") for r in rows[:MAX_LISTED]]
    if len(rows) > MAX_LISTED:
        problems.append(Problem("blocking", "rule-5-2-undecided", f"and {len(rows) - MAX_LISTED} more undecided "
                                "candidates ('evbundle redactions CASE')", "exhibits"))
    return problems


def check_claims(case: CaseFile) -> list[Problem]:
    """Every fact the drafted declaration says an exhibit shows is in that exhibit's text, as filed."""
    from app.ops.message_views import message_view

    inp = _input(case)
    wanted: dict[int, set[str]] = {}
    for paragraph in _paragraphs(case):
        if not paragraph.removed:
            for number, claim in paragraph.claims:
                wanted.setdefault(number, set()).add(claim)
    redact = redactor(inp.redactions)
    problems: list[Problem] = []
    for entry in inp.exhibits:
        if entry.number not in wanted:
            continue
        original = case.read_object(entry.item.sha256)
        view = message_view(entry.item, original)
        shown = exhibit_text(entry, original, redact_message(view, redact) if view is not None else None)
        flat = _flat(redact(shown))
        for claim in sorted(wanted[entry.number]):
            if _flat(claim) not in flat:
                problems.append(Problem("blocking", "claim-not-in-exhibit", f"the declaration says this exhibit "
                                        f"shows {claim!r}, but its text does not", f"Exhibit {entry.number}",
                                        f"item:{entry.item.id}"))
    return problems


def _flat(value: str) -> str:
    return "".join(value.casefold().split())


def check_domain_records(case: CaseFile) -> list[Problem]:
    """The domains' own checks: registry, duplicates, look-alikes; records older than the limit on the
    day of execution."""
    from app.ops.domains import check_domains

    context = _context()
    executed = _execution_date(case)
    problems: list[Problem] = []
    for check in check_domains(case, max_record_age_days=10**6):
        if check.code in ("registry-mismatch", "registry-unconfirmed", "duplicate"):
            problems.append(Problem("blocking", check.code, check.message, check.domain, f"domain:{check.domain}"))
        elif check.code == "lookalike":
            problems.append(Problem("warning", check.code, check.message, check.domain, f"domain:{check.domain}"))
        # no record, not registered: check_precheck says so from the newest registry and DNS records
    latest: dict[str, dt.datetime] = {}
    for item in case.items(ItemKind.DOMAIN_RECORD):
        name = str(item.record.get("domain") or "").lower()
        moment = _moment(item.record.get("queried_at") or (item.metadata or {}).get("captured_at")
                         or item.acquired_at)
        if name and moment and (name not in latest or moment > latest[name]):
            latest[name] = moment
    for name, moment in sorted(latest.items()):
        age = (executed - moment.date()).days
        if age > context.max_record_age_days:
            problems.append(Problem("warning", "stale-record", f"its latest record is {age} days older than the "
                                    f"date of execution (limit {context.max_record_age_days}); look it up again",
                                    name, f"domain:{name}"))
    return problems


def _evidence_moment(item: Any) -> dt.datetime | None:
    """When a lookup or capture was made, by the evidence's own record (not when it entered the case)."""
    record, meta = item.record or {}, item.metadata or {}
    found = record.get("lookup")
    lookup: dict[str, Any] = found if isinstance(found, dict) else {}
    if item.kind is ItemKind.DOMAIN_RECORD:
        value = (record.get("queried_at") or lookup.get("queried_at") or record.get("retrieved_at")
                 or meta.get("retrieved_at") or meta.get("captured_at"))
    elif item.kind in (ItemKind.SCREENSHOT, ItemKind.WEB_CAPTURE):
        value = meta.get("captured_at") or record.get("captured_at")
    else:
        return None
    return _moment(value)


def check_evidence_age(case: CaseFile) -> list[Problem]:
    """The newest lookup or capture is no older on the day of execution than the court profile allows: a
    judge asks why an emergency waited, and whether the registration data is still current."""
    inp = _input(case)
    limit = load_profile(inp.case.court).max_evidence_age_days
    dated = [(moment, entry) for entry in inp.exhibits if (moment := _evidence_moment(entry.item)) is not None]
    if not dated:
        return []
    moment, entry = max(dated, key=lambda pair: pair[0])
    age = (_execution_date(case) - moment.date()).days
    if age <= limit:
        return []
    day = f"{moment.strftime('%B')} {moment.day}, {moment.year}"
    label = load_profile(inp.case.court).exhibit_label(entry.number)
    return [Problem("warning", "stale-evidence", f"the newest lookup or capture ({label}, {day}) is {age} days "
                    f"older than the date of execution (limit {limit} days, court profile): look the domains up "
                    "and capture the pages again before filing, or explain the timing in the declaration",
                    "evidence", f"item:{entry.item.id}")]


ENTRY_GAP_DAYS = 7  # a capture or lookup entering the case later than this leaves a gap the declaration explains


def check_entry_gaps(case: CaseFile) -> list[Problem]:
    """A capture or lookup made well before it entered the case (a file another tool saved, imported weeks
    later): the certification gives the day the software acquired it, and the declaration should say where the
    file was in between. One warning naming the exhibits and the longest gap."""
    inp = _input(case)
    profile = load_profile(inp.case.court)
    gaps = []
    for entry in inp.exhibits:
        made, entered = _evidence_moment(entry.item), _moment(entry.item.acquired_at)
        if made is not None and entered is not None and (entered - made).days > ENTRY_GAP_DAYS:
            gaps.append(((entered - made).days, entry.number, entry.item.id))
    if not gaps:
        return []
    longest = max(gaps)
    labels = exhibit_labels([n for _, n, _ in gaps], profile)
    return [Problem("warning", "entry-gap", f"{labels} entered the case more than {ENTRY_GAP_DAYS} days"
                    f" after {'it was' if len(gaps) == 1 else 'they were'} captured or looked up "
                    f"(up to {longest[0]} days): the certification gives the day the software acquired each file; "
                    "say in the declaration who kept the files in between, and how", "evidence", f"item:{longest[2]}")]


def check_precheck(case: CaseFile) -> list[Problem]:
    """The pre-filing check's findings from the records the case holds (issue 17, ``app.ops.precheck``):
    domains not registered, expired, already on hold; collateral damage (a shared parent, name servers
    other domains use); domains nobody has looked up."""
    from app.ops.precheck import review_problems

    return review_problems(case)


def check_order(case: CaseFile) -> list[Problem]:
    """The order side's checks (issue 14, ``app.ops.order_checks``): Appendix B parents, the remedy and
    sinkholes, the order's terms, the sealing papers of a sealed case, registries directed only about
    their own domains, counsel for the letters."""
    from app.ops.order_checks import order_problems

    return order_problems(case)


CHECKS: list[Check] = [
    check_parties,
    check_declarant,
    check_support,
    check_thin_support,
    check_prompts,
    check_unconfirmed,
    check_placeholders,
    check_dates,
    check_screen_captures,
    check_replies_without_records,
    check_unreadable_exhibits,
    check_redactions,
    check_claims,
    check_domain_records,
    check_evidence_age,
    check_entry_gaps,
    check_precheck,
    check_order,
]
"""Every check the review runs, in order. Add one by appending a ``(case) -> list[Problem]`` function."""


def review_case(case: CaseFile, *, bundle_date: str | None = None, signer: x509.Certificate | None = None,
                max_record_age_days: int = DEFAULT_MAX_RECORD_AGE_DAYS) -> Review:
    """Run every check of :data:`CHECKS`; ``bundle_date`` is the date the papers will be executed on
    (default: the case's), ``signer`` the certificate that will sign (default: the one the case names)."""
    context = _Context(bundle_date=bundle_date, signer=signer, max_record_age_days=max_record_age_days)
    problems: list[Problem] = []
    with _reviewing(context):
        for check in CHECKS:
            problems += check(case)
    return Review(sorted(problems, key=lambda p: not p.blocking))


def require_fileable(case: CaseFile, *, bundle_date: str | None = None,
                     signer: x509.Certificate | None = None) -> Review:
    """The review, raising :class:`FilingBlocked` when it finds a blocking problem (what export and
    build call before writing filing documents that are not drafts)."""
    review = review_case(case, bundle_date=bundle_date, signer=signer)
    if review.blocking:
        raise FilingBlocked(case, review.blocking)
    return review
