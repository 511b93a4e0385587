"""The declaration's paragraphs drafted from the support links: the domains, the defendants, the counts.

- **The domains**: one paragraph per group of listed domains that the same exhibits support
  in the same ways, naming the domains (or, for a long group, their numbers in the appendix)
  and saying what each exhibit shows: the spam that links to them, the screenshot of a page
  on them, their registration record, the records whose name servers are in them, the
  declarant's own statements (the notes of links the user added).
- **The counts**: how many messages, sent between which dates, link to how many listed
  domains; when the recorded domains were created and through which registrars; when the
  screenshots were captured.
- **The defendants**: for each, the records that name it as registrant, the domains whose
  name servers are in a domain of its, the user's statements that tie it; a named
  defendant the evidence does not tie gets a prompt; Does their description.
- **Prompts** for what only a person can write: the scheme, the harm, why notice would
  defeat the relief (Rule 65(b)(1)(A)).

Each paragraph also lists its **claims**: (exhibit number, text) for every fact it says an
exhibit shows, so a check can find each one in that exhibit's text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from app.core.model import Domain, ItemKind, Registry, SupportKind, SupportLink
from app.core.urls import url_host
from app.documents.facts import registry_groups, subdomain_groups
from app.documents.inputs import DeclarationInput
from app.documents.parties_facts import parties_from_text, party_facts
from app.documents.processes import record_facts
from app.documents.profile import CourtProfile
from app.documents.support import mail_links, registrant_matches, supported
from app.documents.template import render_markup
from app.documents.wording import and_list, exhibit_labels, number_ranges

PARAGRAPHS_TEMPLATE = "declaration_paragraphs.txt.j2"
PROMPT_MARK = "[PROMPT:"
FIELD_WORDS = {"name": "the name", "organization": "the organization", "email": "the e-mail address",
               "street": "the street address", "address": "the address", "city": "the city",
               "country": "the country"}
LIST_NAMES_UP_TO = 12  # a longer group is cited by its numbers in the appendix
Claims = tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Drafted:
    """One drafted paragraph: its key, section, words and what it says the exhibits show."""

    key: str
    section: str
    text: str
    claims: Claims = ()


@dataclass(frozen=True)
class Position:
    """Where an appendix lists a domain: "A" or "B", the group's heading, the number in the group."""

    appendix: str
    group: str
    number: int

    @property
    def text(self) -> str:
        return f"Appendix {self.appendix} under {self.group}, no. {self.number}"


def appendix_positions(domains: Sequence[Domain], registries: Mapping[str, Registry]) -> dict[str, Position]:
    """Each listed domain -> where the appendices list it."""
    out: dict[str, Position] = {}
    for group in registry_groups(list(domains), registries):
        for number, d in enumerate(group["domains"], start=1):
            out[d["ascii"]] = Position("A", str(group["name"]), number)
    for group in subdomain_groups(list(domains), registries):
        for number, d in enumerate(group["domains"], start=1):
            out[d["ascii"]] = Position("B", str(group["name"]), number)
    return out


class _Writer:
    """Renders the paragraph template's kinds; the labels and positions of this declaration."""

    def __init__(self, inp: DeclarationInput, profile: CourtProfile, env: SandboxedEnvironment) -> None:
        self.inp = inp
        self.profile = profile
        self.env = env
        self.number = {e.item.id: e.number for e in inp.exhibits}
        self.entry = {e.item.id: e for e in inp.exhibits}
        self.positions = appendix_positions(inp.domains, inp.registries)

    def words(self, kind: str, **context: Any) -> str:
        return " ".join(render_markup(PARAGRAPHS_TEMPLATE, {"kind": kind, **context}, env=self.env).split())

    def label(self, item_id: int) -> str:
        return self.profile.exhibit_label(self.number[item_id])

    def labels(self, item_ids: Sequence[int]) -> str:
        """"Exhibit 4", "Exhibits 4 and 8", "Exhibits 9–11"."""
        return exhibit_labels([self.number[i] for i in item_ids], self.profile)

    def servers(self, item_id: int, domains: Sequence[str]) -> list[str]:
        """The name servers an exhibit's record lists that are in one of ``domains``."""
        listed = self.entry[item_id].item.record.get("name_servers") or []
        return [str(s) for s in listed if any(str(s) == d or str(s).endswith("." + d) for d in domains)]

    def names(self, domains: Sequence[str]) -> str:
        """The group's domains by name with where the appendix lists them, or (a long group) by number."""
        if len(domains) <= LIST_NAMES_UP_TO:
            shown = [f"{d} ({self.positions[d].text})" if d in self.positions else d for d in domains]
            return ("the domain " if len(domains) == 1 else "the domains ") + and_list(shown)
        by_group: dict[tuple[str, str], list[int]] = {}
        for d in domains:
            where = self.positions[d]
            by_group.setdefault((where.appendix, where.group), []).append(where.number)
        pieces = [f"listed in Appendix {a} under {g} as no{'s' if len(ns) > 1 else ''}. {number_ranges(ns)}"
                  for (a, g), ns in by_group.items()]
        return f"the {len(domains)} domains " + and_list(pieces)


