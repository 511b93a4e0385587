"""``evbundle identity list | create | import | trust | untrust | use``: who signs, and whom verification trusts."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .exitcodes import EXIT_OK
from .passphrase import read_p12_passphrase, read_passphrase


def register(sub: Any) -> None:
    p = sub.add_parser("identity", help="signing identities and trusted certificates")
    isub = p.add_subparsers(dest="identity_command", metavar="ACTION", required=True)
    i = isub.add_parser("list", help="your identities and the certificates you trust")
    i.add_argument("--json", action="store_true")
    i.set_defaults(handler=list_identities)
    i = isub.add_parser("create", help="create a signing identity (self-signed certificate)")
    i.add_argument("--name", required=True, help="the investigator's name (certificate CN)")
    i.add_argument("--organisation", default="")
    i.add_argument("--label", default="")
    i.add_argument("--algorithm", choices=["ec-p256", "rsa-3072"], default="ec-p256")
    i.add_argument("--email", default="", help="the investigator's e-mail address (optional)")
    i.add_argument("--passphrase-file", type=Path, help="the new identity's passphrase")
    i.set_defaults(handler=create)
    i = isub.add_parser("import", help="import an identity from your organisation's PKI (.p12/.pfx)")
    i.add_argument("file", type=Path)
    i.add_argument("--label", default="")
    i.add_argument("--p12-passphrase-file", type=Path, help="the .p12 file's own passphrase")
    i.add_argument("--passphrase-file", type=Path, help="the passphrase to keep it under here")
    i.set_defaults(handler=import_p12)
    i = isub.add_parser(
        "trust", help="trust the certificates in a PEM/DER file (a signer, a CA or a timestamp authority's root)",
        description="Each certificate is trusted for what --for names: 'signer' (this certificate signs bundles), "
                    "'ca' (a certificate authority: the certificates it issued sign bundles; only your "
                    "organisation's own CA), 'tsa' (a timestamp authority or its root). Without --for, a signer's "
                    "or a timestamp authority's own certificate gets its evident purpose; a CA must be named.")
    i.add_argument("file", type=Path)
    i.add_argument("--for", dest="purposes", action="append", default=[], choices=["signer", "ca", "tsa"],
                   help="what the certificates are trusted for (repeatable)")
    i.set_defaults(handler=trust)
    i = isub.add_parser("untrust", help="never trust a signer here again (a leaked key): one of your identities, "
                                        "or any certificate by its whole fingerprint or its certificate file, even "
                                        "one a trusted CA issued; every certificate for its public key is "
                                        "distrusted too when the certificate is known")
    i.add_argument("fingerprint", metavar="FINGERPRINT|CERT.pem")
    i.set_defaults(handler=untrust)
    i = isub.add_parser("use", help="choose the identity that signs a case")
    i.add_argument("case", type=Path)
    i.add_argument("fingerprint")
    i.set_defaults(handler=use)


def list_identities(args: argparse.Namespace) -> int:
    from app.ops.identity import identity_listing

    listing = identity_listing()
    if args.json:
        print(json.dumps({
            "identities": [{"label": i.label, "subject": i.subject, "fingerprint": i.fingerprint,
                            "created_at": i.created_at, "not_valid_after": i.not_valid_after,
                            "trusted_here": i.fingerprint not in listing.untrusted} for i in listing.identities],
            "trusted": [{"subject": t.subject, "fingerprint": t.fingerprint, "authority": t.is_authority,
                         "purposes": sorted(t.purposes)} for t in listing.trusted],
            "never_trusted": listing.distrusted,
        }, indent=1, ensure_ascii=False))
        return EXIT_OK
    for i in listing.identities:
        print(f"identity  {i.fingerprint}  {i.subject}" + (f"  [{i.label}]" if i.label else "")
              + ("  (not trusted here)" if i.fingerprint in listing.untrusted else ""))
    for t in listing.trusted:
        print(f"trusted   {t.fingerprint}  {t.subject}  (as: {t.purpose_text()})")
    for fingerprint in listing.distrusted:
        print(f"never     {fingerprint}  (you said not to trust it)")
    print(f"{len(listing.identities)} identity(ies), {len(listing.trusted)} trusted certificate(s)")
    return EXIT_OK


def create(args: argparse.Namespace) -> int:
    from app.ops.identity import new_identity

    made = new_identity(args.name, args.organisation, read_passphrase(args.passphrase_file, confirm=True),
                        label=args.label, algorithm=args.algorithm, email=args.email).identity
    print(f"created signing identity {made.fingerprint}  {made.subject}")
    return EXIT_OK


def import_p12(args: argparse.Namespace) -> int:
    from app.ops.identity import import_identity

    original = read_p12_passphrase(args.p12_passphrase_file)
    made = import_identity(args.file, original, read_passphrase(args.passphrase_file, confirm=True),
                           label=args.label).identity
    print(f"imported signing identity {made.fingerprint}  {made.subject}")
    return EXIT_OK


def trust(args: argparse.Namespace) -> int:
    from app.ops.identity import trust as trust_file

    for entry in trust_file(args.file, tuple(args.purposes)).certificates:
        print(f"trusted {entry.fingerprint}  {entry.subject}  (as: {entry.purpose_text()})")
    return EXIT_OK


def untrust(args: argparse.Namespace) -> int:
    from app.ops.identity import key_distrusted, set_trusted, untrust_certificate_file

    if Path(args.fingerprint).is_file():
        for fingerprint in untrust_certificate_file(Path(args.fingerprint)):
            print(f"no longer trusted here: {fingerprint}, and any certificate for its public key")
        return EXIT_OK
    set_trusted(args.fingerprint, False)
    print(f"no longer trusted here: {args.fingerprint}")
    if not key_distrusted(args.fingerprint):
        print("its certificate is not on this machine, so only that certificate (and re-encodings of it) is "
              "distrusted: to distrust its public key under any certificate (a renewal keeps the key), "
              "give its certificate file: evbundle identity untrust CERT.pem")
    return EXIT_OK


def use(args: argparse.Namespace) -> int:
    from app.ops.case import open_case
    from app.ops.identity import choose_case_identity

    with open_case(args.case) as case:
        chosen = choose_case_identity(case, args.fingerprint).identity
    print(f"{args.case} is signed by {chosen.fingerprint}  {chosen.subject}")
    return EXIT_OK
