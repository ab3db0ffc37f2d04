"""CMS SignedData (PKCS#7), as NCALayer produces it: making one and reading one.

NCALayer's ``sign`` with ``format: "cms"`` returns a SignedData with one SignerInfo, the signer's
certificate, and the signed attributes contentType, messageDigest and signingTime; detached when
``encapsulate`` is false. ``create_detached_cms`` / ``create_attached_cms`` make the same structure
with a software key (the sandbox NCALayer and the tests); ``parse_cms`` reads any CMS into the parts
the verification needs, refusing anything that is not a well-formed SignedData.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asn1crypto import algos, core, pem
from asn1crypto import cms as asn1_cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from egov_gateway.eds.errors import MalformedSignature
from egov_gateway.eds.oids import CMS_DATA

HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


# ---------------------------------------------------------------------------------------------
# Making a CMS (sandbox NCALayer, tests)
# ---------------------------------------------------------------------------------------------


def create_detached_cms(
    data: bytes,
    key,
    cert,
    chain: Iterable = (),
    signing_time: datetime | None = None,
    **options,
) -> bytes:
    """A detached CMS SignedData over ``data`` (DER), as NCALayer makes with ``encapsulate: false``.

    ``key`` is a ``cryptography`` RSA or EC private key, ``cert`` and ``chain`` certificates
    (``cryptography`` objects or DER/PEM bytes). Options for tests: ``content_type`` (an OID or an
    asn1crypto name, "data" by default), ``digest_algorithm`` ("sha256"), ``rsa_padding``
    ("pkcs1v15" or "pss"), ``signing_time_attribute`` (False leaves signingTime out).
    """
    return _create(data, key, cert, chain, signing_time, attached=False, **options)


def create_attached_cms(
    data: bytes,
    key,
    cert,
    chain: Iterable = (),
    signing_time: datetime | None = None,
    **options,
) -> bytes:
    """Like ``create_detached_cms`` but with ``data`` encapsulated in the CMS."""
    return _create(data, key, cert, chain, signing_time, attached=True, **options)


def _create(
    data: bytes,
    key,
    cert,
    chain: Iterable,
    signing_time: datetime | None,
    *,
    attached: bool,
    content_type: str = "data",
    digest_algorithm: str = "sha256",
    rsa_padding: str = "pkcs1v15",
    signing_time_attribute: bool = True,
) -> bytes:
    signer = _asn1_certificate(cert)
    digest = hashlib.new(digest_algorithm, data).digest()
    attributes = [
        asn1_cms.CMSAttribute({"type": "content_type", "values": [content_type]}),
    ]
    if signing_time_attribute:
        when = (signing_time or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        attributes.append(
            asn1_cms.CMSAttribute(
                {"type": "signing_time", "values": [asn1_cms.Time({"utc_time": when})]}
            )
        )
    attributes.append(asn1_cms.CMSAttribute({"type": "message_digest", "values": [digest]}))
    signed_attrs = asn1_cms.CMSAttributes(attributes)
    signature, signature_algorithm = sign_bytes(
        signed_attrs.dump(), key, digest_algorithm=digest_algorithm, rsa_padding=rsa_padding
    )
    signer_info = asn1_cms.SignerInfo(
        {
            "version": "v1",
            "sid": asn1_cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": asn1_cms.IssuerAndSerialNumber(
                        {"issuer": signer.issuer, "serial_number": signer.serial_number}
                    )
                }
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": digest_algorithm}),
            "signed_attrs": signed_attrs,
            "signature_algorithm": signature_algorithm,
            "signature": signature,
        }
    )
    signed_data = asn1_cms.SignedData(
        {
            # RFC 5652 §5.1: version 3 when the encapsulated content is not id-data.
            "version": "v1" if content_type in ("data", CMS_DATA) else "v3",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": digest_algorithm})],
            "encap_content_info": {
                "content_type": content_type,
                "content": data if attached else None,
            },
            "certificates": [signer, *(_asn1_certificate(c) for c in chain)],
            "signer_infos": [signer_info],
        }
    )
    return asn1_cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


def sign_bytes(
    message: bytes, key, *, digest_algorithm: str = "sha256", rsa_padding: str = "pkcs1v15"
) -> tuple[bytes, algos.SignedDigestAlgorithm]:
    """Sign ``message`` with an RSA or EC key; return the signature and its CMS algorithm."""
    hash_algorithm = HASHES[digest_algorithm]()
    if isinstance(key, rsa.RSAPrivateKey):
        if rsa_padding == "pss":
            salt = hash_algorithm.digest_size
            signature = key.sign(
                message,
                padding.PSS(mgf=padding.MGF1(hash_algorithm), salt_length=salt),
                hash_algorithm,
            )
            params = algos.RSASSAPSSParams(
                {
                    "hash_algorithm": {"algorithm": digest_algorithm},
                    "mask_gen_algorithm": {
                        "algorithm": "mgf1",
                        "parameters": {"algorithm": digest_algorithm},
                    },
                    "salt_length": salt,
                }
            )
            return signature, algos.SignedDigestAlgorithm(
                {"algorithm": "rsassa_pss", "parameters": params}
            )
        signature = key.sign(message, padding.PKCS1v15(), hash_algorithm)
        return signature, algos.SignedDigestAlgorithm({"algorithm": f"{digest_algorithm}_rsa"})
    if isinstance(key, ec.EllipticCurvePrivateKey):
        signature = key.sign(message, ec.ECDSA(hash_algorithm))
        return signature, algos.SignedDigestAlgorithm({"algorithm": f"{digest_algorithm}_ecdsa"})
    raise TypeError(f"cannot sign with a {type(key).__name__}")


def _asn1_certificate(cert) -> asn1_x509.Certificate:
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    if isinstance(cert, x509.Certificate):
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    data = bytes(cert)
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return asn1_x509.Certificate.load(data)


# ---------------------------------------------------------------------------------------------
# Reading a CMS
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedAttributes:
    """The signed attributes of the SignerInfo, by dotted OID, and the exact bytes signed."""

    der_for_signature: bytes  # the attributes re-tagged as a SET OF, as RFC 5652 §5.4 says
    values: dict[str, list]  # dotted OID -> asn1crypto values

    def single(self, oid: str):
        """The one value of an attribute, None if absent; several values or copies are refused."""
        values = self.values.get(oid)
        if values is None:
            return None
        if len(values) != 1:
            raise MalformedSignature(detail=f"attribute {oid} must have exactly one value")
        return values[0]


@dataclass(frozen=True)
class ParsedCms:
    """The parts of a SignedData the verification needs."""

    content_type: str  # dotted OID of the encapsulated content
    content: bytes | None  # None when detached
    certificates: tuple[bytes, ...]  # DER, as carried in the CMS
    signer_certificate: bytes | None  # DER of the certificate the SignerInfo points at
    digest_algorithm: str  # dotted OID
    digest_algorithm_name: str  # asn1crypto name ("sha256"), or the dotted OID when unknown
    signature_algorithm: str  # dotted OID
    signature_algorithm_name: str
    signature_parameters: Any  # asn1crypto parameters (RSASSA-PSS), or None; untyped
    signature: bytes
    signed_attributes: SignedAttributes | None
    der: bytes


OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_TIME = "1.2.840.113549.1.9.5"


def parse_cms(data: bytes) -> ParsedCms:
    """Read a CMS SignedData (DER or PEM) with exactly one signer. Raises ``MalformedSignature``."""
    if not data:
        raise MalformedSignature(detail="empty CMS")
    try:
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        info = asn1_cms.ContentInfo.load(data, strict=True)
        if info["content_type"].native != "signed_data":
            raise MalformedSignature(detail=f"not SignedData: {info['content_type'].dotted}")
        signed_data = info["content"]
        signer_infos = signed_data["signer_infos"]
        if len(signer_infos) != 1:
            raise MalformedSignature(detail=f"{len(signer_infos)} signers; exactly one expected")
        signer_info = signer_infos[0]
        encap = signed_data["encap_content_info"]
        content = encap["content"]
        certificates = [
            choice.chosen
            for choice in (signed_data["certificates"] or [])
            if choice.name == "certificate"
        ]
        signature_algorithm = signer_info["signature_algorithm"]
        parsed = ParsedCms(
            content_type=encap["content_type"].dotted,
            content=None if isinstance(content, core.Void) else _octets(content),
            certificates=tuple(cert.dump() for cert in certificates),
            signer_certificate=_find_signer(signer_info["sid"], certificates),
            digest_algorithm=signer_info["digest_algorithm"]["algorithm"].dotted,
            digest_algorithm_name=signer_info["digest_algorithm"]["algorithm"].native,
            signature_algorithm=signature_algorithm["algorithm"].dotted,
            signature_algorithm_name=signature_algorithm["algorithm"].native,
            signature_parameters=_parameters(signature_algorithm),
            signature=signer_info["signature"].native,
            signed_attributes=_signed_attributes(signer_info["signed_attrs"]),
            der=data,
        )
    except MalformedSignature:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as error:
        raise MalformedSignature(detail=f"unreadable CMS: {error}") from error
    return parsed


def _octets(content) -> bytes:
    # id-data is an OCTET STRING (asn1crypto merges a BER constructed one); other content types
    # are kept as the raw bytes that were encapsulated.
    if isinstance(content, (core.OctetString, core.ParsableOctetString)):
        return bytes(content)
    return content.contents


def _parameters(algorithm):
    if algorithm["algorithm"].native == "rsassa_pss":
        return algorithm["parameters"]
    return None


def _signed_attributes(attrs) -> SignedAttributes | None:
    if isinstance(attrs, core.Void) or attrs is None:
        return None
    encoded = bytearray(attrs.dump())
    # [0] IMPLICIT SET OF -> universal SET OF (0x31) for the signature, same length and contents.
    encoded[0] = 0x31
    values: dict[str, list] = {}
    for attribute in attrs:
        oid = attribute["type"].dotted
        if oid in values:
            raise MalformedSignature(detail=f"attribute {oid} appears twice")
        values[oid] = list(attribute["values"])
    return SignedAttributes(der_for_signature=bytes(encoded), values=values)


def _find_signer(sid, certificates: list[asn1_x509.Certificate]) -> bytes | None:
    if sid.name == "issuer_and_serial_number":
        wanted = sid.chosen
        for cert in certificates:
            if (
                cert.serial_number == wanted["serial_number"].native
                and cert.issuer == wanted["issuer"]
            ):
                return cert.dump()
        return None
    key_id = sid.chosen.native
    for cert in certificates:
        if cert.key_identifier == key_id:
            return cert.dump()
    return None


def signing_time_of(parsed: ParsedCms) -> datetime | None:
    """The signingTime attribute as an aware datetime, None when absent."""
    if parsed.signed_attributes is None:
        return None
    value = parsed.signed_attributes.single(OID_SIGNING_TIME)
    if value is None:
        return None
    try:
        when = value.native
    except ValueError as error:
        raise MalformedSignature(detail=f"unreadable signingTime: {error}") from error
    if not isinstance(when, datetime):
        raise MalformedSignature(detail="signingTime is not a time")
    return when if when.tzinfo else when.replace(tzinfo=UTC)
