"""``evbundle details | parties | counsel``: the case's details, who is suing whom, and who signs for the plaintiff."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Any

from .exitcodes import EXIT_OK


def _iso_date(text: str) -> str:
    """A YYYY-MM-DD date, or "" to clear it."""
    if text.strip():
        try:
            dt.date.fromisoformat(text.strip())
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc
    return text.strip()


def _tro_days(text: str) -> int:
    """Days from entry to expiry: Fed. R. Civ. P. 65(b)(2) allows at most 14 (0: the court profile's)."""
    try:
        days = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number of days: {text!r}") from exc
    if not 0 <= days <= 14:
        raise argparse.ArgumentTypeError("an ex parte TRO expires at most 14 days after entry (Rule 65(b)(2))")
    return days


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number of days: {text!r}") from exc
    if days < 0:
        raise argparse.ArgumentTypeError("a number of days cannot be negative")
    return days


def _operator(text: str) -> str:
    """"PARENT=NAME": who operates the zone of an Appendix B parent domain."""
    parent, sep, name = text.partition("=")
    if not sep or not parent.strip() or not name.strip():
        raise argparse.ArgumentTypeError(f"expected PARENT=NAME (free.example.cc=Example s.r.o.): {text!r}")
    return f"{parent.strip().lower().rstrip('.')}={' '.join(name.split())}"


# The case details the documents print, as options of `evbundle details`.
DETAIL_OPTIONS: dict[str, Any] = {
    "title": str, "case_number": str, "court": str, "declarant": str, "declarant_title": str,
    "declarant_qualifications": str, "organisation": str, "signing_place": str, "bates_prefix": str, "bates_start": int,
    # the proposed order's blanks and terms (unset: a blank line, or the court profile's number of days)
    "hearing_date": _iso_date, "hearing_time": str, "tro_days": _tro_days, "opposition_deadline": _iso_date,
    "bond_amount": str, "publication_site": str, "seal_days": _days,
}
DETAIL_HELP = {
    "declarant_qualifications": "the declarant's training and experience, as the FRE 902 certification states them",
    "hearing_date": "the show-cause / preliminary-injunction hearing, YYYY-MM-DD (\"\": a blank)",
    "hearing_time": 'the hearing\'s hour, as printed ("10:00 a.m.")',
    "tro_days": "the TRO expires this many days after entry, 1 to 14 (0: the court profile's)",
    "opposition_deadline": "date the Defendants' opposition is due, YYYY-MM-DD (\"\": days before the hearing)",
    "bond_amount": 'the bond under Rule 65(c), as printed ("$50,000")',
    "publication_site": "the website where the pleadings are published for service (Rule 4(f)(3))",
    "seal_days": "the seal ends at the latest this many days after the TRO's entry (0: the court profile's)",
}
# Lists kept in the case, each option repeated once per entry; given at all, it replaces the list.
LIST_OPTIONS = {
    "service_email": ("service_emails", "an e-mail address for service besides the defendants' own (repeat)"),
    "zone_operator": ("zone_operators", "who operates an Appendix B parent's zone: PARENT=NAME (repeat)"),
    "disclosure": ("disclosure", "a Rule 7.1 / L.Civ.R. 7.1 entity (repeat), or \"none\" once confirmed"),
}


def register(sub: Any) -> None:
    p = sub.add_parser("details", help="show or change the case's details (number, court, declarant, Bates…)")
    p.add_argument("case", type=Path)
    for name, kind in DETAIL_OPTIONS.items():
        p.add_argument("--" + name.replace("_", "-"), type=kind, help=DETAIL_HELP.get(name))
    for option, (_, text) in LIST_OPTIONS.items():
        p.add_argument("--" + option.replace("_", "-"), action="append", metavar="VALUE",
                       type=_operator if option == "zone_operator" else str, help=text)
    production = p.add_mutually_exclusive_group()
    production.add_argument("--production", dest="production_clause", action="store_true", default=None,
                            help="the order has registries produce records, not only preserve them (Rule 26(d))")
    production.add_argument("--no-production", dest="production_clause", action="store_false")
    sealed = p.add_mutually_exclusive_group()
    sealed.add_argument("--sealed", dest="sealed", action="store_true", default=None)
    sealed.add_argument("--not-sealed", dest="sealed", action="store_false")
    signing = p.add_mutually_exclusive_group()
    signing.add_argument("--sign-pdfs", dest="sign_pdfs", action="store_true", default=None,
                         help="build and export sign the declaration, index and certification PDFs (PAdES)")
    signing.add_argument("--no-sign-pdfs", dest="sign_pdfs", action="store_false")
    p.add_argument("--remedy", choices=["hold", "redirect"],
                   help="what the order asks of each registry: serverHold, or delegation to the sinkhole")
    p.add_argument("--sinkhole", action="append", metavar="NS",
                   help="a sinkhole name server the domains are redirected to (repeat; replaces the list)")
    place = p.add_mutually_exclusive_group()
    place.add_argument("--signed-in-us", dest="signed_in_us", action="store_true", default=None)
    place.add_argument("--signed-abroad", dest="signed_in_us", action="store_false")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=details)

    p = sub.add_parser("parties", help="list, add, edit or remove the plaintiffs and defendants")
    p.add_argument("case", type=Path)
    psub = p.add_subparsers(dest="parties_command", metavar="ACTION", required=True)
    a = psub.add_parser("list", help="the parties in caption order")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=parties)
    for action in ("add", "edit"):
        a = psub.add_parser(action, help=f"{action} a party")
        if action == "add":
            a.add_argument("role", choices=["plaintiff", "defendant"])
            a.add_argument("--name", required=True)
        else:
            a.add_argument("id", type=int)
            a.add_argument("--name")
        a.add_argument("--entity-form", help='e.g. "a Washington corporation", "an individual"')
        a.add_argument("--doe", action="store_true", default=None, help="a defendant not yet identified")
        a.add_argument("--description", help="for Does: what they did, as the caption says it")
        for many in ("alias", "email", "organisation", "address"):
            a.add_argument(f"--{many}", action="append", help=f"one {many} (repeat); replaces the list")
        a.set_defaults(handler=parties)
    a = psub.add_parser("remove", help="remove a party")
    a.add_argument("id", type=int)
    a.set_defaults(handler=parties)

    p = sub.add_parser("counsel", help="show or set counsel: name, bar number, firm, address, phone, e-mail")
    p.add_argument("case", type=Path)
    for name in ("name", "bar_number", "firm", "phone", "email", "for_party"):
        p.add_argument("--" + name.replace("_", "-"))
    p.add_argument("--address", action="append", metavar="LINE", help="an address line (repeat)")
    p.set_defaults(handler=counsel)


