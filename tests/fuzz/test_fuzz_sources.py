"""Fuzzing the state-source parsers (issue 15 item 4; SYNC-3).

Each answer a state system could send — the gateway's SOAP envelope for every SyncChannel source,
goszakup's RNU JSON pages and items, the Samruk-Kazyna CSV and XLSX files, the sandbox's JSON — is
read into records or refused with a ``SourceError`` (``egov_gateway.errors``): never another
exception, never a hang. A malformed answer must never read as "the state has no record".
"""

from __future__ import annotations

import datetime
import io
import json
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import strategies as st

from egov_gateway import conf
from egov_gateway.errors import SourceError
from egov_gateway.sandbox.backend import SandboxLookup
from egov_gateway.sources import GATEWAY_MODULES, rnu, samruk
from egov_gateway.sources.registry import GatewayLookup
from egov_gateway.transport.rest import OwsClient
from egov_gateway.transport.signing import XmlDsigSigner
from egov_gateway.transport.soap import SyncChannelClient
from tests.fuzz.harness import fuzz, parses_or_raises

pytestmark = pytest.mark.req("SYNC-3")

BIN = "090440023188"
ONE_ATTEMPT = conf.RetrySettings(attempts=1, backoff_seconds=0, max_backoff_seconds=0)
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
TYPES = "http://bip.bee.kz/SyncChannel/v10/Types"

# Every element name a gateway mapping reads, so generated answers reach deep into each mapping.
NAMES = sorted(
    set(
        """
        responseDataType ResponseDataType Response Organization Status Code NameRu BIN IIN
        FullNameKz FullNameRu ShortNameKz ShortNameRu Address DistrictRu RegionRu CityRu
        StreetRu BuildingNumber StatCommInfo AddressFact OrganizationLeader SurName Name
        MiddleName Founders Founder OrgNameRu Country Activity OKED ActivityNameRu Main
        ActivityNameKz PropertyType CreationMethod RegistrationDate RegNumber Liquidation
        LiqDate RegStatus ChangeDate persons person messageResult code nameRu iin surname
        name patronymic birthDate deathDate regAddress Entrepreneur RegistrationNumber
        Rights Right CadastralNumber RightType EndDate Result IsRegistered Debts TaxDebt
        SocialContributionDebt AsOf
        """.split()  # noqa: SIM905 (a list literal of 80 names would be less readable)
    )
)
TEXTS = st.one_of(
    st.just(BIN),
    st.sampled_from(["002", "003", "004", "SCSS001", "true", "false", "LIQUIDATED", "-", ""]),
    st.dates().map(str),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}([T+].{0,12})?\Z"),
    st.from_regex(r"\A-?[\d ]{0,20}([.,]\d{0,6})?(e-?\d{1,4})?\Z"),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40),
)


def elements(depth: int = 4) -> st.SearchStrategy[str]:
    """XML elements with the mappings' names, random prefixes, nested ``depth`` deep."""
    leaf = st.builds(
        lambda prefix, name, value: f"<{prefix}{name}>{escape(value)}</{prefix}{name}>",
        st.sampled_from(["", "ns:", "q1:"]),
        st.sampled_from(NAMES),
        TEXTS,
    )
    return st.recursive(
        leaf,
        lambda children: st.builds(
            lambda prefix, name, inner: f"<{prefix}{name}>{''.join(inner)}</{prefix}{name}>",
            st.sampled_from(["", "ns:", "q1:"]),
            st.sampled_from(NAMES),
            st.lists(children, max_size=5),
        ),
        max_leaves=30,
    )


