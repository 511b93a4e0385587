"""The time part of verification: timestamps, their validation data, renewals, and every file in signature/.

Mixed into the verification run (see verify.py) beside :class:`SignerChecks`.
Each file in signature/ has one role (archive.py's :func:`signature_folder`);
each is read and judged once, in time linear in their number, and a file that
nothing judged is reported, so that nothing can ride along in a bundle
unnoticed. Times are judged against the verification clock too: no token,
OCSP response or CRL can come from the future, and a renewal cannot be older
than the timestamp it renews.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import itertools
from collections.abc import Callable

from app.core.hashing import Digests

from .archive import SignatureFolder, archive_number, parse_listing, renewal_due
from .instructions import CERTIFICATE_FILE, SIGNER_BASE, TIMESTAMP_FILE
from .report import TimestampSummary, VerificationReport
from .safezip import BagFiles
from .signing import SignatureFacts, _claims_self_issued
from .timestamp import TimestampError, TimestampFacts, TimestampMismatch, check_timestamp
from .validation import ChainCheck, ValidationData, check_at, read_validation
from .verify_signer import Trust

# How far ahead of this machine's clock a stated time may be before it is impossible: the verifying
# machine's clock may be somewhat off, a timestamp authority's is not.
CLOCK_SKEW = datetime.timedelta(hours=1)
# How far a signature's token may predate the signer's own signing time (the signer's clock a little ahead) before
# it cannot be over that signature; only judged as a problem when the token's authority is not trusted here.
SIGNER_CLOCK_SKEW = datetime.timedelta(minutes=2)
MAX_LISTING_ERRORS = 20  # lines of one archive listing reported one by one; the rest are counted


class StampChecks:
    """Checks of when: timestamps, renewals and the signature folder; mixed into the verification run."""

    report: VerificationReport
    bag: BagFiles
    signature_files: list[str]
    tag_files: list[str]
    add: Callable[..., None]
    _read: Callable[[str], bytes | None]
    now: datetime.datetime
    digests: dict[str, Digests | None]
    judged: set[str]
    folder: SignatureFolder
    _signature_facts: SignatureFacts | None
    _stamp_facts: list[tuple[str, TimestampFacts]]
    _signature_sha512: dict[str, str | None]
    bag_info: dict[str, str]

    def _check_signature_folder(self) -> None:
        """Files in signature/ that this format does not have, or that are out of their place."""
        folder = self.folder
        for name in folder.unknown:
            self.add("extra-file", name, "is not a file the signature folder holds")
        for name, why in folder.misplaced:
            self.add("bad-archive-listing" if not name.endswith(".tsr") else "extra-file", name, why)
        if not folder.tokens:  # the signer's validation data is gathered only with a timestamp
            for name in folder.validation_of(SIGNER_BASE):
                self.add("extra-file", name, "is validation data, but the bundle has no timestamp it goes with")

    def _stored(self, base: str) -> ValidationData:
        """The validation data stored for ``base`` (a token, or the signer); unreadable files are problems."""
        files = {}
        for name in self.folder.validation_of(base):
            self.judged.add(name)
            data = self._read(name)
            if data is not None:
                files[name] = data
        stored, problems = read_validation(base, files)
        for name, message in problems:
            self.add("validation-data-unreadable", name, message)
        return stored

    def _report_chain(self, base: str, chain: ChainCheck) -> None:
        """What the stored data of ``base`` says that is a problem: altered, unused, or made in the future."""
        for suffix, why in chain.altered:
            self.add("validation-data-invalid", base + suffix, f"no longer holds: {why}")
        for suffix, why in chain.unused:
            self.add("extra-file", base + suffix, why)
        for suffix, made in chain.made:
            if made > self.now + CLOCK_SKEW:
                self.add("validation-data-invalid", base + suffix,
                         f"says it was made on {made:%Y-%m-%d %H:%M} UTC, after this verification "
                         f"({self.now:%Y-%m-%d %H:%M} UTC): it cannot be genuine")

    # --- timestamps -----------------------------------------------------------------

    def _check_timestamps(self, trusted: Trust) -> None:
        """Each token must be a sound timestamp, at its own time, over the file it covers as it is."""
        self._stamp_facts = []
        for name in self.folder.tokens:
            self.judged.add(name)
            self.judged.update(self.folder.validation_of(name))  # judged with the token, or with its failure
            covers = self.folder.covered_by(name)
            number = archive_number(covers)
            role = f"archive timestamp {number}" if number is not None else "signature timestamp"
            reply = self._read(name)
            if reply is None:
                continue
            failed = TimestampSummary(name, False, role=role, covers=covers)
            data = self._read(covers)
            if data is None:
                self.add("timestamp-invalid", name, f"cannot be checked: {covers}, which it timestamps, is missing")
                self.report.timestamps.append(failed)
                continue
            try:
                # The stored validation data is read only once the token itself holds (a garbage token's is not).
                facts = check_timestamp(reply, data, trusted.tsas, functools.partial(self._stored, name),
                                        trusted.distrusted)
            except TimestampMismatch as exc:
                self.add("timestamp-mismatch", name,
                         f"{exc.message.replace('signature', 'file it names')}: "
                         f"{'the signature' if number is None else covers} or the timestamp was replaced",
                         expected=exc.expected, found=exc.found)
                self.report.timestamps.append(failed)
                continue
            except TimestampError as exc:
                self.add("timestamp-invalid", name, f"the timestamp is not valid: {exc.message}",
                         expected=exc.expected, found=exc.found)
                self.report.timestamps.append(failed)
                continue
            except Exception as exc:  # noqa: BLE001 - hostile ASN.1 in the token or its stored data, whatever it raises
                self.add("timestamp-invalid", name, "the timestamp or its stored validation data cannot be read "
                         f"({exc.__class__.__name__})")
                self.report.timestamps.append(failed)
                continue
            self._report_chain(name, facts.chain)
            if facts.time > self.now + CLOCK_SKEW:
                self.add("timestamp-invalid", name,
                         f"states a time after this verification ({facts.time:%Y-%m-%d %H:%M} UTC, now "
                         f"{self.now:%Y-%m-%d %H:%M} UTC): no timestamp authority can have made it", )
                self.report.timestamps.append(failed)
                continue
            self._stamp_facts.append((name, facts))
            self.report.timestamps.append(TimestampSummary(
                name, True, facts.time.isoformat(), facts.authority, facts.authority_fingerprint, facts.trusted,
                role=role, covers=covers, authority_not_valid_after=facts.authority_not_valid_after.isoformat(),
                long_term=facts.chain.proven, chain=tuple(facts.chain.statuses),
            ))
            if not facts.trusted:
                refusal = f" ({facts.trust_refusal})" if facts.trust_refusal else ""
                self.report.notes.append(
                    f"The authority of {name} ({facts.authority[:200]}) is not trusted on this machine{refusal}: "
                    "anyone can make a token in any name at any time, so its time rests on that authority's word "
                    "alone (trust its root with evbundle identity trust ROOT.pem --for tsa).")
            if trusted.required and not facts.trusted:
                self.add("untrusted-timestamp", name,
                         "the timestamp authority is not trusted on this machine", found=facts.authority)
            if name == TIMESTAMP_FILE:
                self._judge_signature_stamp(name, facts)
        self._check_chain_of_timestamps()
        self._check_signer_at_timestamp()

    def _judge_signature_stamp(self, name: str, facts: TimestampFacts) -> None:
        """The signature's timestamp against what the signed bag-info.txt and the signer's own clock say.

        A token made by an authority this machine does not trust proves nothing about time: anyone can make one,
        in any name, at any time, so a replaced token looks like the genuine one. Where the signed bag-info.txt
        says the signature was timestamped, the verdict is therefore VALID only with a trusted authority (else
        exit 3, intact but not vouched for here). A token dated before the signer's own signing time cannot be
        over this signature, unless the signer's clock ran ahead: from an untrusted authority it is a problem,
        from a trusted one a note."""
        if "Signature-Timestamp" in self.bag_info and not facts.trusted:
            self.report.unvouched_timestamp = facts.authority[:200]
        signed_at = self._signature_facts.signed_at if self._signature_facts is not None else None
        if signed_at is None or facts.time >= signed_at - SIGNER_CLOCK_SKEW:
            return
        when = (f"is dated {facts.time:%Y-%m-%d %H:%M:%S} UTC, before the signer's own signing time "
                f"({signed_at:%Y-%m-%d %H:%M:%S} UTC)")
        if facts.trusted:
            self.report.notes.append(f"{name} {when}: the trusted authority's time stands, so the signer's clock "
                                     "ran ahead when it signed.")
        else:
            self.add("timestamp-before-signing", name,
                     f"{when}, and its authority is not trusted here: a token cannot be over a signature made after "
                     "it, so this one was replaced (or the signer's clock was wrong)",
                     expected=f"at or after {signed_at:%Y-%m-%d %H:%M:%S} UTC",
                     found=f"{facts.time:%Y-%m-%d %H:%M:%S} UTC")

    def _check_chain_of_timestamps(self) -> None:
        """Each timestamp must have been renewed while it was good, and after it; the last says when to renew."""
        stamps = self._stamp_facts
        for (name, facts), (later, renewal) in itertools.pairwise(stamps):
            if renewal.time < facts.time - CLOCK_SKEW:
                self.add("timestamp-out-of-order", later,
                         f"is dated {renewal.time:%Y-%m-%d %H:%M} UTC, before {name} ({facts.time:%Y-%m-%d %H:%M} "
                         "UTC), which it timestamps: a renewal cannot be older than what it covers")
            elif renewal.time > facts.authority_not_valid_after:
                self.report.notes.append(
                    f"{later} was made on {renewal.time:%Y-%m-%d}, after the certificate of the authority of "
                    f"{name} had expired ({facts.authority_not_valid_after:%Y-%m-%d}): it shows {name} existed "
                    "then, but not that it was still sound.")
            elif facts.authority_not_valid_after < self.now:
                self.report.notes.append(
                    f"The authority's certificate of {name} expired on {facts.authority_not_valid_after:%Y-%m-%d}; "
                    f"{later}, made on {renewal.time:%Y-%m-%d} while it was still valid, carries its proof on.")
        if not stamps:
            return
        name, last = stamps[-1]
        if last.authority_not_valid_after < self.now:
            if last.chain.proven:
                self.report.notes.append(
                    f"The authority's certificate of {name} expired on {last.authority_not_valid_after:%Y-%m-%d}; "
                    "it was checked as of the timestamp's time with the chain and revocation data stored beside it "
                    "(RFC 3161 appendix B).")
            else:
                self.report.notes.append(
                    f"The authority's certificate of {name} expired on {last.authority_not_valid_after:%Y-%m-%d} and "
                    "the bundle stores no revocation data showing it was good at the timestamp's time ("
                    + "; ".join(last.chain.gaps) + "): the timestamp's time rests on the authority's word alone.")
        self.report.renewal = renewal_due(last.authority_not_valid_after, last.hash_algorithm,
                                          last.signature_algorithm, self.now)
        if self.report.renewal:
            self.report.renewal += " (evbundle renew BUNDLE --tsa URL adds an archive timestamp)"

    def _check_signer_at_timestamp(self) -> None:
        """RFC 3161 appendix B: the signer's certificate was valid, and not revoked, at the signature's timestamp."""
        facts = self._signature_facts
        signer_files = self.folder.validation_of(SIGNER_BASE)
        first = next((f for n, f in self._stamp_facts if n == TIMESTAMP_FILE), None)
        if facts is None or first is None:
            self.judged.update(signer_files)  # the signature's or the timestamp's own problem covers them
            return
        signer = facts.certificate
        if _claims_self_issued(signer):
            for name in signer_files:
                self.judged.add(name)
                self.add("extra-file", name, "is validation data for the signer, whose certificate is self-signed "
                         "and has no issuer to be checked against: nothing checks this file")
            signer_files = ()
        stored = self._stored(SIGNER_BASE) if signer_files else ValidationData()
        try:
            check = check_at(signer, facts.certificates, stored, first.time)
        except Exception as exc:  # noqa: BLE001 - hostile stored data, whatever the parsers raise
            self.add("validation-data-invalid", SIGNER_BASE + ".chain.pem",
                     f"the signer's stored validation data cannot be read ({exc.__class__.__name__})")
            return
        self._report_chain(SIGNER_BASE, check)
        for problem in check.problems:
            self.add("signer-invalid-at-timestamp", CERTIFICATE_FILE,
                     f"the signer's certificate at the signature's timestamp: {problem}")
        if check.complete and len(check.chain) > 1 and check.gaps:
            self.report.notes.append("The signer's certificate has issuers, but " + "; ".join(check.gaps) + ".")

    # --- renewals -------------------------------------------------------------------

    def _check_archives(self) -> None:
        """Each archive listing must hold every file that was in the bag before it, with its SHA-512."""
        folder = self.folder
        outside = {*folder.unknown, *(n for n, _ in folder.misplaced)}  # reported already, in no listing's scope
        generation: dict[str, int] = {}
        for name in [*self.tag_files, *self.signature_files]:
            if name not in outside:
                owner = folder.validation.get(name, name).removesuffix(".tsr")
                generation[name] = archive_number(owner) or 0
        by_generation = sorted(generation.items(), key=lambda item: item[1])
        left_out: set[str] = set()
        for listing_name in folder.archives:
            self.judged.add(listing_name)
            number = archive_number(listing_name) or 0
            if listing_name + ".tsr" not in self.bag.sizes:
                self.add("bad-archive-listing", listing_name,
                         f"has no archive timestamp ({listing_name}.tsr is missing): nothing shows when it was made")
            data = self._read(listing_name)
            if data is None:
                continue
            entries, errors = parse_listing(data)
            for error in errors[:MAX_LISTING_ERRORS]:
                self.add("bad-archive-listing", listing_name, error)
            if len(errors) > MAX_LISTING_ERRORS:
                self.add("bad-archive-listing", listing_name,
                         f"has {len(errors) - MAX_LISTING_ERRORS} more lines that are not SHA-512 lines")
            for path, expected in sorted(entries.items()):
                if path not in generation:
                    self.add("missing-file", path, f"is listed in {listing_name} but missing from the bag")
                    continue
                if generation[path] >= number:
                    self.add("bad-archive-listing", listing_name, f"lists {path}, which was added after it")
                    continue
                found = self._sha512(path)
                if found is not None and found != expected:
                    self.add("changed-file", path, f"does not match its SHA-512 in {listing_name} "
                             "(changed after the bundle was renewed)", expected=expected, found=found)
            for path, made in by_generation:
                if made >= number:
                    break
                if path not in entries and path not in left_out:
                    left_out.add(path)
                    self.add("extra-file", path, f"is not in {listing_name}, which lists every file that was "
                             "in the bundle when it was renewed (added later?)")

    def _sha512(self, name: str) -> str | None:
        if name.startswith("signature/"):  # each listing names every earlier file: hash each one once
            if name not in self._signature_sha512:
                data = self._read(name)
                self._signature_sha512[name] = hashlib.sha512(data).hexdigest() if data is not None else None
            return self._signature_sha512[name]
        digests = self.digests.get(name)
        return digests.sha512 if digests is not None else None

    def _check_unjudged(self) -> None:
        """Every file in signature/ was judged by some check, or is reported here."""
        reported = self.report.problem_paths()
        for name in self.signature_files:
            if name not in self.judged and name not in reported:
                self.add("extra-file", name, "is not checked by anything: the bundle holds nothing it belongs to")

