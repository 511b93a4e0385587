"""VERIFY.txt: how anyone checks the bundle with stock tools, no evbundle needed.

It is a tag file, listed in the signed tag manifest, so the instructions
themselves cannot be edited without breaking the signature. Tests run the
commands exactly as written here.
"""

from __future__ import annotations

import shlex

SIGNATURE_FILE = "signature/tagmanifest-sha256.txt.p7s"
CERTIFICATE_FILE = "signature/signer.pem"
SIGNER_BASE = "signature/signer"  # the signer's validation data: signature/signer.chain.pem, .revocation-N.ocsp

# Where the reader's own files go: beside BUNDLE.zip, two folders up from the bag, never inside the
# unzipped bundle (where step 4 would find them, and evbundle verify report them, as added files).
USED_CERTIFICATE = "../../signer-used.pem"
TSA_ROOT = "../../TSA-ROOT.pem"
UNZIPPED = "unzipped"
# -signer writes the certificate that actually made the signature: step 5 fingerprints that one, not
# signer.pem (a signer.pem holding a second certificate would otherwise let a signature by it pass
# under the first one's fingerprint). -partial_chain: signer.pem is the signer's own certificate, a
# PKI signer's too; -no-CApath: the system's CAs vouch for nothing here.
OPENSSL_VERIFY = (
    f"openssl cms -verify -binary -inform DER -in {SIGNATURE_FILE} "
    f"-content tagmanifest-sha256.txt -CAfile {CERTIFICATE_FILE} -no-CApath -partial_chain -purpose any "
    f"-signer {USED_CERTIFICATE}"
)
OPENSSL_FINGERPRINT = f"openssl x509 -in {USED_CERTIFICATE} -noout -fingerprint -sha256"
CERTIFICATE_COUNT = f'grep -c "BEGIN CERTIFICATE" {CERTIFICATE_FILE} {USED_CERTIFICATE}'
TIMESTAMP_FILE = f"{SIGNATURE_FILE}.tsr"
# Every token, checked as of the time it states (-attime, RFC 3161 appendix B: it still checks after
# the authority's certificate has expired) with the authority's chain stored beside it (-untrusted);
# archive timestamps (renewals) cover a SHA-512 listing, which sha512sum checks.
TIMESTAMP_SCRIPT = f"""\
for T in signature/*.tsr; do
  if [ ! -e "$T" ]; then continue; fi
  case $T in signature/archive-*) D=${{T%.tsr}};; *) D={SIGNATURE_FILE};; esac
  openssl ts -reply -in "$T" -text | grep -E '^(Time stamp|TSA):'
  AT=$(openssl ts -reply -in "$T" -text | python3 -c "import sys, re, calendar, time; \\
t = re.search(r'^Time stamp: (.*?)(\\.[0-9]+)? GMT', sys.stdin.read(), re.M).group(1); \\
print(calendar.timegm(time.strptime(' '.join(t.split()), '%b %d %H:%M:%S %Y')))")
  openssl ts -verify -in "$T" -data "$D" -CAfile {TSA_ROOT} -untrusted "$T.chain.pem" -attime "$AT"
done
for A in signature/archive-*.sha512; do
  if [ ! -e "$A" ]; then continue; fi
  if command -v sha512sum > /dev/null; then sha512sum -c "$A"; else shasum -a 512 -c "$A"; fi
done"""

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