@st.composite
def envelopes(draw) -> bytes:
    """A SyncChannel answer: mostly well-formed, with a status and data of the drawn shape."""
    code = draw(st.sampled_from(["SCSS001", "SCSS001", "ESRV005", ""]))
    data = "".join(draw(st.lists(elements(), max_size=4)))
    response = (
        f"<response><responseInfo><messageId>{draw(st.uuids())}</messageId>"
        f"<status><code>{code}</code><message>{escape(draw(TEXTS))}</message></status>"
        f"</responseInfo>"
        + (
            f"<responseData><data>{data}</data></responseData>"
            if draw(st.booleans()) or code == "SCSS001"
            else ""
        )
        + "</response>"
    )
    body = draw(
        st.sampled_from(
            [
                f'<ns2:SendMessageResponse xmlns:ns2="{TYPES}">{response}'
                "</ns2:SendMessageResponse>",
                f"<soap:Fault><faultcode>soap:Server</faultcode><faultstring>{escape(draw(TEXTS))}"
                "</faultstring></soap:Fault>",
                data,
            ]
        )
    )
    xml = (
        f'<soap:Envelope xmlns:soap="{SOAP}" xmlns:ns="urn:x" xmlns:q1={quoteattr("urn:y")}>'
        f"<soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()
    if draw(st.booleans()):
        return xml
    return draw(mutations(xml))


@st.composite
def mutations(draw, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["replace", "delete", "insert", "truncate"]))
        if action == "replace":
            data[position] = draw(st.integers(0, 255))
        elif action == "delete":
            del data[position]
        elif action == "insert":
            data[position:position] = draw(
                st.sampled_from(
                    [
                        b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
                        b"&e;",
                        b"<",
                        b">",
                        b"\x00",
                        b"\xff\xfe",
                        b"]]>",
                        b"<![CDATA[",
                    ]
                )
                | st.binary(min_size=1, max_size=8)
            )
        else:
            del data[position:]
    return bytes(data)


def fixed_answer(content: bytes, status: int = 200, content_type: str = "text/xml") -> httpx.Client:
    """An httpx client whose every request gets ``content``: the parser sees exactly the bytes."""
    return httpx.Client(
        transport=httpx.MockTransport(
            lambda request: httpx.Response(
                status, content=content, headers={"Content-Type": content_type}
            )
        )
    )


@pytest.fixture(scope="module")
def signer() -> XmlDsigSigner:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fuzz")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return XmlDsigSigner(private_key=key, certificate_pem=pem)


def test_every_gateway_source_reads_or_refuses_any_soap_answer(signer):
    def ask(answer: bytes, module: str) -> None:
        client = SyncChannelClient(
            url="http://gateway.invalid/bip-sync-wss-gost/",
            sender_id="social-portal",
            sender_password="x",
            signer=signer,
            timeout=1,
            source=module,
            retry=ONE_ATTEMPT,
            http=fixed_answer(answer),
        )
        lookup = GatewayLookup(
            GATEWAY_MODULES[module], client, service_id="Service", requestor_bin=BIN
        )
        parses_or_raises(lambda: lookup.lookup(BIN), SourceError)

    fuzz(
        ask,
        answer=st.one_of(envelopes(), st.binary(max_size=1024)),
        module=st.sampled_from(sorted(GATEWAY_MODULES)),
    )


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=20)
    | st.just(BIN),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "pid",
                    "supplier_biin",
                    "supplier_innunp",
                    "supplier_name_ru",
                    "supplier_name_kz",
                    "kato_list",
                    "index_date",
                    "system_id",
                    "items",
                    "total",
                    "limit",
                    "next_page",
                    "x",
                ]
            ),
            children,
            max_size=8,
        )
    ),
    max_leaves=20,
)