def _first_last(days: Sequence[dt.date]) -> tuple[str, str]:
    first, last = min(days), max(days)
    return (f"{first.strftime('%B')} {first.day}, {first.year}", f"{last.strftime('%B')} {last.day}, {last.year}")


def _date(value: Any) -> dt.date | None:
    try:
        moment = dt.datetime.fromisoformat(str(value or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment.astimezone(dt.UTC) if moment.tzinfo else moment).date()


def summaries(writer: _Writer, links: Sequence[SupportLink]) -> list[Drafted]:
    """The counts and date ranges drawn from the evidence (see the module docstring)."""
    out: list[Drafted] = []
    mails = [e for e in writer.inp.exhibits if e.item.kind in (ItemKind.EMAIL, ItemKind.MAILBOX_MESSAGE)]
    sent = [d for d in (_date(e.item.record.get("date_utc")) for e in mails) if d]
    if mails and sent:
        mail_ids = {e.item.id for e in mails}
        linked = {link.domain for link in links if link.how is SupportKind.ADVERTISED and link.item_id in mail_ids
                  and not link.removed}
        first, last = _first_last(sent)
        out.append(Drafted("summary:mail", "domains", writer.words(
            "mail-summary", count=len(mails), labels=writer.labels([e.item.id for e in mails]), first=first,
            last=last, domains=len(linked))))
    records = [(e, record_facts(e.item.record or {})) for e in writer.inp.exhibits
               if e.item.kind is ItemKind.DOMAIN_RECORD and (e.item.record or {}).get("format") != "dns"]
    created = [(e, f, d) for e, f in records
               if (d := _date(e.item.record.get("created_utc") or e.item.record.get("created")))]
    if created:
        first, last = _first_last([d for _, _, d in created])
        registrars: dict[str, int] = {}
        for e, f, _ in created:
            if f["registrar"]:
                registrars.setdefault(f["registrar"], writer.number[e.item.id])
        out.append(Drafted("summary:records", "domains", writer.words(
            "record-summary", count=len(created), labels=writer.labels([e.item.id for e, _, _ in created]),
            first=first, last=last, registrars=list(registrars), registrars_text=and_list(list(registrars))),
            tuple((n, name) for name, n in registrars.items())))
    shots = [e for e in writer.inp.exhibits if e.item.kind is ItemKind.SCREENSHOT]
    taken = [d for d in (_date((e.item.metadata or {}).get("captured_at")) for e in shots) if d]
    if shots and taken:
        first, last = _first_last(taken)
        out.append(Drafted("summary:captures", "domains", writer.words(
            "capture-summary", count=len(shots), labels=writer.labels([e.item.id for e in shots]),
            first=first, last=last)))
    return out


def _signature(link: SupportLink) -> tuple[str, int, str]:
    """What a link contributes to a domain's group: how, which exhibit, with what note."""
    shows = link.shows if link.how in (SupportKind.CAPTURE, SupportKind.DISPLAY_TEXT) else ""
    return (link.how.value, link.item_id, link.note or shows)


def domain_groups(writer: _Writer, links: Sequence[SupportLink]) -> list[Drafted]:
    """One paragraph per group of domains supported by the same exhibits in the same ways."""
    by_domain = supported(links)
    for link in links:  # display text is no support, but a domain listed on it alone is described as it is
        if link.how is SupportKind.DISPLAY_TEXT and not link.removed and link.item_id:
            by_domain.setdefault(link.domain, []).append(link)
    groups: dict[tuple[tuple[str, int, str], ...], list[str]] = {}
    for domain in sorted(by_domain, key=lambda d: (writer.positions[d].appendix, writer.positions[d].group,
                                                   writer.positions[d].number) if d in writer.positions else
                         ("Z", d, 0)):
        shown = [link for link in by_domain[domain] if not (link.party_id and link.how is not SupportKind.NOTE)
                 and link.how is not SupportKind.REGISTRANT]
        if not shown:  # only defendant ties: said in the defendants' section; still cite the exhibits here
            shown = by_domain[domain]
        signature = tuple(sorted({_signature(link) for link in shown}))
        groups.setdefault(signature, []).append(domain)
    out: list[Drafted] = []
    for signature, domains in groups.items():
        clauses, claims = _clauses(writer, signature, domains, links)
        text = writer.words("support", names=writer.names(domains), clauses=clauses)
        out.append(Drafted(f"support:{domains[0]}", "domains", text, claims))
    return out


def _clauses(writer: _Writer, signature: tuple[tuple[str, int, str], ...], domains: Sequence[str],
             links: Sequence[SupportLink]) -> tuple[list[str], Claims]:
    plural = len(domains) > 1
    wanted = set(domains)
    mine = [link for link in links if link.domain in wanted and not link.removed and link.item_id]
    clauses: list[str] = []
    claims: list[tuple[int, str]] = []
    advertised = sorted({item for how, item, _ in signature if how == SupportKind.ADVERTISED.value},
                        key=lambda i: writer.number[i])
    if advertised:
        hosts = [link for link in mine if link.how is SupportKind.ADVERTISED]
        exact = sum(link.shows == link.domain for link in hosts)
        reach = "it" if exact == len(hosts) else ("hosts under it" if not exact else "it or hosts under it")
        clauses.append(writer.words("clause-advertised", count=len(advertised), labels=writer.labels(advertised),
                                    plural=plural, reach=reach))
        claims += [(writer.number[link.item_id], link.domain) for link in mine
                   if link.how is SupportKind.ADVERTISED]
    for how, item, extra in signature:
        if how == SupportKind.CAPTURE.value:
            clauses.append(writer.words("clause-capture", label=writer.label(item), url=extra,
                                        under=url_host(extra) not in domains))
            claims.append((writer.number[item], extra))
        elif how == SupportKind.RECORD.value:
            facts = record_facts(writer.entry[item].item.record or {})
            clauses.append(writer.words("clause-record", label=writer.label(item), plural=plural,
                                        format=facts["record_format"], registrar=facts["registrar"],
                                        created=facts["created"]))
            claims += [(writer.number[item], facts["domain"])] + ([(writer.number[item], facts["registrar"])]
                                                                  if facts["registrar"] else [])
    servers = [link for link in mine if link.how is SupportKind.NAME_SERVERS and not link.party_id]
    if servers:
        items = sorted({link.item_id for link in servers}, key=lambda i: writer.number[i])
        shown = sorted({s for i in items for s in writer.servers(i, domains)})
        served = [str(writer.entry[i].item.record.get("domain") or "") for i in items]
        clauses.append(writer.words("clause-name-servers", count=len(items), labels=writer.labels(items),
                                    servers=and_list(shown), server_count=len(shown), served=and_list(served)))
        claims += [(writer.number[i], server) for i in items for server in writer.servers(i, domains)]
    for how, item, text in signature:
        if how == SupportKind.DISPLAY_TEXT.value:
            record = writer.entry[item].item.record or {}
            targets = [target for host, target in mail_links(record)[1] if host == text]
            clauses.append(writer.words("clause-display", label=writer.label(item), shown=text,
                                        targets=and_list(targets), plural=plural))
            claims += [(writer.number[item], text)] + [(writer.number[item], t) for t in targets]
    for how, item, note in signature:
        if how == SupportKind.NOTE.value:
            clauses.append(writer.words("clause-note", note=note.rstrip("."), label=writer.label(item),
                                        plural=plural))
    return clauses, tuple(claims)


def defendant_paragraphs(writer: _Writer, links: Sequence[SupportLink]) -> list[Drafted]:
    """One paragraph per defendant: what ties it to the domains, or a prompt (see the module docstring)."""
    facts = party_facts(writer.inp.parties or parties_from_text(writer.inp.case))
    live = [link for link in links if not link.removed and link.item_id and link.party_id]
    registered: dict[int, dict[str, int]] = {}
    for link in live:
        if link.how is SupportKind.REGISTRANT:
            registered.setdefault(link.party_id, {}).setdefault(link.domain, link.item_id)
    out: list[Drafted] = []
    for defendant in facts["defendants"]:
        ties: list[str] = []
        claims: list[tuple[int, str]] = []
        mine = [link for link in live if link.party_id == defendant["id"]]
        for link in mine:
            if link.how is SupportKind.REGISTRANT:
                party = next(p for p in writer.inp.parties if p.id == defendant["id"])
                record = writer.entry[link.item_id].item.record
                values = [{"label": FIELD_WORDS.get(key, key), "value": value}
                          for key, value in registrant_matches(record, party)]
                found = record.get("registrant")
                registrant: dict[str, Any] = found if isinstance(found, dict) else {}
                if values:  # where the record places the registrant, as it gives it (the order's service findings)
                    values += [{"label": FIELD_WORDS[key], "value": str(registrant[key]).strip()}
                               for key in ("city", "country") if str(registrant.get(key) or "").strip()]
                ties.append(writer.words("tie-registrant", label=writer.label(link.item_id), domain=link.domain,
                                         values=values))
                claims += [(writer.number[link.item_id], v["value"]) for v in values]
        ties += _name_server_ties(writer, defendant, [m for m in mine if m.how is SupportKind.NAME_SERVERS],
                                  registered.get(defendant["id"], {}), claims)
        for link in mine:
            if link.how is SupportKind.NOTE:
                ties.append(writer.words("tie-note", note=link.note.rstrip("."), label=writer.label(link.item_id)))
        key = f"defendant:{defendant['id']}" if defendant["id"] else f"defendant:{defendant['name']}"
        if not ties and not defendant["doe"]:
            text = writer.words("prompt", topic="defendant", defendant=defendant)
        else:
            text = writer.words("defendant", defendant=defendant, ties=ties)
        out.append(Drafted(key, "defendants", text, tuple(claims)))
    return out


def _name_server_ties(writer: _Writer, defendant: Mapping[str, Any], links: Sequence[SupportLink],
                      registered: Mapping[str, int], claims: list[tuple[int, str]]) -> list[str]:
    """"The records in Exhibits 9 and 11 show that X and Y use the name servers ns1.D and ns2.D, in the
    domain D, which is registered to this Defendant (Exhibit 12)", one sentence per such domain D."""
    by_owned: dict[str, list[SupportLink]] = {}
    for link in links:
        owned = next((d for d in registered if link.shows == d or link.shows.endswith("." + d)), "")
        if not owned:
            owned = next((e.rsplit("@", 1)[1] for e in defendant["emails"]
                          if "@" in e and (link.shows == e.rsplit("@", 1)[1]
                                           or link.shows.endswith("." + e.rsplit("@", 1)[1]))), "")
        if owned:
            by_owned.setdefault(owned, []).append(link)
    out: list[str] = []
    for owned, group in by_owned.items():
        items = sorted({link.item_id for link in group}, key=lambda i: writer.number[i])
        servers = sorted({s for i in items for s in writer.servers(i, [owned])})
        served = sorted({link.domain for link in group})
        if owned in registered:
            why = f"which is registered to this Defendant ({writer.label(registered[owned])})"
        else:
            address = next(e for e in defendant["emails"] if e.endswith("@" + owned))
            why = f"which is the domain of this Defendant's e-mail address {address}"
        out.append(writer.words("tie-name-servers", count=len(items), labels=writer.labels(items),
                                served=and_list(served), served_count=len(served), servers=and_list(servers),
                                server_count=len(servers), owned=owned, why=why))
        claims += [(writer.number[i], server) for i in items for server in writer.servers(i, [owned])]
    return out


def prompts(writer: _Writer) -> list[Drafted]:
    plaintiff = party_facts(writer.inp.parties or parties_from_text(writer.inp.case))["plaintiff_short"]
    return [Drafted(f"prompt:{topic}", section, writer.words("prompt", topic=topic, plaintiff=plaintiff))
            for topic, section in (("scheme", "scheme"), ("harm", "harm"), ("notice", "notice"))]


def draft_support(inp: DeclarationInput, profile: CourtProfile, env: SandboxedEnvironment) -> list[Drafted]:
    """Every paragraph this module drafts, in section order (see the module docstring)."""
    writer = _Writer(inp, profile, env)
    links = [link for link in inp.support if link.item_id in writer.number or not link.item_id]
    return (prompts(writer) + summaries(writer, links) + domain_groups(writer, links)
            + defendant_paragraphs(writer, links))

