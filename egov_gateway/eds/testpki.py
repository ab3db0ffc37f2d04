"""A test PKI shaped like NCA of RK's, for tests, the demo and the sandbox NCALayer (ID-4).

``build_test_pki(out_dir, people)`` writes a root and an intermediate CA, their CRLs (one revoked
certificate), an OCSP responder certificate and, for every person, AUTH and SIGN certificates with
RSA and EC (P-256) keys shaped exactly like NCA's (``certificates.py``), plus the certificates the
forgery tests need: expired, not yet valid, revoked, and issued by an untrusted CA that copies the
trusted CA's names. Everything goes into PEM files listed in ``manifest.json``;
``TestPKI.load(out_dir)`` reads them back and ``TestPKI.key_for(iin, purpose, bin)`` finds a key.

Private keys are written unencrypted: this PKI is for tests and demonstrations only and is never
trusted in production (see ``conf.py``).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import cast

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes

from egov_gateway.eds import oids
from egov_gateway.eds.pki_issue import (
    Authority,
    EndEntityProfile,
    issue_end_entity,
    make_crl,
    new_authority,
)
from egov_gateway.eds.signer import Purpose

MANIFEST = "manifest.json"
_FOLDERS = ("ca", "crl", "ocsp", "people", "private", "untrusted")
ROOT_NAME = "НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (SANDBOX)"
INTERMEDIATE_NAME = "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (SANDBOX)"
OCSP_RESPONDER_NAME = "OCSP RESPONDER (SANDBOX)"

INDIVIDUAL = "individual"
HEAD = "head"
RIGHT_TO_SIGN = "signer"
EMPLOYEE = "employee"
ROLE_OIDS = {
    INDIVIDUAL: (oids.ROLE_INDIVIDUAL,),
    HEAD: (oids.ROLE_EMPLOYEE, oids.ROLE_HEAD),
    RIGHT_TO_SIGN: (oids.ROLE_EMPLOYEE, oids.ROLE_RIGHT_TO_SIGN),
    EMPLOYEE: (oids.ROLE_EMPLOYEE,),
}
ALGORITHMS = ("rsa", "ec")
VALID = "valid"
# Certificates for the forgery tests, issued to the first person only.
SPECIAL_VARIANTS = ("expired", "not_yet_valid", "revoked", "untrusted")


@dataclass(frozen=True)
class Membership:
    """A person's place in an organisation, as NCA certifies it (role OIDs in the certificate)."""

    bin: str
    organisation: str
    role: str = HEAD


@dataclass(frozen=True)
class TestPerson:
    """A holder of test keys. ``full_name`` is "Surname Name Patronymic", as in demo.json."""

    __test__ = False  # not a pytest test class

    iin: str
    full_name: str
    memberships: tuple[Membership, ...] = ()


# The people the tests sign as. Valid IINs and BINs (control digit and date, ID-1).
TEST_PEOPLE: tuple[TestPerson, ...] = (
    TestPerson("900101300017", "Тестов Алихан Ерланұлы"),
    TestPerson("850505400018", "Тестова Айгерім Нұрланқызы"),
    TestPerson(
        "770303300016",
        "Басшы Ерлан Серікұлы",
        (Membership("100440000014", "ТОО «ТЕСТ ОРТОПЕДИЯ»", HEAD),),
    ),
    TestPerson(
        "881111400014",
        "Қолтаңба Динара Асқарқызы",
        (Membership("100440000014", "ТОО «ТЕСТ ОРТОПЕДИЯ»", RIGHT_TO_SIGN),),
    ),
    TestPerson(
        "920909400011",
        "Қызметкер Әсел Болатқызы",
        (Membership("090540000013", "ТОО «ЕКІНШІ ТЕСТ»", EMPLOYEE),),
    ),
)


def demo_people(path: Path | None = None) -> list[TestPerson]:
    """Everyone in ``portal/reference_data/demo.json``; heads of legal-entity suppliers also get
    their organisation's keys. Empty when the file does not exist."""
    if path is None:
        from portal.reference_data import DATA_DIR

        path = DATA_DIR / "demo.json"
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = list(data.get("operators", [])) + list(data.get("recipients", []))
    for commission in data.get("commissions", []):
        entries += list(commission.get("members", []))
        if commission.get("secretary"):
            entries.append(commission["secretary"])
    people = [TestPerson(entry["iin"], entry["full_name"]) for entry in entries]
    for supplier in data.get("suppliers", []):
        memberships: tuple[Membership, ...] = ()
        if supplier.get("organisation_bin"):
            memberships = (
                Membership(
                    supplier["organisation_bin"], supplier.get("organisation_name", ""), HEAD
                ),
            )
        people.append(TestPerson(supplier["iin"], supplier["full_name"], memberships))
    return people


