"""``manage.py make_test_pki [--out DIR] [--force]``: the test PKI for development and the demo.

Writes a root and an intermediate CA shaped like NCA of RK's, their CRLs, an OCSP responder
certificate and AUTH/SIGN certificates (RSA and EC) for the fixed test people and everyone in
``portal/reference_data/demo.json`` (ID-4). An existing PKI is kept unless ``--force`` is given
or its CRL has expired. Refused when the sandbox signer is off (production).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from egov_gateway.eds import conf
from egov_gateway.eds.testpki import (
    MANIFEST,
    TEST_PEOPLE,
    TestPKI,
    build_test_pki,
    default_people,
)


class Command(BaseCommand):
    help = "Create the test PKI (NCA-shaped test CA, CRL and keys of the demo people)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", help="folder (default: EDS_TEST_PKI_DIR, var/test-pki)")
        parser.add_argument("--force", action="store_true", help="replace an existing test PKI")
        parser.add_argument("--base-url", help="where CRLs/OCSP are published (EDS_TEST_PKI_URL)")
        parser.add_argument(
            "--people",
            choices=("all", "test"),
            default="all",
            help="all: the fixed test people and the demo people (default); test: only the former",
        )

    def handle(self, *args, out=None, force=False, base_url=None, people="all", **options) -> None:
        if not getattr(settings, "SANDBOX_SIGNER_ENABLED", False):
            raise CommandError(
                "The test PKI is for development only (SANDBOX_SIGNER_ENABLED is off)."
            )
        directory = Path(out) if out else conf.test_pki_dir()
        if (directory / MANIFEST).exists() and not force and _still_usable(directory):
            self.stdout.write(f"The test PKI in {directory} is kept (use --force to replace it).")
            return
        people = default_people() if people == "all" else list(TEST_PEOPLE)
        pki = build_test_pki(directory, people, base_url=base_url)
        self.stdout.write(
            self.style.SUCCESS(
                f"Test PKI written to {directory}: {len(people)} people, {len(pki.keys)} keys, "
                f"root {pki.root_path.name}, manifest {MANIFEST}."
            )
        )


def _still_usable(directory: Path) -> bool:
    try:
        pki = TestPKI.load(directory)
        crl = x509.load_der_x509_crl(pki.path("intermediate_crl").read_bytes())
    except (OSError, ValueError, KeyError):
        return False
    return crl.next_update_utc is not None and crl.next_update_utc > datetime.now(UTC)
