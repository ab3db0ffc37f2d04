"""Client of the goszakup open-data web service (OWS v3 REST, ``ows.goszakup.gov.kz``).

Requests carry ``Authorization: Bearer <token>``. A list answers with a page
``{"total", "limit", "next_page", "items"}``; ``next_page`` is a relative URL
(``/v3/rnu?page=next&search_after=…``) followed until it is empty.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from egov_gateway import conf
from egov_gateway.errors import (
    MalformedAnswer,
    SourceNotConfigured,
    SourceRejected,
    SourceUnavailable,
)
from egov_gateway.transport.retry import with_retries


@dataclasses.dataclass(frozen=True)
class OwsPage:
    total: int | None
    limit: int | None
    next_page: str
    items: list[dict[str, Any]]


class OwsClient:
    def __init__(
        self,
        *,
        url: str,
        token: str,
        timeout: float,
        source: str = "",
        retry: conf.RetrySettings | None = None,
        http: httpx.Client | None = None,
    ) -> None:
        if not url or not token:
            raise SourceNotConfigured(
                "GOSZAKUP_OWS_URL and GOSZAKUP_OWS_TOKEN must be set for the gateway backend",
                source=source,
            )
        self.url = url.rstrip("/") + "/"
        self.source = source
        self.retry = retry
        self.http = http or httpx.Client(
            timeout=timeout,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    def get_json(self, path: str, *, missing_is_none: bool = False) -> tuple[Any, str] | None:
        """The decoded answer and its text; ``None`` on 404 when the resource may be absent."""
        url = self._resolve(path)
        return with_retries(
            lambda: self._get(url, missing_is_none=missing_is_none),
            source=self.source,
            what=f"GET {urlsplit(url).path}",
            policy=self.retry,
        )

    def pages(self, path: str) -> Iterator[OwsPage]:
        """Every page of a list, following ``next_page`` to the end."""
        seen: set[str] = set()
        next_path = path
        while next_path:
            if next_path in seen:
                raise MalformedAnswer(f"next_page loops back to {next_path}", source=self.source)
            seen.add(next_path)
            answer = self.get_json(next_path)
            assert answer is not None, "only missing_is_none=True answers None"
            decoded, _text = answer
            page = self._page(decoded)
            yield page
            next_path = page.next_page

    def _resolve(self, path: str) -> str:
        url = urljoin(self.url, path)
        if urlsplit(url).netloc != urlsplit(self.url).netloc:
            raise MalformedAnswer(
                f"refusing to follow a link to another host: {path}", source=self.source
            )
        return url

    def _get(self, url: str, *, missing_is_none: bool) -> tuple[Any, str] | None:
        try:
            response = self.http.get(url)
        except httpx.TimeoutException as exc:
            raise SourceUnavailable(f"no answer in time ({exc!r})", source=self.source) from exc
        except httpx.TransportError as exc:
            raise SourceUnavailable(f"connection failed ({exc!r})", source=self.source) from exc
        if response.status_code == 404 and missing_is_none:
            return None
        if response.status_code >= 500 or response.status_code == 429:
            raise SourceUnavailable(f"HTTP {response.status_code}", source=self.source)
        if response.status_code in (401, 403):
            raise SourceRejected(
                f"HTTP {response.status_code}: the token was refused",
                source=self.source,
                code=str(response.status_code),
            )
        if response.status_code != 200:
            raise SourceRejected(
                f"HTTP {response.status_code}", source=self.source, code=str(response.status_code)
            )
        try:
            return response.json(), response.text
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise MalformedAnswer(f"the answer is not JSON ({exc})", source=self.source) from exc

    def _page(self, decoded: Any) -> OwsPage:
        if not isinstance(decoded, dict) or not isinstance(decoded.get("items"), list):
            raise MalformedAnswer("a page must be an object with an items list", source=self.source)
        next_page = decoded.get("next_page") or ""
        if not isinstance(next_page, str):
            raise MalformedAnswer("next_page must be a URL or empty", source=self.source)
        total, limit = decoded.get("total"), decoded.get("limit")
        for name, value in (("total", total), ("limit", limit)):
            if value is not None and not isinstance(value, int):
                raise MalformedAnswer(f"{name} must be a number", source=self.source)
        if not all(isinstance(item, dict) for item in decoded["items"]):
            raise MalformedAnswer("every item must be an object", source=self.source)
        return OwsPage(total=total, limit=limit, next_page=next_page, items=decoded["items"])