def default_people() -> list[TestPerson]:
    """The fixed test people first (the forgery certificates go to the first), then the demo."""
    merged: dict[str, TestPerson] = {}
    for person in [*TEST_PEOPLE, *demo_people()]:
        known = merged.get(person.iin)
        if known is None:
            merged[person.iin] = person
        else:
            extra = tuple(m for m in person.memberships if m not in known.memberships)
            merged[person.iin] = TestPerson(known.iin, known.full_name, known.memberships + extra)
    return list(merged.values())


@dataclass(frozen=True)
class TestKey:
    """One key and its certificate, as listed in the manifest."""

    __test__ = False

    iin: str
    bin: str
    full_name: str
    common_name: str
    organisation: str
    role: str
    purpose: Purpose
    algorithm: str
    variant: str
    serial: str
    cert_path: Path
    key_path: Path
    chain_paths: tuple[Path, ...] = ()

    @cached_property
    def private_key(self):
        return serialization.load_pem_private_key(self.key_path.read_bytes(), password=None)

    @cached_property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_path.read_bytes())

    @cached_property
    def chain(self) -> tuple[x509.Certificate, ...]:
        return tuple(x509.load_pem_x509_certificate(p.read_bytes()) for p in self.chain_paths)

    @property
    def certificate_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def certificate_pem(self) -> bytes:
        return self.cert_path.read_bytes()

    @property
    def key_pem(self) -> bytes:
        return self.key_path.read_bytes()

    def sign(
        self,
        data: bytes,
        *,
        attached: bool = False,
        signing_time: datetime | None = None,
        include_chain: bool = False,
    ) -> bytes:
        """A CMS signature over ``data`` as NCALayer makes it (detached unless ``attached``)."""
        from egov_gateway.eds import cms

        create = cms.create_attached_cms if attached else cms.create_detached_cms
        chain = self.chain if include_chain else ()
        return create(data, self.private_key, self.certificate, chain, signing_time)


