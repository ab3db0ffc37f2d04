"""The mathematics of a CMS signature: the message digest and the signature value (RFC 5652 §5.4).

RSA (PKCS#1 v1.5 and PSS) and ECDSA are verified here with ``cryptography``; GOST is not (see
``ncanode.py``). The signature covers the DER of the signed attributes, and the messageDigest
attribute covers exactly the signed document.
"""

from __future__ import annotations

import hmac

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.exceptions import UnsupportedAlgorithm as UnsupportedKeyType
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from egov_gateway.eds import cms
from egov_gateway.eds.errors import (
    BadSignature,
    DigestMismatch,
    MalformedSignature,
    MissingSignedAttributes,
    UnsupportedAlgorithm,
)

# SHA-1 and MD5 are refused: a collision would let one signature stand for two documents.
DIGESTS = dict(cms.HASHES)
RSA_PKCS1 = {"rsassa_pkcs1v15": None, **{f"{name}_rsa": name for name in DIGESTS}}
ECDSA = {"ecdsa": None, **{f"{name}_ecdsa": name for name in DIGESTS}}


def digest_algorithm(parsed: cms.ParsedCms) -> hashes.HashAlgorithm:
    algorithm = DIGESTS.get(parsed.digest_algorithm_name)
    if algorithm is None:
        raise UnsupportedAlgorithm(detail=f"digest algorithm {parsed.digest_algorithm}")
    return algorithm()


def check_message_digest(parsed: cms.ParsedCms, data: bytes) -> None:
    """The messageDigest attribute must be the digest of exactly ``data``."""
    attributes = parsed.signed_attributes
    if attributes is None:
        raise MissingSignedAttributes(detail="no signed attributes")
    value = attributes.single(cms.OID_MESSAGE_DIGEST)
    if value is None:
        raise MissingSignedAttributes(detail="no messageDigest attribute")
    try:
        expected = value.native
    except ValueError as error:
        raise MalformedSignature(detail=f"unreadable messageDigest: {error}") from error
    hasher = hashes.Hash(digest_algorithm(parsed))
    hasher.update(data)
    if not isinstance(expected, bytes) or not hmac.compare_digest(hasher.finalize(), expected):
        raise DigestMismatch(detail="messageDigest differs from the digest of the document")


def verify_signature_value(parsed: cms.ParsedCms, certificate_der: bytes) -> str:
    """Check the signature over the signed attributes with the certificate's public key.

    Returns a short name of the algorithm ("rsa-pkcs1v15-sha256", "rsa-pss-sha256",
    "ecdsa-sha256"). Raises ``BadSignature`` or ``UnsupportedAlgorithm``.
    """
    if parsed.signed_attributes is None:
        raise MissingSignedAttributes(detail="no signed attributes")
    message = parsed.signed_attributes.der_for_signature
    hash_algorithm = digest_algorithm(parsed)
    name = parsed.signature_algorithm_name
    try:
        public_key = x509.load_der_x509_certificate(certificate_der).public_key()
    except (ValueError, TypeError, UnsupportedKeyType) as error:
        # A key of an unknown type (a mangled algorithm OID) is cryptography's own exception.
        raise UnsupportedAlgorithm(detail=f"signer's public key: {error}") from error
    try:
        if name in RSA_PKCS1:
            _same_hash(RSA_PKCS1[name], hash_algorithm)
            if not isinstance(public_key, rsa.RSAPublicKey):
                raise _key_mismatch()
            public_key.verify(parsed.signature, message, padding.PKCS1v15(), hash_algorithm)
            return f"rsa-pkcs1v15-{hash_algorithm.name}"
        if name == "rsassa_pss":
            if not isinstance(public_key, rsa.RSAPublicKey):
                raise _key_mismatch()
            public_key.verify(
                parsed.signature, message, _pss(parsed, hash_algorithm), hash_algorithm
            )
            return f"rsa-pss-{hash_algorithm.name}"
        if name in ECDSA:
            _same_hash(ECDSA[name], hash_algorithm)
            if not isinstance(public_key, ec.EllipticCurvePublicKey):
                raise _key_mismatch()
            public_key.verify(parsed.signature, message, ec.ECDSA(hash_algorithm))
            return f"ecdsa-{hash_algorithm.name}"
    except InvalidSignature as error:
        raise BadSignature(
            detail="the signature over the signed attributes does not verify"
        ) from error
    raise UnsupportedAlgorithm(detail=f"signature algorithm {parsed.signature_algorithm}")


def _same_hash(named: str | None, hash_algorithm: hashes.HashAlgorithm) -> None:
    if named is not None and named != hash_algorithm.name:
        raise MalformedSignature(
            detail=f"signature algorithm names {named}, digest algorithm is {hash_algorithm.name}"
        )


def _key_mismatch() -> BadSignature:
    return BadSignature(detail="the signature algorithm does not match the signer's key type")


def _pss(parsed: cms.ParsedCms, hash_algorithm: hashes.HashAlgorithm) -> padding.PSS:
    params = parsed.signature_parameters
    try:
        pss_hash = params["hash_algorithm"]["algorithm"].native
        mgf = params["mask_gen_algorithm"]
        mgf_hash = mgf["parameters"]["algorithm"].native
        salt = params["salt_length"].native
    except (KeyError, TypeError, ValueError) as error:
        raise MalformedSignature(detail=f"RSASSA-PSS parameters: {error}") from error
    if mgf["algorithm"].native != "mgf1" or pss_hash != hash_algorithm.name:
        raise UnsupportedAlgorithm(detail="RSASSA-PSS with another hash or mask function")
    if mgf_hash not in DIGESTS:
        raise UnsupportedAlgorithm(detail=f"MGF1 with {mgf_hash}")
    return padding.PSS(mgf=padding.MGF1(DIGESTS[mgf_hash]()), salt_length=salt)