@st.composite
def ows_pages(draw) -> bytes:
    """An OWS v3 list page (or any JSON, or bytes that are not JSON)."""
    kind = draw(st.sampled_from(["page", "json", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=512))
    if kind == "json":
        return json.dumps(draw(JSON_VALUES)).encode()
    page = {
        "total": draw(st.none() | st.integers(-5, 10) | JSON_VALUES),
        "limit": draw(st.none() | st.integers(0, 10)),
        "next_page": draw(
            st.sampled_from(["", "/v3/rnu?page=next", "https://elsewhere.invalid/v3/rnu", None])
        ),
        "items": draw(st.lists(JSON_VALUES, max_size=5)),
    }
    return json.dumps(page).encode()


def test_rnu_feed_and_lookup_read_or_refuse_any_ows_answer():
    def ask(answer: bytes, status: int) -> None:
        client = OwsClient(
            url="https://ows.invalid/",
            token="t",
            timeout=1,
            source=rnu.NAME,
            retry=ONE_ATTEMPT,
            http=fixed_answer(answer, status, "application/json"),
        )
        source = rnu.OwsRnu(client, limit=10)
        parses_or_raises(lambda: list(source.feed()), SourceError)
        parses_or_raises(lambda: source.lookup(BIN), SourceError)

    fuzz(ask, answer=ows_pages(), status=st.sampled_from([200, 200, 200, 404, 429, 500, 401]))


def test_rnu_items_and_json_lines_read_or_refuse_any_json():
    def read(item, lines: list[str]) -> None:
        now = datetime.datetime.now(datetime.UTC)
        parses_or_raises(lambda: rnu.from_item(item, fetched_at=now), SourceError)
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "rnu.jsonl"
            path.write_text("\n".join(lines), encoding="utf-8")
            parses_or_raises(lambda: list(rnu.JsonLinesRnu(path).feed()), SourceError)

    fuzz(
        read,
        item=JSON_VALUES,
        lines=st.lists(st.one_of(JSON_VALUES.map(json.dumps), st.text(max_size=30)), max_size=5),
    )


HEADINGS = ["БИН/ИИН", "Наименование", "Дата включения", "Дата исключения", "Основание", "x", ""]
CELLS = st.one_of(
    TEXTS,
    st.just(BIN),
    st.from_regex(r"\A\d{2}\.\d{2}\.\d{4}\Z"),
    st.integers(-(10**13), 10**13).map(str),
)


@st.composite
def csv_files(draw) -> bytes:
    """A list as the fund publishes it (title, heading, rows) in UTF-8 or Windows-1251; or bytes."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=1024))
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    rows = []
    if draw(st.booleans()):
        rows.append(
            [
                draw(
                    st.sampled_from(
                        ["Перечень ненадежных поставщиков", "Реестр недобросовестных", "x"]
                    )
                )
            ]
        )
    rows.append(draw(st.lists(st.sampled_from(HEADINGS), min_size=1, max_size=6)))
    rows += draw(st.lists(st.lists(CELLS, max_size=7), max_size=8))
    text = "\n".join(delimiter.join(row) for row in rows)
    encoded = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251"])), errors="replace")
    return encoded if draw(st.booleans()) else draw(mutations(encoded))


def test_samruk_csv_lists_read_or_refuse_any_file():
    today = datetime.date(2026, 1, 15)

    def read(content: bytes) -> None:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "list.csv"
            path.write_bytes(content)
            parses_or_raises(lambda: list(samruk.read_list(path, today=today)), SourceError)
            parses_or_raises(lambda: samruk.list_of_file(path), SourceError)

    fuzz(read, content=csv_files())


@pytest.fixture(scope="module")
def xlsx_seed() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Перечень ненадежных потенциальных поставщиков"])
    sheet.append(["БИН", "Наименование", "Дата включения", "Дата исключения", "Основание"])
    sheet.append([int(BIN), "ТОО «Пример»", datetime.date(2024, 1, 5), None, "п. 19"])
    sheet.append(["100440000014", "ИП", "05.01.2024", "01.01.2099", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@st.composite
def xlsx_files(draw, seed: bytes) -> bytes:
    """A generated workbook with random cells, or the bytes of a real one damaged."""
    if draw(st.booleans()):
        return draw(mutations(seed))
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    cell = st.one_of(
        CELLS,
        st.none(),
        st.integers(-(10**13), 10**13),
        st.floats(allow_nan=False, allow_infinity=False),
        st.dates(min_value=datetime.date(1900, 3, 1)),
        st.booleans(),
    )
    sheet.append(draw(st.lists(st.sampled_from(HEADINGS), min_size=1, max_size=6)))
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for row in draw(st.lists(st.lists(cell, max_size=6), max_size=6)):
        # Control characters cannot be written to a sheet at all: a file never carries them.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_samruk_xlsx_lists_read_or_refuse_any_workbook(xlsx_seed):
    today = datetime.date(2026, 1, 15)

    def read(content: bytes) -> None:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "list.xlsx"
            path.write_bytes(content)
            parses_or_raises(lambda: list(samruk.read_list(path, today=today)), SourceError)
            parses_or_raises(lambda: samruk.list_of_file(path), SourceError)

    fuzz(read, content=xlsx_files(xlsx_seed))


def test_sandbox_records_read_or_refuse_any_json():
    def read(module: str, record, content: bytes) -> None:
        with tempfile.TemporaryDirectory() as directory:
            folder = Path(directory)
            (folder / f"{module}.json").write_text(json.dumps({"records": {BIN: record}}))
            lookup = SandboxLookup(GATEWAY_MODULES[module], folder)
            parses_or_raises(lambda: lookup.lookup(BIN), SourceError)
            (folder / f"{module}.json").write_bytes(content)
            lookup = SandboxLookup(GATEWAY_MODULES[module], folder)
            parses_or_raises(lambda: lookup.lookup(BIN), SourceError)

    fuzz(
        read,
        module=st.sampled_from(sorted(GATEWAY_MODULES)),
        record=JSON_VALUES,
        content=st.one_of(
            st.binary(max_size=256), JSON_VALUES.map(lambda v: json.dumps(v).encode())
        ),
    )