def details(args: argparse.Namespace) -> int:
    from app.ops.case import edit_case, open_case

    changes = {name: getattr(args, name)
               for name in (*DETAIL_OPTIONS, "sealed", "signed_in_us", "remedy", "production_clause", "sign_pdfs")
               if getattr(args, name) is not None}
    for option, (field_name, _) in LIST_OPTIONS.items():
        values = getattr(args, option)
        if values is not None:
            cleaned = [" ".join(v.split()) for v in values if v.strip()]
            changes[field_name] = tuple(v.lower() for v in cleaned) if option == "service_email" else tuple(cleaned)
    if args.sinkhole is not None:
        changes["sinkhole_nameservers"] = tuple(args.sinkhole)
    with open_case(args.case) as case:
        info = edit_case(case, **changes).info if changes else case.info()
    shown = {k: v for k, v in asdict(info).items() if k not in ("plaintiff", "defendants")}
    if args.json:
        print(json.dumps(shown, indent=1, ensure_ascii=False))
    else:
        for key, value in shown.items():
            print(f"{key}: {value}")
    return EXIT_OK


def _party_line(party: Any) -> str:
    doe = " (Doe)" if party.doe else ""
    return f"{party.id:>3}  {party.role.value:<9} {party.caption_name}{doe}"


def parties(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.parties import Party, PartyRole, add_party, case_parties, edit_party, remove_party

    action = args.parties_command
    with open_case(args.case) as case:
        if action == "add":
            party = Party(0, PartyRole(args.role), args.name)
            print("added", _party_line(add_party(case, _with_options(party, args)).party))
        elif action == "edit":
            print("now", _party_line(edit_party(case, _with_options(case.party(args.id), args)).party))
        elif action == "remove":
            remove_party(case, args.id)
            print(f"removed party {args.id}")
        else:
            found = case_parties(case)
            if args.json:
                print(json.dumps([{**asdict(p), "role": p.role.value} for p in found], indent=1, ensure_ascii=False))
            for party in found if not args.json else ():
                print(_party_line(party))
    return EXIT_OK


def _with_options(party: Any, args: argparse.Namespace) -> Any:
    changes: dict[str, Any] = {}
    for name in ("name", "entity_form", "doe", "description"):
        if getattr(args, name, None) is not None:
            changes[name] = getattr(args, name)
    for option, field in (("alias", "aliases"), ("email", "emails"), ("organisation", "organisations"),
                          ("address", "addresses")):
        if getattr(args, option) is not None:
            changes[field] = tuple(getattr(args, option))
    return replace(party, **changes)


def counsel(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.parties import Counsel, set_counsel

    with open_case(args.case) as case:
        current = case.counsel()
        changes = {f.name: getattr(args, f.name) for f in fields(Counsel)
                   if f.name != "address" and getattr(args, f.name, None) is not None}
        if args.address is not None:
            changes["address"] = tuple(args.address)
        shown = set_counsel(case, replace(current, **changes)).counsel if changes else current
    for key, value in asdict(shown).items():
        print(f"{key}: {', '.join(value) if isinstance(value, tuple | list) else value}")
    return EXIT_OK