# Lists every file of the unzipped bag against the signed manifests: bagit.py does not look
# beside data/ or in signature/, nor into a linked folder. Decodes the manifest's %0A, %0D, %25 as
# RFC 8493 asks; names with control characters are printed escaped, so that no name can print a line.
# Files named like validation data count only where step 7 uses them (a token's chain) or where a
# chain has the certificate they are about, and are listed as what they are.
LISTING_SCRIPT = """\
python3 - <<'END'
import os, re
def shown(name):
    return name if name.isprintable() else ascii(name)
listed = {"tagmanifest-sha256.txt", "tagmanifest-sha512.txt",
          "signature/tagmanifest-sha256.txt.p7s", "signature/signer.pem"}
for manifest in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
    with open(manifest, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                name = line.rstrip("\\n").split(" ", 1)[1].lstrip(" ")
                listed.add(name.replace("%0A", "\\n").replace("%0D", "\\r").replace("%25", "%"))
found, odd = set(), []
for folder, folders, names in os.walk("."):
    for name in folders + names:
        path = os.path.relpath(os.path.join(folder, name)).replace(os.sep, "/")
        if os.path.islink(path) or not (os.path.isdir(path) or os.path.isfile(path)):
            odd.append(path)
        elif name in names:
            found.add(path)
        elif path != "data" and not os.listdir(path):
            odd.append(path + "/")
here = os.path.basename(os.getcwd())
beside = sorted(set(os.listdir("..")) - {here})
extra = found - listed
token = re.compile(r"signature/(tagmanifest-sha256[.]txt[.]p7s|archive-[0-9]{2}[.]sha512)[.]tsr")
tokens = {n for n in extra if token.fullmatch(n) and (n.startswith("signature/t") or n[:-4] in extra)}
chains = {n + ".chain.pem" for n in tokens} & extra
signer = {"signature/signer.chain.pem"} & extra if "signature/tagmanifest-sha256.txt.p7s.tsr" in tokens else set()
answers = set(signer)
for name in extra:
    part = re.fullmatch(r"(.+)[.]revocation-([0-9]+)[.](ocsp|crl)", name)
    if part and part[1] + ".chain.pem" in chains | signer:
        with open(part[1] + ".chain.pem", "rb") as chain:
            if 1 <= int(part[2]) <= chain.read().count(b"-----BEGIN CERTIFICATE-----"):
                answers.add(name)
later = tokens | {n[:-4] for n in tokens if n.startswith("signature/a")} | chains
for name in sorted(extra - later - answers):
    print("NOT COVERED BY THE SIGNATURE:", shown(name))
for name in sorted(odd):
    print("A LINK, DEVICE OR EMPTY FOLDER (no bundle holds one):", shown(name))
for name in beside:
    print("BESIDE THE BAG FOLDER (in the folder of step 1; nothing covers it):", shown(name))
for name in sorted(listed - found):
    print("MISSING:", shown(name))
for name in sorted(later):
    print("added at or after signing, checked in step 7:", shown(name))
for name in sorted(answers):
    print("validation data that no stock step checks (evbundle verify does):", shown(name))
good = found - later - answers == listed and not odd and not beside
print("every file is covered by the signature" if good else "THE FILE LIST DIFFERS")
END"""



def verify_command(bundle: str, fingerprint: str, *, timestamped: bool = False) -> str:
    """The command that checks ``bundle`` and expects ``fingerprint`` as its signer (VALID, exit 0, if so); for a
    timestamped bundle also the timestamp authority's root, saved from the authority's own site (step 7)."""
    stamp = " --trust-tsa TSA-ROOT.pem" if timestamped else ""
    return f"evbundle verify {shlex.quote(str(bundle))} --trust {fingerprint}{stamp}"


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
5, with the one printed in the sworn declaration and the certification.)

Each step says what it proves and what it does not; together they prove
that every file is the one the signer sealed, and nothing was added.

