"""Client of the e-government gateway's synchronous channel (ШЭП SyncChannel v10, ``SendMessage``).

A request is ``SendMessage/request`` with ``requestInfo`` (messageId, serviceId, messageDate,
sender id and password) and ``requestData/data`` (the source's own request); the Body is signed
(WS-Security). The answer's ``responseInfo/status/code`` is ``SCSS001`` on success; any other
code is a rejection, never an empty answer.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid

import httpx
from lxml import etree

from egov_gateway import conf
from egov_gateway.errors import (
    MalformedAnswer,
    SourceNotConfigured,
    SourceRejected,
    SourceUnavailable,
)
from egov_gateway.sources.xml import find, text
from egov_gateway.transport.retry import with_retries
from egov_gateway.transport.signing import SOAP_NS, WSU_NS, RequestSigner

TYPES_NS = "http://bip.bee.kz/SyncChannel/v10/Types"
SUCCESS = "SCSS001"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclasses.dataclass(frozen=True)
class SyncAnswer:
    """The ``responseData/data`` of a successful answer, and the answer's full text."""

    message_id: str
    data: etree._Element
    raw: str
    received_at: datetime.datetime


class SyncChannelClient:
    def __init__(
        self,
        *,
        url: str,
        sender_id: str,
        sender_password: str,
        signer: RequestSigner | None,
        timeout: float,
        source: str = "",
        retry: conf.RetrySettings | None = None,
        http: httpx.Client | None = None,
    ) -> None:
        if signer is None:
            raise SourceNotConfigured(
                "the gateway client refuses to start without a request signer", source=source
            )
        if not url or not sender_id:
            raise SourceNotConfigured(
                "EGOV_GATEWAY_URL and EGOV_SENDER_ID must be set for the gateway backend",
                source=source,
            )
        self.url = url
        self.sender_id = sender_id
        self.sender_password = sender_password
        self.signer = signer
        self.source = source
        self.retry = retry
        self.http = http or httpx.Client(timeout=timeout)

    def envelope(
        self, *, service_id: str, request_data: etree._Element
    ) -> tuple[etree._Element, str]:
        message_id = str(uuid.uuid4())
        body_id = f"id-{uuid.uuid4()}"
        envelope = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS})
        etree.SubElement(envelope, f"{{{SOAP_NS}}}Header")
        body = etree.SubElement(envelope, f"{{{SOAP_NS}}}Body", nsmap={"wsu": WSU_NS})
        body.set(f"{{{WSU_NS}}}Id", body_id)
        send = etree.SubElement(body, f"{{{TYPES_NS}}}SendMessage", nsmap={"ns2": TYPES_NS})
        request = etree.SubElement(send, "request")
        info = etree.SubElement(request, "requestInfo")
        etree.SubElement(info, "messageId").text = message_id
        etree.SubElement(info, "serviceId").text = service_id
        now = datetime.datetime.now().astimezone()
        etree.SubElement(info, "messageDate").text = now.isoformat(timespec="milliseconds")
        sender = etree.SubElement(info, "sender")
        etree.SubElement(sender, "senderId").text = self.sender_id
        etree.SubElement(sender, "password").text = self.sender_password
        data = etree.SubElement(etree.SubElement(request, "requestData"), "data")
        data.append(request_data)
        return self.signer.sign(envelope, body_id=body_id), message_id

    def send(self, *, service_id: str, request_data: etree._Element) -> SyncAnswer:
        """One request; retried with backoff on timeouts, broken connections and 5xx."""

        def attempt() -> SyncAnswer:
            # Each attempt is a new message (new messageId and date, signed afresh).
            envelope, message_id = self.envelope(
                service_id=service_id, request_data=_copy(request_data)
            )
            payload = etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
            return self._post(payload, message_id)

        return with_retries(attempt, source=self.source, what=service_id, policy=self.retry)

    def _post(self, payload: bytes, message_id: str) -> SyncAnswer:
        try:
            response = self.http.post(
                self.url,
                content=payload,
                headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
            )
        except httpx.TimeoutException as exc:
            raise SourceUnavailable(f"no answer in time ({exc!r})", source=self.source) from exc
        except httpx.TransportError as exc:
            raise SourceUnavailable(f"connection failed ({exc!r})", source=self.source) from exc
        if response.status_code >= 500:
            fault = _fault_text(response.content)
            raise SourceUnavailable(
                f"HTTP {response.status_code}{': ' + fault if fault else ''}", source=self.source
            )
        if response.status_code != 200:
            raise SourceRejected(
                f"HTTP {response.status_code}", source=self.source, code=str(response.status_code)
            )
        return self._parse(response, message_id)

    def _parse(self, response: httpx.Response, message_id: str) -> SyncAnswer:
        try:
            root = etree.fromstring(response.content, parser=_PARSER)
        except etree.XMLSyntaxError as exc:
            raise MalformedAnswer(f"the answer is not XML ({exc})", source=self.source) from exc
        body = root.find(f"{{{SOAP_NS}}}Body")
        if body is None:
            raise MalformedAnswer("the answer is not a SOAP envelope", source=self.source)
        fault = find(body, "Fault")
        if fault is not None:
            raise SourceRejected(f"SOAP fault: {text(fault, 'faultstring')}", source=self.source)
        answer = find(body, "SendMessageResponse/response")
        if answer is None:
            raise MalformedAnswer("no SendMessageResponse/response", source=self.source)
        code = text(answer, "responseInfo/status/code")
        if not code:
            raise MalformedAnswer("no responseInfo/status/code", source=self.source)
        if code != SUCCESS:
            message = text(answer, "responseInfo/status/message")
            raise SourceRejected(f"gateway status {code}: {message}", source=self.source, code=code)
        data = find(answer, "responseData/data")
        if data is None:
            raise MalformedAnswer("no responseData/data in a successful answer", source=self.source)
        return SyncAnswer(
            message_id=text(answer, "responseInfo/messageId") or message_id,
            data=data,
            raw=response.content.decode(response.encoding or "utf-8", errors="replace"),
            received_at=datetime.datetime.now(datetime.UTC),
        )


def _copy(element: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(element))


def _fault_text(content: bytes) -> str:
    try:
        root = etree.fromstring(content, parser=_PARSER)
    except etree.XMLSyntaxError:
        return ""
    return text(root, "Body/Fault/faultstring")
