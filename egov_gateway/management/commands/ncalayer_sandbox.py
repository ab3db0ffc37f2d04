"""``manage.py ncalayer_sandbox``: the sandbox NCALayer on loopback, with the test PKI (ID-4)."""

from __future__ import annotations

import signal

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from egov_gateway.eds.conf import test_pki_dir
from egov_gateway.eds.ncalayer import SANDBOX_PORT
from egov_gateway.eds.sandbox import (
    SIMULATIONS,
    SandboxNCALayer,
    SandboxRefused,
    check_loopback,
    check_sandbox_allowed,
)
from egov_gateway.eds.testpki import TestPKI


class Command(BaseCommand):
    help = (
        "Serve NCALayer's WebSocket protocol on loopback, signing with the test PKI's keys, so "
        "that pages sign through the same JavaScript as with the real NCALayer. Development and "
        "tests only: refuses to start unless SANDBOX_SIGNER_ENABLED is on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="A loopback address.")
        parser.add_argument("--port", type=int, default=SANDBOX_PORT)
        parser.add_argument(
            "--iin", default="", help="Whose key to use when the page does not ask for an IIN."
        )
        parser.add_argument("--bin", default="", help="With --iin: the organisation's key.")
        parser.add_argument("--algorithm", choices=("rsa", "ec"), default="rsa")
        parser.add_argument(
            "--simulate",
            choices=SIMULATIONS,
            default="",
            help="Answer every request as if the user cancelled, chose a wrong key, or it failed.",
        )

    def handle(self, *args, **options):
        try:
            check_sandbox_allowed()
            check_loopback(options["host"])
        except SandboxRefused as error:
            raise CommandError(str(error)) from None
        directory = test_pki_dir()
        # Makes the test PKI when there is none (or its CRL has expired); keeps a usable one.
        call_command("make_test_pki", stdout=self.stdout)
        pki = TestPKI.load(directory)
        if options["iin"] and not pki.keys_for(options["iin"]):
            raise CommandError(f"The test PKI in {directory} has no keys for IIN {options['iin']}.")
        sandbox = SandboxNCALayer(
            pki,
            host=options["host"],
            port=options["port"],
            default_iin=options["iin"],
            default_bin=options["bin"],
            algorithm=options["algorithm"],
            simulate=options["simulate"],
        )
        try:
            sandbox.start()
        except OSError as error:
            raise CommandError(
                f"Cannot listen on {options['host']}:{options['port']}: {error}. Is NCALayer or "
                "another sandbox already running?"
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"Sandbox NCALayer listening on {sandbox.url} (test keys only).")
        )
        signal.signal(signal.SIGTERM, lambda *_: sandbox.stop())
        try:
            sandbox.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            sandbox.stop()
