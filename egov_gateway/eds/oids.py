"""Object identifiers of NCA of RK certificates and of the CMS structures we accept."""

from __future__ import annotations

# Extended key usage: what the key is for.
EKU_EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4"  # a signing key (ЭЦП для подписи)
EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"  # an authentication key (ЭЦП для аутентификации)
EKU_OCSP_SIGNING = "1.3.6.1.5.5.7.3.9"

# Role of the holder, carried as extended key usage values by NCA of RK.
ROLE_INDIVIDUAL = "1.2.398.3.3.4.1.1"  # физическое лицо
ROLE_EMPLOYEE = "1.2.398.3.3.4.1.2"  # сотрудник юридического лица
ROLE_HEAD = "1.2.398.3.3.4.1.2.1"  # первый руководитель
ROLE_RIGHT_TO_SIGN = "1.2.398.3.3.4.1.2.2"  # лицо с правом подписи
ROLE_OIDS = frozenset({ROLE_INDIVIDUAL, ROLE_EMPLOYEE, ROLE_HEAD, ROLE_RIGHT_TO_SIGN})

# Certificate policies of NCA of RK (as seen in the NCA test certificates).
POLICY_LEGAL_SIGN = "1.2.398.3.3.2.1"
POLICY_LEGAL_AUTH = "1.2.398.3.3.2.2"
POLICY_INDIVIDUAL_SIGN = "1.2.398.3.3.2.3"
POLICY_INDIVIDUAL_AUTH = "1.2.398.3.3.2.4"

# GOST 34.310-2004 and GOST 34.10-2015 algorithms of the Kazakh national standard all live here.
GOST_ARC = "1.2.398.3.10.1"

CMS_DATA = "1.2.840.113549.1.7.1"


def is_gost(oid: str) -> bool:
    """Whether an algorithm OID is of the Kazakh GOST family (``cryptography`` cannot verify it)."""
    return oid == GOST_ARC or oid.startswith(GOST_ARC + ".")
