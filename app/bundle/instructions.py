"""VERIFY.txt: how anyone checks the bundle with stock tools, no evbundle needed.

It is a tag file, listed in the signed tag manifest, so the instructions
themselves cannot be edited without breaking the signature. Tests run the
commands exactly as written here.
"""

from __future__ import annotations

import shlex

SIGNATURE_FILE = "signature/tagmanifest-sha256.txt.p7s"
CERTIFICATE_FILE = "signature/signer.pem"

OPENSSL_VERIFY = (
    f"openssl cms -verify -binary -inform DER -in {SIGNATURE_FILE} "
    f"-content tagmanifest-sha256.txt -CAfile {CERTIFICATE_FILE} -purpose any"
)
OPENSSL_FINGERPRINT = f"openssl x509 -in {CERTIFICATE_FILE} -noout -fingerprint -sha256"
TIMESTAMP_FILE = f"{SIGNATURE_FILE}.tsr"
OPENSSL_TIMESTAMP_TEXT = f"openssl ts -reply -in {TIMESTAMP_FILE} -text"
OPENSSL_TIMESTAMP_VERIFY = (
    f"openssl ts -verify -in {TIMESTAMP_FILE} -data {SIGNATURE_FILE} -CAfile TSA-ROOT.pem"
)

# Recomputes app.core.custody's chain: canonical JSON (sorted keys, no spaces,
# UTF-8) of each entry without its entry_hash, hashed with SHA-256.
CUSTODY_SCRIPT = """\
python3 - <<'END'
import hashlib, json
previous = "0" * 64
broken = 0
with open("custody.jsonl", encoding="utf-8") as log:
    for number, line in enumerate(log, start=1):
        if not line.strip():
            continue
        entry = json.loads(line)
        claimed = entry.pop("entry_hash")
        body = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        good = entry["prev_hash"] == previous and hashlib.sha256(body.encode("utf-8")).hexdigest() == claimed
        broken += not good
        print("entry", entry["seq"], "ok" if good else "BROKEN")
        previous = claimed
print("custody chain holds" if not broken else "custody chain BROKEN")
END"""


def verify_command(bundle: str, fingerprint: str) -> str:
    """The command that checks ``bundle`` and expects ``fingerprint`` as its signer (VALID, exit 0, if so)."""
    return f"evbundle verify {shlex.quote(str(bundle))} --trust {fingerprint}"


def verify_instructions(bag_name: str, signer_subject: str, fingerprint: str) -> bytes:
    """The text of VERIFY.txt for a bag named ``bag_name`` signed by the given certificate."""
    folder = shlex.quote(bag_name)
    text = f"""\
HOW TO VERIFY THIS EVIDENCE BUNDLE
==================================

This bundle is a BagIt 1.0 bag (RFC 8493) named {bag_name}, packed in a zip
file. Every step below uses stock tools (unzip, Python 3 with bagit-python
from the Library of Congress, OpenSSL), works offline, and needs no
software from the people who made the bundle.

How the pieces hold together:
  data/...                   the evidence, byte for byte as acquired
  manifest-sha256.txt,
  manifest-sha512.txt        the SHA-256 and SHA-512 hash of every file in data/
  tagmanifest-sha256.txt,
  tagmanifest-sha512.txt     the hashes of every other file: bagit.txt,
                             bag-info.txt, both manifests, case.json,
                             custody.jsonl and this VERIFY.txt
  {SIGNATURE_FILE}
                             the signer's detached CMS signature over
                             tagmanifest-sha256.txt
  {CERTIFICATE_FILE}       the signer's X.509 certificate
So the signature covers the tag manifest, the tag manifest covers the
manifests, and the manifests cover every exhibit.

Signed by:   {signer_subject}
Certificate SHA-256 fingerprint:
  {fingerprint}
(This copy of the fingerprint proves nothing by itself: compare it, in step
4, with the one printed in the sworn declaration and the certification.)

1. Unzip the bundle (replace BUNDLE.zip with the file's name):

     unzip BUNDLE.zip

2. Check that every file is present, unchanged and nothing was added
   (install once with: python3 -m pip install bagit):

     bagit.py --validate {folder}

   It must end with "{folder} is valid". Without Python, inside the
   folder, "sha256sum -c manifest-sha256.txt" checks the evidence files.

3. Check the signature over the tag manifest (inside the folder):

     cd {folder}
     {OPENSSL_VERIFY}

   It prints the tag manifest, then "Verification successful" (on some
   systems "CMS Verification successful"). Any other result means the tag
   manifest or the signature was changed.

4. Check who signed:

     {OPENSSL_FINGERPRINT}

   The fingerprint it prints must be the one in the sworn declaration and
   in the certification. The certificate is self-signed unless it came
   from an organisation's PKI; the fingerprint is what identifies the
   signer.

5. Check the custody log (inside the folder). Each line of custody.jsonl is
   one event; its entry_hash is the SHA-256 of the line's JSON without the
   entry_hash field, written with sorted keys, no spaces and UTF-8
   characters as they are; prev_hash is the previous entry's entry_hash
   (64 zeros for the first). This recomputes the chain (paste the lines
   between the markers into a shell as they are, unindented):

---- begin ----
{CUSTODY_SCRIPT}
---- end ----

   Every entry must print "ok".

6. If the folder signature/ holds {TIMESTAMP_FILE.split("/")[1]},
   the signature carries an RFC 3161 trusted timestamp: a timestamp
   authority (TSA) certified that the signature file existed at the time it
   states. Show the time and the authority (inside the folder):

     {OPENSSL_TIMESTAMP_TEXT}

   and check it against the authority's root certificate, saved from the
   authority's own website as TSA-ROOT.pem:

     {OPENSSL_TIMESTAMP_VERIFY}

   It must print "Verification: OK". Without that file, the bundle was
   not timestamped and the time of signing rests on the signer's clock.
"""
    return text.encode("utf-8")

