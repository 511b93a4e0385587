"""A real RFC 3161 timestamp authority on 127.0.0.1: `openssl ts -reply` behind http.server.

Each authority gets its own test PKI, made with cryptography: a root CA, an
intermediate CA and the TSA certificate (critical timeStamping extended key
usage), as public TSAs have. The same server publishes what a real CA
publishes for them, so that sealing can gather validation data the way it
would from a public TSA:

- ``/ca/<n>.der``: the issuer certificates (authorityInfoAccess caIssuers);
- ``/ocsp``: the issuing CA's OCSP responder (authorityInfoAccess OCSP) for
  the TSA certificate;
- ``/crl/<n>.crl``: each CA's CRL (cRLDistributionPoints); the root, offline
  as roots are, offers only its CRL for the issuing CA.

``valid_days`` sets when the TSA certificate expires, so a test can move its
own clock past that day (never sleeping); ``expired`` puts the whole window in
the past. ``revoke()`` revokes the TSA certificate from a given moment.
``publish=False`` leaves out AIA and CRL distribution points (a TSA that
offers no validation data). The config leaves out ``certs =`` (rfc3161-client
rejects replies that carry extra chain certificates): the chain is found
through caIssuers, as with many public TSAs. Never touches the internet.
"""

from __future__ import annotations

import datetime
import http.server
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from types import TracebackType

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

