"""The case and what it holds, in investigators' and counsel's words.

These are plain values (snapshots): the store reads and writes them, the
bundle and documents layers read them, the GUI shows them. None of them
holds a database connection.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class ItemKind(str, enum.Enum):
    """What an evidence item is. The value is what the CLI's ``--as`` accepts."""

    DOMAIN_RECORD = "domain-record"  # saved WHOIS text or RDAP JSON
    SCREENSHOT = "screenshot"  # PNG / JPEG capture of a site
    EMAIL = "email"  # one .eml or Outlook .msg file
    MAILBOX = "mailbox"  # an mbox file, kept whole; its messages are items of their own
    MAILBOX_MESSAGE = "mailbox-message"  # one message cut from a mailbox
    WEB_CAPTURE = "web-capture"  # a page captured by the app's own browser: its full-page screenshot
    WEB_CAPTURE_FAILED = "web-capture-failed"  # a capture that failed: its capture record says why
    WEB_CAPTURE_FILE = "web-capture-file"  # another file of a capture (WARC, MHTML, PDF…), child of the capture

    @property
    def label(self) -> str:
        return {
            ItemKind.DOMAIN_RECORD: "Domain record",
            ItemKind.SCREENSHOT: "Screenshot",
            ItemKind.EMAIL: "Email",
            ItemKind.MAILBOX: "Mailbox",
            ItemKind.MAILBOX_MESSAGE: "Mailbox message",
            ItemKind.WEB_CAPTURE: "Web capture",
            ItemKind.WEB_CAPTURE_FAILED: "Failed web capture",
            ItemKind.WEB_CAPTURE_FILE: "Web capture file",
        }[self]

    @property
    def is_exhibit_kind(self) -> bool:
        """Whether items of this kind become exhibits (a mailbox does not, its messages do; a capture's
        other files and a failed capture are evidence kept with it, not exhibits of their own)."""
        return self not in (ItemKind.MAILBOX, ItemKind.WEB_CAPTURE_FAILED, ItemKind.WEB_CAPTURE_FILE)

    @property
    def importable(self) -> bool:
        """Whether a file can be imported as this kind; web captures are only made by ``evbundle capture``."""
        return self not in (ItemKind.WEB_CAPTURE, ItemKind.WEB_CAPTURE_FAILED, ItemKind.WEB_CAPTURE_FILE)


class ParseStatus(str, enum.Enum):
    OK = "ok"  # parsed fully
    PARTIAL = "partial"  # parsed with defects (broken MIME, bad charset...)
    FAILED = "failed"  # original kept as evidence, content unreadable


@dataclass(frozen=True)
class CaseInfo:
    """Facts about the case that appear in documents and the bundle."""

    case_id: str  # UUID, fixed at creation
    title: str
    case_number: str = ""  # blank until filed: "Civil Action No. ____"
    court: str = "edva"  # court profile id
    declarant: str = ""
    declarant_title: str = ""
    organisation: str = ""
    # The declarant's training and experience, as the FRE 902(13)/(14) certification states them (facts only a
    # person can give; "" prints a marked prompt and the review blocks).
    declarant_qualifications: str = ""
    plaintiff: str = ""
    defendants: str = ""
    sealed: bool = False
    signed_in_us: bool = True
    signing_place: str = ""  # "Redmond, Washington"
    bates_prefix: str = "EVB"
    bates_start: int = 1
    bundle_date: str = ""  # YYYY-MM-DD; fixes dates in documents for reproducible builds
    fictional: bool = False  # sample case: every page says so
    created_at: str = ""  # UTC ISO 8601
    signer_fingerprint: str = ""  # the signing identity chosen for this case; "" = the newest one
    timestamp_when_building: bool = True  # ask the settings' timestamp authorities (if any) at each build
    sign_pdfs: bool = False  # sign the declaration, index and certification PDFs (PAdES) at build and export
    # What the order asks of each registry: "hold" (serverHold: out of the DNS) or "redirect" (delegated to the
    # plaintiff's sinkhole name servers, named here); the compliance watch checks the same.
    remedy: str = "hold"
    sinkhole_nameservers: tuple[str, ...] = ()
    # The proposed order's blanks and choices. Anything unset prints as a blank line for the court to fill
    # (or the court profile's default), never as a made-up value.
    hearing_date: str = ""  # YYYY-MM-DD of the show-cause / preliminary-injunction hearing
    hearing_time: str = ""  # "10:00 a.m."
    tro_days: int = 0  # the TRO expires this many days after entry (Rule 65(b)(2): at most 14); 0 = profile's
    opposition_deadline: str = ""  # YYYY-MM-DD; "" = the profile's "N days before the hearing"
    bond_amount: str = ""  # "$50,000" (Rule 65(c)); "" = a blank
    production_clause: bool = False  # registries produce records, not only preserve them (needs a Rule 26(d) finding)
    service_emails: tuple[str, ...] = ()  # e-mail addresses for service besides the defendants' own (Rule 4(f)(3))
    publication_site: str = ""  # where the pleadings are published for service ("noticeofpleadings.com")
    seal_days: int = 0  # the seal ends at the latest this many days after the TRO's entry; 0 = profile's
    zone_operators: tuple[str, ...] = ()  # "free.example.cc=Example Free-Domains s.r.o.": who runs an Appendix B parent
    disclosure: tuple[str, ...] = ()  # Rule 7.1 / L.Civ.R. 7.1 entities, or ("none",) once counsel confirmed none

    @property
    def slug(self) -> str:
        """A file-name-safe name for the case (bundle and document file names)."""
        source = self.case_number or self.title or "case"
        chars = [c if c.isalnum() else "-" for c in source.strip()]
        slug = "".join(chars).strip("-")
        while "--" in slug:
            slug = slug.replace("--", "-")
        return slug[:80] or "case"