1. Unzip the bundle into a new, empty folder (in the folder that holds
   it; replace BUNDLE.zip with the file's name):

     mkdir {UNZIPPED}
     unzip BUNDLE.zip -d {UNZIPPED}
     cd {UNZIPPED}

   It must finish without a warning or error. "bad CRC", "mismatching
   local filename" or "extra bytes" mean the zip itself was altered: stop.
   The folder {UNZIPPED} must then hold the bag's folder and nothing else
   (step 4 checks). Files of your own (steps 3 and 7) go beside BUNDLE.zip.

2. Check every file against the manifests (install once with:
   python3 -m pip install bagit):

     bagit.py --validate {folder}

   It must end with "{folder} is valid". This proves that every file in
   data/ matches both of its hashes, that none is missing and none was
   added to data/, and that the tag files the tag manifests list match
   them. It does NOT notice a file added beside data/ or in signature/,
   nor a linked folder in data/ (step 4 does), nor manifests rewritten as
   a whole (step 3 does).
   Without Python, inside the folder, "sha256sum -c manifest-sha256.txt"
   checks the evidence files only.

3. Check the signature over the tag manifest (inside the bag's folder):

     cd {folder}
     {OPENSSL_VERIFY}

   It prints the tag manifest, then "Verification successful" (on some
   systems "CMS Verification successful"), and saves the certificate whose
   key made the signature as signer-used.pem beside BUNDLE.zip. This
   proves that tagmanifest-sha256.txt is exactly what that key signed, so
   with step 2 every listed file is as sealed. Any other result means the
   tag manifest or the signature was changed. It does not say whose key
   it is (step 5 does).

4. Check that nothing was added that the signature does not cover (inside
   the folder; paste the lines between the markers into a shell as they
   are, unindented):

---- begin file list check ----
{LISTING_SCRIPT}
---- end file list check ----

   It must print "every file is covered by the signature". This proves the
   folder holds exactly the files the signed manifests list (no link, no
   empty folder, nothing beside the bag's folder), plus the signature, the
   certificate and what only step 7 can check: timestamp tokens, their
   chains and renewals, and the revocation answers stored with them
   (it lists those, and says which no stock step checks).

5. Check who signed (inside the bag's folder, after step 3):

     {OPENSSL_FINGERPRINT}
     {CERTIFICATE_COUNT}

   The fingerprint it prints must be the one in the sworn declaration and
   in the certification, and grep must count 1 for each file: the bundle's
   signature/signer.pem holds exactly one certificate, and exactly one key
   signed. It is the certificate step 3 saw make the signature, not merely
   the one in signer.pem. The certificate is self-signed unless it came
   from an organisation's PKI; the fingerprint is what identifies the
   signer: anyone can make a certificate with any name, no one else can
   sign with the key of this fingerprint.

   With evbundle installed, one command does steps 1 to 7 and names
   every problem (exit code 0 only when all hold for this signer):

     {verify_command("BUNDLE.zip", fingerprint)}

6. Check the custody log (inside the folder). Each line of custody.jsonl is
   one event; its entry_hash is the SHA-256 of the line's JSON without the
   entry_hash field, written with sorted keys, no spaces and UTF-8
   characters as they are; prev_hash is the previous entry's entry_hash
   (64 zeros for the first). This recomputes the chain (paste the lines
   between the markers into a shell as they are, unindented):

---- begin ----
{CUSTODY_SCRIPT}
---- end ----

   Every entry must print "ok". This proves no entry of the log was
   removed, reordered or edited after it was written.

7. If the folder signature/ holds {TIMESTAMP_FILE.split("/")[1]},
   the signature carries an RFC 3161 trusted timestamp: a timestamp
   authority (TSA) certified that the signature file existed at the time it
   states. Beside each token (.tsr) the bundle keeps its authority's
   certificate chain (.tsr.chain.pem) and, where the authority's CA offers
   them, OCSP responses or CRLs (.tsr.revocation-N.ocsp or .crl, about the
   N-th certificate of the chain) from when the token was made: they show
   the authority's certificates were sound then, after the authority itself
   may be gone. A renewed bundle also holds archive timestamps
   (archive-NN.sha512 with its .tsr): each lists the SHA-512 of every file
   outside data/ as it was, and was timestamped before the timestamp before
   it weakened, so the chain of timestamps carries the proof forward.

   Save each authority's root certificate from the authority's own website
   into one file, TSA-ROOT.pem, beside BUNDLE.zip (not inside the unzipped
   bundle, where it would be an added file). Then (inside the bag's folder;
   paste the lines between the markers into a shell as they are,
   unindented) this shows each token's time and authority and checks it at
   the time it states, which still works after the authority's certificate
   has expired (without -attime openssl then refuses it):

---- begin timestamp check ----
{TIMESTAMP_SCRIPT}
---- end timestamp check ----

   Each token must print "Verification: OK" and each archive listing "OK"
   for every file. A token verified against a root you did not save from
   the authority's own website proves nothing: anyone can make a token in
   any name at any time. evbundle verify says VALID for a timestamped
   bundle only once that root is trusted: for one check,
   "evbundle verify BUNDLE.zip --trust-tsa TSA-ROOT.pem", or on your
   machine (evbundle identity trust TSA-ROOT.pem --for tsa). No command above
   checks the stored OCSP responses and CRLs (evbundle verify does); to
   read one:
   "openssl ocsp -respin FILE -resp_text -noverify" or
   "openssl crl -inform DER -in FILE -text -noout". Without any .tsr file,
   the bundle was not timestamped and the time of signing rests on the
   signer's clock; but if bag-info.txt has a "Signature-Timestamp:" line,
   the bundle was timestamped and the token was removed: stop.
"""
    return text.encode("utf-8")

