"""The gateway's loopback servers and sandbox, for syncs that deregister (DER-2, SYNC-2/3)."""

from tests.egov_gateway.conftest import (  # noqa: F401 (fixtures)
    fast_retries,
    ows_server,
    sandbox,
    signing_files,
    soap_gateway,
)