CONFIG = """\
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
dir = {folder}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""

DAY = datetime.timedelta(days=1)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Loopback Test TSA (FICTIONAL)")])


class LoopbackTSA:
    """Start with ``with LoopbackTSA(...) as tsa:``; ``tsa.url`` answers timestamp queries."""

    def __init__(self, name: str = "Test TSA", *, expired: bool = False, eku: bool = True, valid_days: int = 300,
                 publish: bool = True) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="evbundle-tsa-"))
        self.requests: list[bytes] = []
        self.fetches: list[str] = []  # paths of the validation data asked for (GET /ca, /crl; POST /ocsp)
        self.revoked_at: datetime.datetime | None = None
        self._serving = False
        self._signers: dict[int, x509.Certificate] = {}
        self._revoked: dict[int, datetime.datetime] = {}
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        host, port = self._server.server_address[:2]
        self.base = f"http://{host}:{port}"
        now = datetime.datetime.now(datetime.UTC)
        self.root_key = ec.generate_private_key(ec.SECP256R1())
        self.ca = self._certificate(  # the root: what a reader saves from the TSA's site as TSA-ROOT.pem
            _name(f"{name} Root CA"), _name(f"{name} Root CA"), self.root_key.public_key(), self.root_key,
            now - 400 * DAY, now + 4000 * DAY, ca=True, publish=False,
        )
        self.intermediate_key = ec.generate_private_key(ec.SECP256R1())
        self.intermediate = self._certificate(
            _name(f"{name} Issuing CA"), self.ca.subject, self.intermediate_key.public_key(), self.root_key,
            now - 400 * DAY, now + 3000 * DAY, ca=True, publish=publish, issuer_index=1,
        )
        tsa_key = ec.generate_private_key(ec.SECP256R1())
        start, end = ((now - 300 * DAY, now - DAY) if expired else (now - DAY, now + valid_days * DAY))
        self.certificate = self._certificate(
            _name(name), self.intermediate.subject, tsa_key.public_key(), self.intermediate_key, start, end,
            ca=False, publish=publish, issuer_index=2, eku=eku,
        )
        (self._folder / "tsa.pem").write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))
        (self._folder / "tsa.key").write_bytes(tsa_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        self.ca_file = self._folder / "ca.pem"
        self.ca_file.write_bytes(self.ca.public_bytes(serialization.Encoding.PEM))
        (self._folder / "serial").write_text("01\n")
        self._config = self._folder / "ts.cnf"
        self._config.write_text(CONFIG.format(folder=self._folder))

    def _certificate(
        self, subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePublicKey, signing_key: ec.EllipticCurvePrivateKey,
        start: datetime.datetime, end: datetime.datetime, *, ca: bool, publish: bool, issuer_index: int = 0,
        eku: bool = False,
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key)
            .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()), critical=False)
        )
        if publish:
            # The root is offline, as roots are: it publishes a CRL for the issuing CA, no OCSP.
            ocsp_url = [x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                                               x509.UniformResourceIdentifier(f"{self.base}/ocsp"))]
            builder = builder.add_extension(x509.AuthorityInformationAccess([
                *(ocsp_url if issuer_index == 2 else []),
                x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                                       x509.UniformResourceIdentifier(f"{self.base}/ca/{issuer_index}.der")),
            ]), critical=False).add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                [x509.UniformResourceIdentifier(f"{self.base}/crl/{issuer_index}.crl")], None, None, None)]),
                critical=False)
        if eku:
            builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        return builder.sign(signing_key, hashes.SHA256())

    @property
    def url(self) -> str:
        return f"{self.base}/tsa"

    def revoke(self, at: datetime.datetime, certificate: x509.Certificate | None = None) -> None:
        """Revoke the TSA certificate (or one made by :meth:`issue_signer`) as of ``at``."""
        if certificate is None:
            self.revoked_at = at
        else:
            self._revoked[certificate.serial_number] = at

    def issue_signer(self, name: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        """An investigator's certificate from the issuing CA (an organisation's PKI), which the OCSP
        responder answers for: a signer "with a chain"."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        certificate = self._certificate(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]), self.intermediate.subject, key.public_key(),
            self.intermediate_key, now - DAY, now + 365 * DAY, ca=False, publish=True, issuer_index=2,
        )
        self._signers[certificate.serial_number] = certificate
        return certificate, key

    def reply(self, query: bytes) -> bytes:
        """What `openssl ts -reply` answers to ``query`` (also usable without HTTP)."""
        with tempfile.TemporaryDirectory(dir=self._folder) as work:
            query_file, reply_file = Path(work) / "q.tsq", Path(work) / "r.tsr"
            query_file.write_bytes(query)
            subprocess.run(
                ["openssl", "ts", "-reply", "-config", str(self._config), "-queryfile", str(query_file),
                 "-out", str(reply_file)],
                check=True, capture_output=True, timeout=30,
            )
            return reply_file.read_bytes()

    # --- what the CA publishes -------------------------------------------------------

    def _issuers(self) -> dict[int, tuple[x509.Certificate, ec.EllipticCurvePrivateKey]]:
        return {1: (self.ca, self.root_key), 2: (self.intermediate, self.intermediate_key)}

    def crl(self, index: int) -> bytes:
        issuer, key = self._issuers()[index]
        now = datetime.datetime.now(datetime.UTC)
        builder = (x509.CertificateRevocationListBuilder().issuer_name(issuer.subject)
                   .last_update(now - datetime.timedelta(minutes=5)).next_update(now + 7 * DAY))
        revoked = dict(self._revoked)
        if self.revoked_at is not None:
            revoked[self.certificate.serial_number] = self.revoked_at
        for serial, when in revoked.items() if index == 2 else ():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build())
        return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def ocsp_answer(self, request_der: bytes) -> bytes:
        request = ocsp.load_der_ocsp_request(request_der)
        known = {self.intermediate.serial_number: (self.intermediate, 1),
                 self.certificate.serial_number: (self.certificate, 2),
                 **{serial: (cert, 2) for serial, cert in self._signers.items()}}
        revoked_at = dict(self._revoked)
        if self.revoked_at is not None:
            revoked_at[self.certificate.serial_number] = self.revoked_at
        if request.serial_number in known:
            subject, index = known[request.serial_number]
            issuer, key = self._issuers()[index]
            now = datetime.datetime.now(datetime.UTC)
            when = revoked_at.get(subject.serial_number)
            builder = ocsp.OCSPResponseBuilder().add_response(
                cert=subject, issuer=issuer, algorithm=request.hash_algorithm,
                cert_status=ocsp.OCSPCertStatus.REVOKED if when else ocsp.OCSPCertStatus.GOOD,
                # Pre-produced, as responders' answers are: current a few minutes before the question.
                this_update=now - datetime.timedelta(minutes=5), next_update=now + DAY,
                revocation_time=when, revocation_reason=None,
            ).responder_id(ocsp.OCSPResponderEncoding.HASH, issuer)
            return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
        return ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(
            serialization.Encoding.DER)

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        authority = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _send(self, body: bytes, kind: str, status: int = 200) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path == "/ocsp":
                    authority.fetches.append(self.path)
                    self._send(authority.ocsp_answer(body), "application/ocsp-response")
                    return
                authority.requests.append(body)
                self._send(authority.reply(body), "application/timestamp-reply")

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                authority.fetches.append(self.path)
                issuers = authority._issuers()
                for index, (issuer, _) in issuers.items():
                    if self.path == f"/ca/{index}.der":
                        self._send(issuer.public_bytes(serialization.Encoding.DER), "application/pkix-cert")
                        return
                    if self.path == f"/crl/{index}.crl":
                        self._send(authority.crl(index), "application/pkix-crl")
                        return
                self._send(b"not here", "text/plain", 404)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        return Handler

    def __enter__(self) -> LoopbackTSA:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self._serving = True
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self._serving:
            self._server.shutdown()
        self._server.server_close()
        shutil.rmtree(self._folder, ignore_errors=True)
