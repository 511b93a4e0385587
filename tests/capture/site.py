"""A small hostile-enough web site on 127.0.0.1 for capture tests: HTTPS with a certificate made here.

``/start`` redirects (302) to ``/page.html``, a page three viewports tall
(at 1280x800) with an image, an element a script inserts (itself an image,
so the WARC proves the script ran), an image loaded natively lazily and one
loaded by an IntersectionObserver only when scrolled into view (so the WARC
proves the capture scrolled), a stylesheet sent gzip-encoded, and a link
that opens a pop-up window. Beside it: a port that speaks no TLS (a TLS
handshake failure) and a port that refuses connections (unreachable).
"""

from __future__ import annotations

import datetime as dt
import gzip
import http.server
import io
import ipaddress
import socket
import socketserver
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PIL import Image

VIEWPORT_HEIGHT = 800
PAGE_HEIGHT = 3 * VIEWPORT_HEIGHT + 200

PAGE = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Cheap Pharmacy Online</title>
<link rel="stylesheet" href="/style.css">
<style>body {{ margin: 0; font: 24px sans-serif; }} .screen {{ height: {VIEWPORT_HEIGHT}px; }}</style>
</head><body>
<div class="screen" id="first"><h1>Cheap Pharmacy Online</h1><img src="/img.png" width="120" height="60" alt="logo">
<p><a href="#" onclick="window.open('/popup.html'); return false;" id="pop">offer</a></p></div>
<div class="screen" id="second"><p>Second screen</p></div>
<div class="screen" id="third"><p>Third screen</p>
<img src="/lazy-native.png" loading="lazy" width="120" height="60" alt="lazy">
<div style="height: 150px"></div>
<img data-src="/lazy-io.png" class="io" width="120" height="60" alt="io"></div>
<div style="height: 200px" id="end">End of page</div>
<script>
  var inserted = document.createElement("div");
  inserted.id = "inserted";
  inserted.innerHTML = '<img src="/inserted.png" width="60" height="30"> inserted by script';
  document.getElementById("first").appendChild(inserted);
  var io = new IntersectionObserver(function (entries) {{
    entries.forEach(function (e) {{
      if (e.isIntersecting) {{ e.target.src = e.target.dataset.src; io.unobserve(e.target); }}
    }});
  }});
  document.querySelectorAll("img.io").forEach(function (img) {{ io.observe(img); }});
  window.open("/popup.html");
</script>
</body></html>
"""

COLOURS = {"/img.png": (0, 128, 0), "/inserted.png": (200, 0, 0), "/lazy-native.png": (0, 0, 200),
           "/lazy-io.png": (200, 200, 0)}


def _png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 60), colour).save(out, "PNG")
    return out.getvalue()


@dataclass
class Site:
    """Where the test site listens, its certificate, and what it was asked for."""

    port: int
    certificate_pem: bytes
    fingerprint: str  # SHA-256 of the certificate's DER, as openssl prints it
    tls_failure_port: int
    closed_port: int
    requests: list[str] = field(default_factory=list)

    @property
    def start(self) -> str:
        return f"https://127.0.0.1:{self.port}/start"

    @property
    def page(self) -> str:
        return f"https://127.0.0.1:{self.port}/page.html"

    @property
    def tls_failure(self) -> str:
        return f"https://127.0.0.1:{self.tls_failure_port}/"

    @property
    def unreachable(self) -> str:
        return f"https://127.0.0.1:{self.closed_port}/"


def make_certificate(folder: Path) -> tuple[Path, Path, bytes, str]:
    """A self-signed EC certificate for 127.0.0.1: (cert path, key path, PEM, fingerprint)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Pharmacy Ltd")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM)
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    cert_path, key_path = folder / "site.pem", folder / "site.key"
    cert_path.write_bytes(pem)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path, pem, ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def _handler(site: Site) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            site.requests.append(self.path)
            path = self.path.split("?", 1)[0]
            if path == "/start":
                self._send(302, b"", [("Location", "/page.html")])
            elif path == "/page.html":
                self._send(200, PAGE.encode("utf-8"), [("Content-Type", "text/html; charset=utf-8")])
            elif path == "/popup.html":
                self._send(200, b"<p>pop-up</p>", [("Content-Type", "text/html")])
            elif path == "/style.css":
                body = gzip.compress(b"h1 { color: #0a4; }\n" * 20, mtime=0)
                self._send(200, body, [("Content-Type", "text/css"), ("Content-Encoding", "gzip")])
            elif path in COLOURS:
                self._send(200, _png(COLOURS[path]), [("Content-Type", "image/png")])
            elif path == "/download.bin":
                self._send(200, b"MZ\x90\x00not really a program" * 10,
                           [("Content-Type", "application/octet-stream"),
                            ("Content-Disposition", 'attachment; filename="invoice.exe"')])
            else:
                self._send(404, b"not found", [("Content-Type", "text/plain")])

        def _send(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


class _NoTls(socketserver.BaseRequestHandler):
    """Answers a TLS ClientHello with plain HTTP: the handshake fails."""

    def handle(self) -> None:
        try:
            self.request.recv(1024)
            self.request.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        except OSError:
            pass


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed when this returns: connections are refused


@contextmanager
def serve(folder: Path) -> Iterator[Site]:
    cert_path, key_path, pem, fingerprint = make_certificate(folder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    no_tls = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _NoTls)
    site = Site(port=web.server_address[1], certificate_pem=pem, fingerprint=fingerprint,
                tls_failure_port=no_tls.server_address[1], closed_port=_closed_port())
    web.RequestHandlerClass = _handler(site)
    web.socket = context.wrap_socket(web.socket, server_side=True)
    servers = [web, no_tls]
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield site
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
