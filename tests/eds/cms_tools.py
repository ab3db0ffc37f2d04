"""Tampering with CMS structures, for the forgery tests (asn1crypto, no shortcuts)."""

from __future__ import annotations

from datetime import datetime, timedelta

from asn1crypto import algos, cms
from asn1crypto import x509 as asn1_x509

from egov_gateway.eds.cms import sign_bytes


def load(der: bytes) -> cms.ContentInfo:
    return cms.ContentInfo.load(der)


def shift_signing_time(der: bytes, delta: timedelta) -> bytes:
    """Change the signingTime attribute and keep the old signature: the signed attributes are
    altered while the message digest still matches the document."""
    info = load(der)
    signer = info["content"]["signer_infos"][0]
    attributes = []
    for attribute in signer["signed_attrs"]:
        if attribute["type"].native == "signing_time":
            when: datetime = attribute["values"][0].native + delta
            attribute = cms.CMSAttribute(
                {"type": "signing_time", "values": [cms.Time({"utc_time": when})]}
            )
        attributes.append(attribute)
    signer["signed_attrs"] = cms.CMSAttributes(attributes)
    return info.dump(force=True)


def replace_certificates(der: bytes, certificates: list[bytes]) -> bytes:
    info = load(der)
    info["content"]["certificates"] = [asn1_x509.Certificate.load(c) for c in certificates]
    return info.dump(force=True)


def without_certificates(der: bytes) -> bytes:
    info = load(der)
    info["content"]["certificates"] = None
    return info.dump(force=True)


def without_signed_attributes(der: bytes, data: bytes, key) -> bytes:
    """A valid RFC 5652 signature straight over the content, with no signed attributes."""
    info = load(der)
    signer = info["content"]["signer_infos"][0]
    signature, algorithm = sign_bytes(data, key)
    signer["signed_attrs"] = None
    signer["signature_algorithm"] = algorithm
    signer["signature"] = signature
    return info.dump(force=True)


def with_second_signer(der: bytes, other: bytes) -> bytes:
    info = load(der)
    second = load(other)["content"]["signer_infos"][0]
    signers = info["content"]["signer_infos"]
    info["content"]["signer_infos"] = cms.SignerInfos([signers[0], second])
    return info.dump(force=True)


def gost_cms(
    certificate_der: bytes, data: bytes, *, signing_time: datetime, attached: bool = False
) -> bytes:
    """A CMS shaped like NCALayer's GOST signature over ``data`` whose signer certificate is
    ``certificate_der``. GOST cannot be computed here, so the digest and signature values are
    placeholders: only a GOST verifier (NCANode) can judge them."""
    cert = asn1_x509.Certificate.load(certificate_der)
    gost_digest = "1.2.398.3.10.1.3.1"  # GOST 34.311-95
    gost_signature = cert["signature_algorithm"]["algorithm"].dotted
    attributes = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
            cms.CMSAttribute(
                {"type": "signing_time", "values": [cms.Time({"utc_time": signing_time})]}
            ),
            cms.CMSAttribute({"type": "message_digest", "values": [b"\x11" * 32]}),
        ]
    )
    signer = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {"issuer": cert.issuer, "serial_number": cert.serial_number}
                    )
                }
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": gost_digest}),
            "signed_attrs": attributes,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": gost_signature}),
            "signature": b"\x5a" * 64,
        }
    )
    signed_data = cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": gost_digest})],
            "encap_content_info": {"content_type": "data", "content": data if attached else None},
            "certificates": [cert],
            "signer_infos": [signer],
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


def gost_certificate_with_subject(certificate_der: bytes, *, iin: str, bin: str) -> bytes:
    """The real GOST certificate with another IIN and BIN in its subject (its issuer's signature
    is then wrong, which only a GOST verifier could notice)."""
    cert = asn1_x509.Certificate.load(certificate_der)
    tbs = cert["tbs_certificate"]
    rdns = []
    for rdn in tbs["subject"].chosen:
        kind = rdn[0]["type"].native
        if kind == "serial_number":
            rdn = _rdn(
                "serial_number",
                asn1_x509.DirectoryString(name="printable_string", value=f"IIN{iin}"),
            )
        elif kind == "organizational_unit_name":
            rdn = _rdn(
                "organizational_unit_name",
                asn1_x509.DirectoryString(name="utf8_string", value=f"BIN{bin}"),
            )
        rdns.append(rdn)
    tbs["subject"] = asn1_x509.Name(name="", value=asn1_x509.RDNSequence(rdns))
    return cert.dump(force=True)


def _rdn(kind: str, value) -> asn1_x509.RelativeDistinguishedName:
    return asn1_x509.RelativeDistinguishedName(
        [asn1_x509.NameTypeAndValue({"type": kind, "value": value})]
    )
