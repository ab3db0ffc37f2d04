"""Inputs the fuzzers found that broke a parser with a foreign exception, kept as regressions.

Each was fixed in the parser so that it raises the module's own error (issue 15 item 4).
"""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from egov_gateway.eds.certificates import UnreadableCertificate, parse_certificate
from egov_gateway.eds.errors import MalformedSignature, UnsupportedAlgorithm
from egov_gateway.eds.verify import Purpose, peek_signer, verify_cms
from egov_gateway.errors import MalformedAnswer
from egov_gateway.sources import rnu, samruk

PERSON = "900101300017"
DOCUMENT = b"document"
EC_PUBLIC_KEY = bytes.fromhex("06072a8648ce3d0201")  # OID 1.2.840.10045.2.1
SHEET = b"xl/worksheets/sheet1.xml"
X509_V3 = bytes.fromhex("a003020102")  # [0] EXPLICIT INTEGER 2


@pytest.mark.req("ID-2")
def test_a_signer_key_of_an_unknown_type_is_an_unsupported_algorithm(test_pki, trust_test_pki):
    """Crasher: cryptography's own UnsupportedAlgorithm ("Unknown key type: 0.0.840.10045.2.1")
    escaped ``maths.verify_signature_value`` when the key's algorithm OID was mangled."""
    key = test_pki.key_for(PERSON, Purpose.SIGN, algorithm="ec")
    cms = key.sign(DOCUMENT)
    assert cms.count(EC_PUBLIC_KEY) == 1
    mangled = cms.replace(EC_PUBLIC_KEY, bytes.fromhex("060700") + EC_PUBLIC_KEY[3:])

    with pytest.raises(UnsupportedAlgorithm):
        verify_cms(mangled, DOCUMENT, purpose=Purpose.SIGN, expected_iin=PERSON)


@pytest.mark.req("ID-2")
def test_a_certificate_of_an_invalid_x509_version_is_unreadable(test_pki):
    """Crasher: ``x509.InvalidVersion`` (not a ValueError) escaped ``parse_certificate`` and
    ``peek_signer`` for a certificate whose version field said 1."""
    key = test_pki.key_for(PERSON, Purpose.SIGN)
    certificate = key.certificate_der.replace(X509_V3, bytes.fromhex("a003020101"), 1)
    cms = key.sign(DOCUMENT).replace(key.certificate_der, certificate)

    with pytest.raises(UnreadableCertificate, match="InvalidVersion"):
        parse_certificate(certificate)
    with pytest.raises(MalformedSignature):
        peek_signer(cms)


@pytest.mark.req("SYNC-3")
def test_a_csv_list_in_neither_utf8_nor_windows_1251_is_a_malformed_answer(tmp_path):
    """Crasher: byte 0x98 has no character in Windows-1251; the UnicodeDecodeError escaped."""
    path = tmp_path / "list.csv"
    path.write_bytes("БИН;Наименование\n090440023188;ТОО\n".encode("cp1251") + b"\x98")

    with pytest.raises(MalformedAnswer, match="neither UTF-8 nor Windows-1251"):
        list(samruk.read_list(path, today=datetime.date(2026, 1, 15)))


@pytest.mark.req("SYNC-3")
def test_a_csv_field_over_the_csv_limit_is_a_malformed_answer(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text('БИН;Наименование\n090440023188;"' + "x" * 200_000 + '"\n', encoding="utf-8")

    with pytest.raises(MalformedAnswer, match="not a readable CSV"):
        list(samruk.read_list(path, today=datetime.date(2026, 1, 15)))


@pytest.mark.req("SYNC-3")
@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short: "File is not a zip file"
        # the sheet's local header names another file: "File name in directory … differ"
        lambda data: data.replace(SHEET, b"xl/worksheets/sheetX.xml", 1),
        # a byte of the sheet's compressed data flipped: zlib.error while decompressing
        lambda data: (
            data[: data.index(SHEET) + 40]
            + bytes([data[data.index(SHEET) + 40] ^ 0xFF])
            + data[data.index(SHEET) + 41 :]
        ),
    ],
    ids=["truncated", "name-differs", "bad-deflate"],
)
def test_a_damaged_xlsx_list_is_a_malformed_answer(tmp_path, damage):
    """Crasher: zipfile.BadZipFile (and others) escaped ``read_list`` for damaged workbooks."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["БИН", "Наименование"])
    workbook.active.append(["090440023188", "ТОО"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "list.xlsx"
    path.write_bytes(damage(buffer.getvalue()))

    with pytest.raises(MalformedAnswer, match="not a readable XLSX"):
        list(samruk.read_list(path, today=datetime.date(2026, 1, 15)))
    with pytest.raises(MalformedAnswer):
        samruk.list_of_file(path)


@pytest.mark.req("SYNC-3")
@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity"])
def test_an_rnu_item_with_a_number_too_large_for_an_integer_is_a_malformed_answer(number):
    """Crasher: ``int(float("inf"))`` raised OverflowError out of ``rnu.from_item`` for a JSON
    number such as 1e999 (which ``json`` reads as infinity)."""
    import json

    item = json.loads('{"pid": ' + number + ', "supplier_biin": "090440023188"}')

    with pytest.raises(MalformedAnswer):
        rnu.from_item(item, fetched_at=datetime.datetime.now(datetime.UTC))


@pytest.mark.req("SYNC-3")
def test_a_sandbox_record_with_a_number_too_large_for_an_integer_is_a_malformed_answer():
    """The same overflow in the sandbox's JSON records (``sources.base.from_data``)."""
    from egov_gateway.sources import base

    @dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
    class Counted(base.StateAnswer):
        count: int = 0

    with pytest.raises(MalformedAnswer, match="not a number"):
        base.from_data(
            Counted,
            {"count": float("inf")},
            source="test",
            identifier="090440023188",
            fetched_at=datetime.datetime.now(datetime.UTC),
            raw="{}",
        )


@pytest.mark.req("SYNC-3")
@pytest.mark.parametrize("value", ["1E999", "-1E999", "90440023188.5"])
def test_an_xlsx_bin_cell_that_is_no_whole_number_reads_as_no_bin(tmp_path, value):
    """Crasher: a numeric BIN cell of 1E999 (read as infinity) made ``int()`` raise
    OverflowError out of ``read_list``; such a cell (or a fraction) is a row without a BIN."""
    import io
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["БИН", "Наименование"])
    workbook.active.append([123454321, "ТОО"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    damaged = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(damaged, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == SHEET.decode():
                data = data.replace(b"<v>123454321</v>", f"<v>{value}</v>".encode())
            target.writestr(entry, data)
    path = tmp_path / "list.xlsx"
    path.write_bytes(damaged.getvalue())

    (entry,) = samruk.read_list(path, today=datetime.date(2026, 1, 15))

    assert entry.identifier == "" and entry.name == "ТОО"
