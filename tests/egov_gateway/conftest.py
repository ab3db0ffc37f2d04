"""Fixtures of the gateway tests: a signing key, the loopback servers, fast retries."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.egov_gateway.servers import OwsServer, SoapGateway

DEMO_SANDBOX = Path(__file__).resolve().parents[2] / "egov_gateway" / "sandbox" / "demo"
OWS_TOKEN = "test-ows-token"
CLIENT_TIMEOUT = 0.25


@pytest.fixture(scope="session")
def signing_files(tmp_path_factory) -> dict[str, str]:
    """An RSA key and a self-signed certificate standing in for the portal's NCA RSA key."""
    directory = tmp_path_factory.mktemp("signing")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Social Services Portal (test)"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, "BIN000000000000"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path = directory / "portal.key"
    cert_path = directory / "portal.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_path.write_bytes(cert_pem)
    return {"key": str(key_path), "cert": str(cert_path), "cert_pem": cert_pem.decode()}


@pytest.fixture
def fast_retries(settings):
    """Three attempts, pauses of milliseconds: the retry logic without slow tests."""
    settings.STATE_SOURCE_ATTEMPTS = 3
    settings.STATE_SOURCE_BACKOFF_SECONDS = 0.01
    settings.STATE_SOURCE_MAX_BACKOFF_SECONDS = 0.02
    return settings


@pytest.fixture
def soap_gateway(signing_files, settings, fast_retries):
    """The loopback SyncChannel, and settings pointing the gateway backend at it."""
    server = SoapGateway(certificate_pem=signing_files["cert_pem"]).start()
    settings.STATE_SOURCES_BACKEND = "gateway"
    settings.EGOV_GATEWAY_URL = f"{server.url}/bip-sync-wss-gost/"
    settings.EGOV_SENDER_ID = "social-portal"
    settings.EGOV_SENDER_PASSWORD = "sender-secret"
    settings.EGOV_REQUESTOR_BIN = "120340016615"
    settings.EGOV_TIMEOUT_SECONDS = CLIENT_TIMEOUT
    settings.EGOV_SIGNING_KEY = signing_files["key"]
    settings.EGOV_SIGNING_CERT = signing_files["cert"]
    yield server
    server.stop()


@pytest.fixture
def ows_server(settings, fast_retries):
    """The loopback goszakup OWS v3, and settings pointing the gateway backend at it."""
    server = OwsServer(token=OWS_TOKEN).start()
    settings.STATE_SOURCES_BACKEND = "gateway"
    settings.GOSZAKUP_OWS_URL = server.url
    settings.GOSZAKUP_OWS_TOKEN = OWS_TOKEN
    settings.GOSZAKUP_TIMEOUT_SECONDS = CLIENT_TIMEOUT
    settings.GOSZAKUP_PAGE_LIMIT = 2
    yield server
    server.stop()


@pytest.fixture
def sandbox(tmp_path, settings) -> Path:
    """A writable copy of the demo sandbox, selected as the backend."""
    directory = tmp_path / "sandbox"
    shutil.copytree(DEMO_SANDBOX, directory)
    settings.STATE_SOURCES_BACKEND = "sandbox"
    settings.SANDBOX_STATE_DIR = str(directory)
    return directory