@dataclass
class TestPKI:
    """A test PKI on disk, as listed in its manifest."""

    __test__ = False

    directory: Path
    manifest: dict
    keys: list[TestKey] = field(default_factory=list)

    @classmethod
    def load(cls, directory: Path | str) -> TestPKI:
        directory = Path(directory)
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        keys = [
            TestKey(
                iin=entry["iin"],
                bin=entry["bin"],
                full_name=entry["full_name"],
                common_name=entry["common_name"],
                organisation=entry["organisation"],
                role=entry["role"],
                purpose=Purpose(entry["purpose"]),
                algorithm=entry["algorithm"],
                variant=entry["variant"],
                serial=entry["serial"],
                cert_path=directory / entry["cert"],
                key_path=directory / entry["key"],
                chain_paths=tuple(directory / p for p in entry["chain"]),
            )
            for entry in manifest["keys"]
        ]
        return cls(directory=directory, manifest=manifest, keys=keys)

    def path(self, name: str) -> Path:
        """A file named in the manifest: "root", "intermediate", "root_crl", "intermediate_crl"…"""
        return self.directory / self.manifest["files"][name]

    @property
    def root_path(self) -> Path:
        return self.path("root")

    @property
    def ca_dir(self) -> Path:
        return self.path("root").parent

    @property
    def crl_dir(self) -> Path:
        return self.path("intermediate_crl").parent

    @property
    def base_url(self) -> str:
        return self.manifest["base_url"]

    @property
    def people(self) -> list[dict]:
        return self.manifest["people"]

    def keys_for(
        self,
        iin: str | None = None,
        purpose: Purpose | str | None = None,
        bin: str | None = None,
        *,
        algorithm: str | None = None,
        variant: str = VALID,
    ) -> list[TestKey]:
        """Keys matching every criterion given; ``bin=""`` asks for an individual's key."""
        found = []
        for key in self.keys:
            if iin is not None and key.iin != iin:
                continue
            if purpose is not None and key.purpose != Purpose(purpose):
                continue
            if bin is not None and key.bin != bin:
                continue
            if algorithm is not None and key.algorithm != algorithm:
                continue
            if key.variant != variant:
                continue
            found.append(key)
        return found

    def key_for(
        self,
        iin: str,
        purpose: Purpose | str,
        bin: str | None = None,
        *,
        algorithm: str = "rsa",
        variant: str = VALID,
    ) -> TestKey:
        """The key of ``iin`` for ``purpose``: the organisation's key when ``bin`` is given, else
        the person's own (individual) key. Raises ``LookupError`` when there is none."""
        keys = self.keys_for(iin, purpose, bin or "", algorithm=algorithm, variant=variant)
        if not keys:
            raise LookupError(
                f"The test PKI has no {variant} {algorithm} {Purpose(purpose).value} key for "
                f"IIN {iin}" + (f" and BIN {bin}" if bin else "")
            )
        return keys[0]

    def special(
        self, variant: str, purpose: Purpose | str = Purpose.SIGN, *, algorithm: str = "ec"
    ) -> TestKey:
        """A forgery-test certificate: "expired", "not_yet_valid", "revoked" or "untrusted"."""
        keys = self.keys_for(None, purpose, "", algorithm=algorithm, variant=variant)
        if not keys:
            raise LookupError(f"The test PKI has no {variant} certificate for {purpose}")
        return keys[0]

    def settings_overrides(self) -> dict:
        """Django settings that make the portal trust this PKI (for tests and the sandbox)."""
        return {
            "EDS_TRUSTED_ROOTS": [str(self.root_path)],
            "EDS_INTERMEDIATES_DIR": str(self.ca_dir),
            "EDS_CRL_DIR": str(self.crl_dir),
            "EDS_ALLOW_FETCHING": False,
            "EDS_REVOCATION_MODE": "hard-fail",
        }

    def load_authority(self, name: str) -> Authority:
        """A CA (or the OCSP responder) with its private key: "intermediate", "root", "ocsp"."""
        cert = x509.load_pem_x509_certificate(self.path(name).read_bytes())
        key = serialization.load_pem_private_key(self.path(f"{name}_key").read_bytes(), None)
        # The test PKI wrote this key itself (pki_issue.new_key: RSA or EC).
        return Authority(certificate=cert, key=cast(CertificateIssuerPrivateKeyTypes, key))

    def revoked_serials(self) -> dict[int, datetime]:
        """Serial → revocation time of the certificates on the intermediate CA's CRL."""
        crl = x509.load_der_x509_crl(self.path("intermediate_crl").read_bytes())
        return {entry.serial_number: entry.revocation_date_utc for entry in crl}


