"""Whose key it is and what it may do: purpose (key usage, EKU), IIN and BIN (ID-2).

NCA of RK writes the purpose of a key into key usage and extended key usage, the holder's IIN into
the subject SERIALNUMBER and the organisation's BIN into OU (``certificates.py``). A signature is
accepted only from a key for the purpose asked, held by the person (and, for an act of an
organisation, for the organisation) on whose behalf the act is done.
"""

from __future__ import annotations

from egov_gateway.eds.errors import WrongBin, WrongKeyPurpose, WrongSignerIin
from egov_gateway.eds.signer import Purpose
from portal.identifiers import is_valid_bin, is_valid_iin


def check_purpose(*, purposes: frozenset[Purpose], purpose: Purpose) -> None:
    """SIGN needs nonRepudiation + EKU emailProtection; AUTH needs EKU clientAuth."""
    if purpose not in purposes:
        raise WrongKeyPurpose(detail=f"key purposes {sorted(purposes)}, {purpose} asked")


def check_holder(*, iin: str, bin: str, expected_iin: str, expected_bin: str | None) -> None:
    """The certificate's IIN must be ``expected_iin`` and, when ``expected_bin`` is given, its BIN
    must be ``expected_bin``.

    Certificates whose IIN or BIN fail the control digit (NCA's test certificates use such
    placeholders) identify nobody and are refused (ID-1). Without ``expected_bin`` an
    organisation's certificate is accepted for the person it names; callers that need the act
    to bind an organisation pass its BIN, and may look at the role OIDs of the result.
    """
    if not iin or not is_valid_iin(iin):
        raise WrongSignerIin(
            WrongSignerIin.invalid_message, detail=f"certificate IIN {iin!r} is not a valid IIN"
        )
    if iin != expected_iin:
        raise WrongSignerIin(detail=f"certificate IIN {iin}, expected {expected_iin}")
    if expected_bin is None:
        if bin and not is_valid_bin(bin):
            raise WrongBin(WrongBin.invalid_message, detail=f"certificate BIN {bin!r} is not valid")
        return
    if not bin:
        raise WrongBin(
            WrongBin.personal_message, detail=f"personal certificate, BIN {expected_bin} expected"
        )
    if not is_valid_bin(bin):
        raise WrongBin(WrongBin.invalid_message, detail=f"certificate BIN {bin!r} is not valid")
    if bin != expected_bin:
        raise WrongBin(detail=f"certificate BIN {bin}, expected {expected_bin}")
