"""Signing of gateway requests (WS-Security with an XML-DSig signature over the SOAP Body).

The gateway accepts only signed requests. A signer is pluggable (``EGOV_REQUEST_SIGNER``, a
dotted path) so that an HSM or the national Kalkan provider can replace the software key; the
default signs with an RSA key and certificate issued by NCA of RK (PKCS#12 or PEM files).
There is deliberately no "no-op" signer: without a usable key the gateway client refuses to start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.utils.module_loading import import_string
from lxml import etree
from signxml import XMLSigner, methods

from egov_gateway import conf
from egov_gateway.errors import SourceNotConfigured

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"


@runtime_checkable
class RequestSigner(Protocol):
    """Signs a SOAP envelope in place: the Body, referenced by its ``wsu:Id``."""

    def sign(self, envelope: etree._Element, *, body_id: str) -> etree._Element: ...


class XmlDsigSigner:
    """RSA-SHA256 XML-DSig over the Body, exclusive C14N, the certificate in ``ds:KeyInfo``."""

    def __init__(self, *, private_key, certificate_pem: str) -> None:
        self._key = private_key
        self._cert = certificate_pem
        self._signer = XMLSigner(method=methods.detached, c14n_algorithm=EXC_C14N)

    @classmethod
    def from_files(cls, *, key_path: str, cert_path: str = "", password: str = "") -> XmlDsigSigner:
        secret = password.encode() if password else None
        key_bytes = _read(key_path, what="signing key")
        if key_path.lower().endswith((".p12", ".pfx")):
            key, cert, _chain = pkcs12.load_key_and_certificates(key_bytes, secret)
            if key is None or cert is None:
                raise SourceNotConfigured(f"{key_path} holds no key and certificate")
            pem = cert.public_bytes(serialization.Encoding.PEM).decode()
            return cls(private_key=key, certificate_pem=pem)
        key = serialization.load_pem_private_key(key_bytes, secret)
        pem = _read(cert_path, what="signing certificate").decode()
        return cls(private_key=key, certificate_pem=pem)

    @classmethod
    def from_settings(cls, gateway: conf.SoapGatewaySettings) -> XmlDsigSigner:
        return cls.from_files(
            key_path=gateway.signing_key_path,
            cert_path=gateway.signing_cert_path,
            password=gateway.signing_key_password,
        )

    def sign(self, envelope: etree._Element, *, body_id: str) -> etree._Element:
        signature = self._signer.sign(
            envelope, key=self._key, cert=self._cert, reference_uri=f"#{body_id}"
        )
        header = envelope.find(f"{{{SOAP_NS}}}Header")
        if header is None:
            header = etree.Element(f"{{{SOAP_NS}}}Header")
            envelope.insert(0, header)
        security = etree.SubElement(header, f"{{{WSSE_NS}}}Security", nsmap={"wsse": WSSE_NS})
        security.set(f"{{{SOAP_NS}}}mustUnderstand", "1")
        security.append(signature)
        return envelope


def _read(path: str, *, what: str) -> bytes:
    if not path:
        raise SourceNotConfigured(
            f"no {what} is configured: the gateway backend signs every request "
            "(set EGOV_SIGNING_KEY / EGOV_SIGNING_CERT)"
        )
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise SourceNotConfigured(f"cannot read the {what} {path}: {exc}") from exc


def signer_from_settings(gateway: conf.SoapGatewaySettings | None = None) -> RequestSigner:
    """The configured signer, or SourceNotConfigured: requests are never sent unsigned."""
    gateway = gateway or conf.soap_gateway()
    if not gateway.signer:
        raise SourceNotConfigured("EGOV_REQUEST_SIGNER is empty: the gateway needs signed requests")
    factory = import_string(gateway.signer)
    signer = factory.from_settings(gateway) if hasattr(factory, "from_settings") else factory()
    if not isinstance(signer, RequestSigner):
        raise SourceNotConfigured(f"{gateway.signer} is not a RequestSigner")
    return signer
