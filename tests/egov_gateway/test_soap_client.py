"""The SyncChannel client against the loopback gateway: envelope, signature, statuses, retries."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import load_pem_x509_certificate
from lxml import etree
from signxml import XMLVerifier
from signxml.exceptions import InvalidDigest
from signxml.verifier import SignatureConfiguration

from egov_gateway.errors import (
    MalformedAnswer,
    SourceNotConfigured,
    SourceRejected,
    SourceUnavailable,
)
from egov_gateway.sources import gbd_ul
from egov_gateway.sources.registry import gateway_client, lookup_source
from egov_gateway.transport.signing import XmlDsigSigner
from egov_gateway.transport.soap import SyncChannelClient

pytestmark = pytest.mark.req("SYNC-1")

ORG = "<Status><Code>002</Code></Status><Organization><BIN>{bin}</BIN></Organization>"


def _send(client: SyncChannelClient, identifier: str = "090440023188"):
    return client.send(
        service_id="GbdulInfoByBin_v2",
        request_data=gbd_ul.request_data(identifier, requestor_bin="120340016615"),
    )


@pytest.fixture
def client(soap_gateway):
    soap_gateway.services["GbdulInfoByBin_v2"] = lambda bin: ORG.format(bin=bin)
    return gateway_client("gbd_ul")


def test_request_is_a_signed_send_message_with_request_info(client, soap_gateway):
    answer = _send(client)

    (received,) = soap_gateway.received  # the server verified the WS-Security signature
    assert received["service_id"] == "GbdulInfoByBin_v2"
    assert received["sender_id"] == "social-portal"
    assert received["password"] == "sender-secret"
    assert received["identifier"] == "090440023188"
    assert str(uuid.UUID(received["message_id"])) == received["message_id"]
    assert received["data"].findtext("{*}Request/RequestorBIN") == "120340016615"
    assert answer.data.findtext("Organization/BIN") == "090440023188"
    assert "SCSS001" in answer.raw


def test_a_status_other_than_scss001_is_a_rejection_and_is_not_retried(client, soap_gateway):
    soap_gateway.script = ["ESRV005"]

    with pytest.raises(SourceRejected) as error:
        _send(client)

    assert error.value.code == "ESRV005"
    assert len(soap_gateway.requests) == 1


@pytest.mark.req("SYNC-3")
def test_an_answer_that_is_not_xml_is_rejected_with_a_clear_error(client, soap_gateway):
    soap_gateway.script = ["malformed"]

    with pytest.raises(MalformedAnswer, match="not XML"):
        _send(client)


@pytest.mark.req("SYNC-3")
def test_an_envelope_without_send_message_response_is_rejected(client, soap_gateway):
    soap_gateway.script = ["bad_shape"]

    with pytest.raises(MalformedAnswer, match="SendMessageResponse"):
        _send(client)


@pytest.mark.req("SYNC-3")
def test_a_timeout_is_retried_and_then_reported_as_unavailable(client, soap_gateway):
    soap_gateway.script = ["slow", "slow", "slow"]

    with pytest.raises(SourceUnavailable, match="after 3 attempts"):
        _send(client)

    assert len(soap_gateway.requests) == 3


@pytest.mark.req("SYNC-3")
def test_server_errors_and_reset_connections_are_retried_with_new_messages(client, soap_gateway):
    soap_gateway.script = ["500", "reset"]

    answer = _send(client)

    assert answer.data.findtext("Organization/BIN") == "090440023188"
    assert len(soap_gateway.requests) == 3
    assert len({r["body"] for r in soap_gateway.requests}) == 3  # new messageId, new signature


def test_the_signature_covers_the_body(signing_files):
    signer = XmlDsigSigner.from_files(
        key_path=signing_files["key"], cert_path=signing_files["cert"]
    )
    client = SyncChannelClient(
        url="http://127.0.0.1:9/",
        sender_id="portal",
        sender_password="x",
        signer=signer,
        timeout=1,
    )
    envelope, _message_id = client.envelope(
        service_id="GbdulInfoByBin_v2",
        request_data=gbd_ul.request_data("090440023188", requestor_bin="120340016615"),
    )
    signed = etree.tostring(envelope)
    config = SignatureConfiguration(location=".//")
    XMLVerifier().verify(signed, x509_cert=signing_files["cert_pem"], expect_config=config)

    tampered = signed.replace(b"090440023188", b"151140077023")
    with pytest.raises(InvalidDigest):
        XMLVerifier().verify(tampered, x509_cert=signing_files["cert_pem"], expect_config=config)


def test_a_pkcs12_key_as_issued_by_nca_signs_requests(signing_files, tmp_path):
    key = serialization.load_pem_private_key(Path(signing_files["key"]).read_bytes(), None)
    cert = load_pem_x509_certificate(signing_files["cert_pem"].encode())
    p12 = tmp_path / "RSA256_test.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"portal", key, cert, None, serialization.BestAvailableEncryption(b"Qwerty12")
        )
    )
    signer = XmlDsigSigner.from_files(key_path=str(p12), password="Qwerty12")
    client = SyncChannelClient(
        url="http://127.0.0.1:9/",
        sender_id="portal",
        sender_password="x",
        signer=signer,
        timeout=1,
    )
    envelope, _message_id = client.envelope(
        service_id="GbdulInfoByBin_v2",
        request_data=gbd_ul.request_data("090440023188", requestor_bin="120340016615"),
    )

    XMLVerifier().verify(
        etree.tostring(envelope),
        x509_cert=signing_files["cert_pem"],
        expect_config=SignatureConfiguration(location=".//"),
    )


def test_the_gateway_client_refuses_to_start_without_a_signer():
    with pytest.raises(SourceNotConfigured, match="signer"):
        SyncChannelClient(
            url="http://127.0.0.1:9/",
            sender_id="portal",
            sender_password="x",
            signer=None,
            timeout=1,
        )


def test_the_gateway_backend_refuses_to_start_without_a_signing_key(soap_gateway, settings):
    settings.EGOV_SIGNING_KEY = ""

    with pytest.raises(SourceNotConfigured, match="no signing key"):
        lookup_source("gbd_ul")

    assert soap_gateway.requests == []
