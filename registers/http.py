"""HTTP for public, cacheable pages and open data: validators (ETag, Last-Modified) that change
whenever an entry or a published protocol changes, a short public Cache-Control, 304 on a
conditional request (RFC 9110), and a per-client rate limit counted in Redis.

A reverse proxy or CDN in front of several web containers revalidates with the ETag and serves
the rest from its cache (docker-compose.yml scales ``web`` out).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponseBase]


def public_max_age() -> int:
    return int(getattr(settings, "REGISTERS_CACHE_SECONDS", 60))


def conditional(last_modified: Callable[[], datetime.datetime | None]) -> Callable[[View], View]:
    """Answer with 304 when the client's copy is current; otherwise render and mark the
    response with the validators and a short public lifetime.

    The ETag covers the data's last change, the address with its query, the language and whether
    the visitor sees unpublished entries (the commission and operators: their pages are private).
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            from registers.selectors import sees_unpublished

            private = sees_unpublished(request.user) if hasattr(request, "user") else False
            changed = last_modified()
            stamp = changed.isoformat() if changed else "-"
            etag = quote_etag(
                hashlib.sha256(
                    f"{stamp}|{request.get_full_path()}|{get_language()}|{private}".encode()
                ).hexdigest()[:32]
            )
            modified = int(changed.timestamp()) if changed else None
            if request.method in ("GET", "HEAD"):
                cached = get_conditional_response(
                    request, etag=etag, last_modified=modified, response=None
                )
                if cached is not None:
                    _mark(cached, etag=etag, modified=modified, private=private)
                    return cached
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                _mark(response, etag=etag, modified=modified, private=private)
            return response

        return wrapper

    return decorator


def _mark(response: HttpResponseBase, *, etag: str, modified: int | None, private: bool) -> None:
    response["ETag"] = etag
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    if private:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=public_max_age())
    patch_vary_headers(response, ("Accept-Language", "Cookie"))


# --- rate limit ---


def client_of(request: HttpRequest) -> str:
    """The client a limit counts: the first forwarded address when the portal runs behind a
    trusted proxy (``RATE_LIMIT_TRUST_FORWARDED``), otherwise the peer's address."""
    if getattr(settings, "RATE_LIMIT_TRUST_FORWARDED", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


_redis_clients: dict[str, Any] = {}


def _redis():
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    client = _redis_clients.get(url)
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        _redis_clients[url] = client
    return client


def rate_limited(scope: str) -> Callable[[View], View]:
    """At most ``REGISTERS_RATE_LIMIT`` requests per client and window of
    ``REGISTERS_RATE_WINDOW_SECONDS``, counted in Redis so that every web container shares the
    count; beyond it 429 with Retry-After. Without Redis (development) nothing is limited; when
    Redis does not answer the request is served and the failure logged (the registers stay
    public)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            limit = int(getattr(settings, "REGISTERS_RATE_LIMIT", 600))
            window = int(getattr(settings, "REGISTERS_RATE_WINDOW_SECONDS", 60))
            client = _redis()
            if client is not None and limit > 0:
                slot = int(time.time()) // window
                prefix = getattr(settings, "REGISTERS_RATE_KEY_PREFIX", "registers:rate")
                key = f"{prefix}:{scope}:{client_of(request)}:{slot}"
                try:
                    pipe = client.pipeline()
                    pipe.incr(key)
                    pipe.expire(key, window + 1)
                    count = int(pipe.execute()[0])
                except Exception:  # the rate limit must never take the registers down
                    logger.warning("Rate limit not counted: Redis did not answer", exc_info=True)
                    count = 0
                if count > limit:
                    retry = window - int(time.time()) % window
                    response: HttpResponse = JsonResponse(
                        {
                            "error": "rate_limited",
                            "detail": _("Too many requests. Try again in %(seconds)d seconds.")
                            % {"seconds": retry},
                        },
                        status=429,
                    )
                    response["Retry-After"] = str(retry)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
