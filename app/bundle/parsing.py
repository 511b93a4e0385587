"""One guard for parsing hostile certificates, CRLs, OCSP answers and CMS from a bundle.

``cryptography`` raises ValueError for most bad input, but not all: a certificate whose version
field says 6 raises ``x509.InvalidVersion`` (an Exception, not a ValueError), and asn1crypto raises
TypeError, KeyError or IndexError on structures that parse lazily. Every parser the verifier runs on
bytes from a bundle goes through :func:`parsed`, so whatever it raises reaches the caller as
:class:`Unparseable` (a ValueError), which each caller turns into a problem naming the file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from cryptography import x509
from cryptography.x509 import ocsp

T = TypeVar("T")


class Unparseable(ValueError):
    """Bytes from a bundle that a parser refused, whatever it raised."""


def parsed(load: Callable[[bytes], T], data: bytes) -> T:
    """``load(data)``, any failure (ValueError, InvalidVersion, TypeError, …) raised as :class:`Unparseable`."""
    try:
        return load(data)
    except RecursionError as exc:
        raise Unparseable("nested too deeply") from exc
    except Exception as exc:
        raise Unparseable(f"{exc.__class__.__name__}: {exc}"[:300]) from exc


def pem_certificates(data: bytes) -> list[x509.Certificate]:
    """Every PEM certificate in ``data``; Unparseable if there is none or one cannot be read."""
    return parsed(x509.load_pem_x509_certificates, data)


def der_certificate(data: bytes) -> x509.Certificate:
    return parsed(x509.load_der_x509_certificate, data)


def der_crl(data: bytes) -> x509.CertificateRevocationList:
    return parsed(x509.load_der_x509_crl, data)


def pem_crl(data: bytes) -> x509.CertificateRevocationList:
    return parsed(x509.load_pem_x509_crl, data)


def der_ocsp(data: bytes) -> ocsp.OCSPResponse:
    return parsed(ocsp.load_der_ocsp_response, data)