def build_test_pki(
    out_dir: Path | str,
    people: Iterable[TestPerson] = TEST_PEOPLE,
    *,
    base_url: str | None = None,
    now: datetime | None = None,
    algorithms: Iterable[str] = ALGORITHMS,
) -> TestPKI:
    """Create the test PKI in ``out_dir`` (replacing one that is there) and return it loaded.

    ``base_url`` is where the CRLs and the OCSP responder are published (``conf.test_pki_url()``
    by default); it is written into every certificate, as NCA writes its own URLs.
    """
    if base_url is None:
        from egov_gateway.eds.conf import test_pki_url

        base_url = test_pki_url()
    base_url = base_url.rstrip("/")
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    out = Path(out_dir)
    for folder in _FOLDERS:  # a rebuilt PKI keeps nothing of the previous one
        shutil.rmtree(out / folder, ignore_errors=True)
    writer = _Writer(out)
    people = list(people)
    algorithms = tuple(algorithms)

    root = new_authority(ROOT_NAME, None, now=now, key_type="rsa", crl_url=None)
    intermediate = new_authority(
        INTERMEDIATE_NAME, root, now=now, key_type="rsa", crl_url=f"{base_url}/crl/root.crl"
    )
    responder = new_authority(OCSP_RESPONDER_NAME, intermediate, now=now, ocsp_responder=True)
    fake_root = new_authority(ROOT_NAME, None, now=now, key_type="ec", crl_url=None)
    fake_intermediate = new_authority(
        INTERMEDIATE_NAME, fake_root, now=now, key_type="ec", crl_url=f"{base_url}/crl/root.crl"
    )
    files = {
        "root": writer.cert("ca/root.pem", root.certificate),
        "root_key": writer.key("private/root.key", root.key),
        "intermediate": writer.cert("ca/intermediate.pem", intermediate.certificate),
        "intermediate_key": writer.key("private/intermediate.key", intermediate.key),
        "ocsp": writer.cert("ocsp/responder.pem", responder.certificate),
        "ocsp_key": writer.key("private/ocsp-responder.key", responder.key),
        "untrusted_root": writer.cert("untrusted/root.pem", fake_root.certificate),
        "untrusted_intermediate": writer.cert(
            "untrusted/intermediate.pem", fake_intermediate.certificate
        ),
    }

    urls = {
        "crl": f"{base_url}/crl/intermediate.crl",
        "ocsp": f"{base_url}/ocsp",
        "ca_issuers": f"{base_url}/ca/intermediate.cer",
    }
    valid_from, valid_until = now - timedelta(days=1), now + timedelta(days=365)
    entries: list[dict] = []
    revoked: list[tuple[int, datetime]] = []

    def issue(person, membership, purpose, algorithm, variant="valid") -> None:
        issuer, chain = intermediate, ["ca/intermediate.pem"]
        not_before, not_after = valid_from, valid_until
        if variant == "expired":
            not_before, not_after = now - timedelta(days=400), now - timedelta(days=35)
        elif variant == "not_yet_valid":
            not_before, not_after = now + timedelta(days=30), now + timedelta(days=395)
        elif variant == "untrusted":
            issuer, chain = fake_intermediate, ["untrusted/intermediate.pem"]
        profile = EndEntityProfile(
            iin=person.iin,
            full_name=person.full_name,
            bin=membership.bin if membership else "",
            organisation=membership.organisation if membership else "",
            role_oids=ROLE_OIDS[membership.role if membership else INDIVIDUAL],
            purpose=purpose,
            algorithm=algorithm,
            not_before=not_before,
            not_after=not_after,
            urls=urls,
        )
        key, cert = issue_end_entity(profile, issuer)
        if variant == "revoked":
            revoked.append((cert.serial_number, now - timedelta(hours=1)))
        stem = f"people/{person.iin}{'-' + membership.bin if membership else ''}"
        name = f"{stem}/{purpose.value}-{algorithm}{'' if variant == VALID else '-' + variant}"
        entries.append(
            {
                "iin": person.iin,
                "bin": profile.bin,
                "full_name": person.full_name,
                "common_name": profile.common_name,
                "organisation": profile.organisation,
                "role": membership.role if membership else INDIVIDUAL,
                "purpose": purpose.value,
                "algorithm": algorithm,
                "variant": variant,
                "serial": format(cert.serial_number, "x"),
                "cert": writer.cert(f"{name}.pem", cert),
                "key": writer.key(f"{name}.key", key),
                "chain": chain,
            }
        )

    for person in people:
        for membership in (None, *person.memberships):
            for purpose in (Purpose.AUTH, Purpose.SIGN):
                for algorithm in algorithms:
                    issue(person, membership, purpose, algorithm)
    if people:
        for variant in SPECIAL_VARIANTS:
            for purpose in (Purpose.AUTH, Purpose.SIGN):
                issue(people[0], None, purpose, "ec", variant)

    crl_until = now + timedelta(days=365)
    files["root_crl"] = writer.raw("crl/root.crl", make_crl(root, [], now=now, until=crl_until))
    files["intermediate_crl"] = writer.raw(
        "crl/intermediate.crl", make_crl(intermediate, revoked, now=now, until=crl_until)
    )
    manifest = {
        "about": "Test PKI shaped like NCA of RK's. Test and demonstration only; never trust it in "
        "production. Made by egov_gateway.eds.testpki.build_test_pki.",
        "generated_at": now.isoformat(),
        "base_url": base_url,
        "files": files,
        "people": [
            {
                "iin": p.iin,
                "full_name": p.full_name,
                "memberships": [m.__dict__ for m in p.memberships],
            }
            for p in people
        ],
        "keys": entries,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return TestPKI.load(out)


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root

    def raw(self, relative: str, data: bytes) -> str:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return relative

    def cert(self, relative: str, cert: x509.Certificate) -> str:
        return self.raw(relative, cert.public_bytes(serialization.Encoding.PEM))

    def key(self, relative: str, key) -> str:
        return self.raw(
            relative,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