class PartyRole(str, enum.Enum):
    """Which side of the caption a party is on."""

    PLAINTIFF = "plaintiff"
    DEFENDANT = "defendant"


@dataclass(frozen=True)
class Party:
    """A plaintiff or a defendant, as the caption, the declaration and the order name it.

    Defendants not yet identified are Does ("John Does 1-22") with a ``description`` of what
    they did; what the evidence may show of any defendant (aliases, e-mail addresses,
    organisations, postal addresses) is kept here so that records naming them can be tied to
    them. ``position`` orders parties within their side of the caption.
    """

    id: int
    role: PartyRole
    name: str  # "Microsoft Corporation", "John Does 1-22", "Dominique Alexander Piatti"
    entity_form: str = ""  # "a Washington corporation", "an individual", "a Czech limited liability company"
    doe: bool = False  # not yet identified
    description: str = ""  # for Does: "controlling a computer botnet thereby injuring Microsoft and its customers"
    aliases: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()  # postal addresses, each on one line
    position: int = 0

    @property
    def caption_name(self) -> str:
        """The name as the caption gives it: "MICROSOFT CORPORATION, a Washington corporation"."""
        form = f", {self.entity_form}" if self.entity_form else ""
        what = f", {self.description}" if self.doe and self.description else ""
        return f"{self.name.upper()}{form}{what}"


@dataclass(frozen=True)
class Counsel:
    """The attorney who files and signs for the plaintiff, and how a registry or the court reaches them."""

    name: str = ""
    bar_number: str = ""  # "VSB No. 12345"
    firm: str = ""
    address: tuple[str, ...] = ()
    phone: str = ""
    email: str = ""
    for_party: str = ""  # "Counsel for Plaintiff Microsoft Corporation"

    @property
    def is_set(self) -> bool:
        return bool(self.name.strip())


@dataclass(frozen=True)
class Item:
    """One piece of evidence: an original file, stored byte-exact, plus what was parsed from it."""

    id: int
    kind: ItemKind
    name: str  # what the user sees: subject, file name, domain...
    original_name: str  # the file name it arrived under
    sha256: str
    sha512: str
    size: int
    acquired_at: str  # UTC ISO 8601
    acquired_by: str
    source_path: str  # where it was read from (as given)
    parse_status: ParseStatus
    parse_error: str = ""
    record: dict[str, Any] = field(default_factory=dict)  # parsed fields, kind-specific
    metadata: dict[str, Any] = field(default_factory=dict)  # user-entered: url, captured_at, notes...
    parent_id: int | None = None  # a mailbox message's mailbox
    exhibit_number: int | None = None

    @property
    def exhibit_label(self) -> str:
        return f"Exhibit {self.exhibit_number}" if self.exhibit_number is not None else ""


@dataclass(frozen=True)
class Domain:
    """A domain named in the case (normally listed in Appendix A or B)."""

    id: int
    ascii: str  # A-label form, lower case, no trailing dot
    unicode: str  # U-label form
    tld: str
    registrable: str  # registrable domain (PSL); equals ascii for a registered domain
    registry_id: str  # key into the registry table
    added_at: str
    source: str = ""  # where it came from: "cli", a file name, a spam item
    flags: tuple[str, ...] = ()  # look-alike warnings: "mixed-script: …", "confusable: …"

    @property
    def is_subdomain(self) -> bool:
        return self.ascii != self.registrable


@dataclass(frozen=True)
class Registry:
    """A registry operator as named in Appendix A."""

    id: str
    name: str
    address: tuple[str, ...]
    tlds: tuple[str, ...]
    rdap: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class ParagraphEdit:
    """Counsel's version of one declaration paragraph.

    ``key`` names a drafted paragraph ("exhibit:12" for the item with id 12) or, for a
    paragraph counsel added, "added:N". ``text`` None keeps the drafted words; ``removed``
    leaves the paragraph out. ``position`` orders paragraphs within their ``section``.
    """

    key: str
    section: str
    position: int
    text: str | None = None
    removed: bool = False


