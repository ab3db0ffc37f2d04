"""Fuzzing the CMS and certificate parsers (issue 15 item 4; ID-2).

Whatever bytes arrive as a "signature" — random, a valid NCALayer CMS with bytes flipped, cut or
inserted, PEM-armoured garbage — ``parse_cms`` reads them or raises ``MalformedSignature``, and
``verify_cms`` accepts them or raises a ``SignatureError``: never another exception, never a hang.
"""

from __future__ import annotations

import base64

import pytest
from hypothesis import strategies as st

from egov_gateway.eds.certificates import UnreadableCertificate, parse_certificate
from egov_gateway.eds.cms import parse_cms
from egov_gateway.eds.errors import MalformedSignature, SignatureError
from egov_gateway.eds.verify import Purpose, peek_signer, verify_cms
from tests.fuzz.harness import fuzz, parses_or_raises

pytestmark = [pytest.mark.req("ID-2"), pytest.mark.usefixtures("trust_test_pki")]

DOCUMENT = "Өтінім / Заявление № 1\n".encode()
PERSON = "900101300017"  # TEST_PEOPLE[0]


@pytest.fixture(scope="module")
def seeds(test_pki) -> list[bytes]:
    """Valid signatures as NCALayer makes them: RSA and EC, detached and attached."""
    found = []
    for algorithm in ("rsa", "ec"):
        key = test_pki.key_for(PERSON, Purpose.SIGN, algorithm=algorithm)
        for attached in (False, True):
            found.append(key.sign(DOCUMENT, attached=attached))
    return found


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    """A valid CMS with a few bytes replaced, removed or inserted, or cut short."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["replace", "delete", "insert", "truncate", "length"]))
        if action == "replace":
            data[position] = draw(st.integers(0, 255))
        elif action == "delete":
            del data[position]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif action == "truncate":
            del data[position:]
        else:  # a DER length byte made long-form or huge: the classic parser trap
            data[position] = draw(st.sampled_from([0x80, 0x84, 0x88, 0xFF, 0x7F]))
        if not data:
            data = bytearray(b"\x30")
    return bytes(data)


def signatures(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    random_bytes = st.binary(max_size=4096)
    pem = random_bytes.map(
        lambda b: b"-----BEGIN CMS-----\n" + base64.encodebytes(b) + b"-----END CMS-----\n"
    )
    der_like = st.binary(max_size=2048).map(lambda b: b"\x30\x82" + b)
    return st.one_of(random_bytes, pem, der_like, mutated(seeds))


def test_parse_cms_reads_or_refuses_as_malformed_anything_it_is_given(seeds):
    def parse(data: bytes) -> None:
        parses_or_raises(lambda: parse_cms(data), MalformedSignature)
        parses_or_raises(lambda: peek_signer(data), SignatureError)

    fuzz(parse, data=signatures(seeds))


def test_verify_cms_accepts_or_refuses_with_a_signature_error_anything_it_is_given(seeds):
    def verify(data: bytes, attached: bool) -> None:
        parses_or_raises(
            lambda: verify_cms(
                data,
                None if attached else DOCUMENT,
                purpose=Purpose.SIGN,
                expected_iin=PERSON,
            ),
            SignatureError,
        )

    fuzz(verify, data=signatures(seeds), attached=st.booleans())


def test_parse_certificate_reads_or_refuses_as_unreadable_any_certificate_bytes(test_pki):
    key = test_pki.key_for(PERSON, Purpose.SIGN)
    seed = key.certificate_der

    def parse(data: bytes) -> None:
        parses_or_raises(lambda: parse_certificate(data), UnreadableCertificate)

    fuzz(parse, data=st.one_of(st.binary(max_size=2048), mutated([seed])))
