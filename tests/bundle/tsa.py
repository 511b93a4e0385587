"""A real RFC 3161 timestamp authority on 127.0.0.1: `openssl ts -reply` behind http.server.

Each authority gets its own test CA and TSA certificate (critical
timeStamping extended key usage), made with cryptography; the validity
window can be moved to the past to make an expired TSA. The config leaves
out ``certs =`` (rfc3161-client rejects replies that carry extra chain
certificates). Never touches the internet.
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
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

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


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Loopback Test TSA (FICTIONAL)")])


class LoopbackTSA:
    """Start with ``with LoopbackTSA(...) as tsa:``; ``tsa.url`` answers timestamp queries."""

    def __init__(self, name: str = "Test TSA", *, expired: bool = False, eku: bool = True) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="evbundle-tsa-"))
        now = datetime.datetime.now(datetime.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        self.ca = (
            x509.CertificateBuilder().subject_name(_name(f"{name} Root CA")).issuer_name(_name(f"{name} Root CA"))
            .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=400)).not_valid_after(now + datetime.timedelta(days=400))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256())
        )
        tsa_key = ec.generate_private_key(ec.SECP256R1())
        start, end = ((now - datetime.timedelta(days=300), now - datetime.timedelta(days=1)) if expired
                      else (now - datetime.timedelta(days=1), now + datetime.timedelta(days=300)))
        builder = (
            x509.CertificateBuilder().subject_name(_name(name)).issuer_name(self.ca.subject)
            .public_key(tsa_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
        )
        if eku:
            builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        self.certificate = builder.sign(ca_key, hashes.SHA256())
        (self._folder / "tsa.pem").write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))
        (self._folder / "tsa.key").write_bytes(tsa_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        self.ca_file = self._folder / "ca.pem"
        self.ca_file.write_bytes(self.ca.public_bytes(serialization.Encoding.PEM))
        (self._folder / "serial").write_text("01\n")
        self._config = self._folder / "ts.cnf"
        self._config.write_text(CONFIG.format(folder=self._folder))
        self.requests: list[bytes] = []
        self._server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/tsa"

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

    def __enter__(self) -> LoopbackTSA:
        authority = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                authority.requests.append(query)
                body = authority.reply(query)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        shutil.rmtree(self._folder, ignore_errors=True)