class SupportKind(str, enum.Enum):
    """How an exhibit supports a domain listed in Appendix A or B (or ties a defendant to it)."""

    REGISTRANT = "registrant"  # the domain's registration record names a defendant as its registrant
    RECORD = "record"  # a registration record or lookup reply (RDAP, WHOIS, DNS) of the domain
    ADVERTISED = "advertised"  # a spam message links to the domain (or loads content from it)
    CAPTURE = "capture"  # a screenshot of a page on the domain
    NAME_SERVERS = "name-servers"  # a record shows name servers in the domain (or in a defendant's domain)
    NOTE = "note"  # the declarant's own statement, citing an exhibit
    DISPLAY_TEXT = "display-text"  # a spam shows the domain only as the visible text of a link leading elsewhere

    @property
    def is_support(self) -> bool:
        """Whether this kind shows the domain belongs in the order. Display text does not: a link that shows
        one name and leads to another is the mark of an impersonated (often a victim's) name, not of a
        domain the defendants use."""
        return self is not SupportKind.DISPLAY_TEXT

    @property
    def label(self) -> str:
        return {
            SupportKind.REGISTRANT: "registrant is a defendant",
            SupportKind.RECORD: "registration record or lookup reply",
            SupportKind.ADVERTISED: "advertised in spam",
            SupportKind.CAPTURE: "screenshot of a page on it",
            SupportKind.NAME_SERVERS: "name servers",
            SupportKind.NOTE: "declarant's statement",
            SupportKind.DISPLAY_TEXT: "only link text (not support)",
        }[self]


@dataclass(frozen=True)
class SupportLink:
    """One reason a listed domain belongs in the order: an exhibit that shows it, and how.

    Most links are derived from the evidence at every render (``derived``); the user adds
    links the evidence cannot show (a declarant's ``note``, such as "found in the malware's
    configuration") and removes derived ones that are wrong (``removed``). ``shows`` is what
    the exhibit itself shows, in its own words (a URL, a registrant's name, a name server),
    so that the declaration's claim about the exhibit can be checked against the exhibit.
    ``party_id`` ties a defendant to the domain (0: none); ``item_id`` is the exhibit's item
    (0: none).
    """

    domain: str  # A-label of a domain the case lists
    how: SupportKind
    item_id: int = 0
    party_id: int = 0
    shows: str = ""
    note: str = ""  # the declarant's words, printed in the declaration as given
    derived: bool = True
    removed: bool = False

    @property
    def key(self) -> tuple[str, str, int, int]:
        """What makes a link the same link, whether derived or added: domain, how, exhibit, defendant."""
        return (self.domain, self.how.value, self.item_id, self.party_id)


@dataclass(frozen=True)
class MessageView:
    """A message as its exhibit shows it: every header in order, the text shown, the attachments found.

    Made by the mail reader (``app.sources.mail_view``) from the original bytes, handed to the
    exhibit renderer and the Rule 5.2 search, so both read the message the one same way.
    ``parsed`` is False when the bytes could not be split into a message at all: then ``body``
    is the raw text and there are no headers.
    """

    parsed: bool
    headers: tuple[tuple[str, str], ...]  # (name, decoded value); "" where the value could not be decoded
    body: str  # the text/plain part (or, when there is none, the HTML part rendered as text)
    attachments: tuple[tuple[str, int, str], ...] = ()  # (file name, size, SHA-256)
    html_text: str = ""  # the HTML part rendered safely as text, each link as "text -> target host"; "" if none
    attachment_types: tuple[str, ...] = ()  # each attachment's declared content type, in the same order
    links: tuple[tuple[str, str], ...] = ()  # (shown text, target URL) of every link in the HTML part
    # An Outlook .msg: ``headers`` are the internet headers Outlook kept (none when the message never crossed
    # the internet), ``summary`` the sender, recipients, subject and date from its Outlook properties.
    outlook: bool = False
    summary: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str:
        """The first value of header ``name`` (any case), or ""."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), "")

    def all_of(self, name: str) -> list[str]:
        """Every value of header ``name`` (any case), in order."""
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]


@dataclass(frozen=True)
class Problem:
    """One thing the pre-filing review found, from any check (the declaration's, the order's, the
    pre-filing check's): how serious ("blocking": the filing papers are refused until it is fixed,
    unless a draft is asked for; "warning": look at it), a stable ``code``, the words, ``where`` it is
    in words a reader knows (a domain, "Exhibit 12", "proposed order: Verisign"), and ``target``, the
    place the window can show for it ("details", "domain:<name>", "exhibit:<number>", "item:<id>",
    "paragraph:<key>", "redaction:<id>", or "" for nowhere in particular)."""

    severity: str  # "blocking" | "warning"
    code: str
    message: str
    where: str = ""
    target: str = ""

    @property
    def blocking(self) -> bool:
        return self.severity == "blocking"

    def as_json(self) -> dict[str, str]:
        return {"severity": self.severity, "code": self.code, "message": self.message, "where": self.where,
                "target": self.target}

    def __str__(self) -> str:
        return f"{self.severity}: {self.where + ': ' if self.where else ''}{self.message} [{self.code}]"
