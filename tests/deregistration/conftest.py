"""Fixtures of the deregistration tests: the demo commission of Astana with keys of a test PKI,
and the gateway's loopback servers and sandbox for syncs that deregister (DER-2, SYNC-2/3)."""

from tests.commission.conftest import commission, demo_pki, trusted
from tests.egov_gateway.conftest import (  # noqa: F401 (fixtures)
    fast_retries,
    ows_server,
    sandbox,
    signing_files,
    soap_gateway,
)

__all__ = ["commission", "demo_pki", "trusted"]
