"""Reads made once per request (issue 12, item 2).

A page asks the same small questions many times: which roles the person holds (the view's
decorator, who acts for which supplier, the header's links), the state systems' latest answers
about a supplier (the state data, the completeness check, the findings, the legal address), the
active regions and the classifier's items. ``once_per_request`` keeps the answer of such a read
for the rest of the request, keyed by the function and its arguments.

The cache lives only while ``RequestCacheMiddleware`` serves a request (outside one, in a task,
a command or a test calling a selector, every call reads the database). It is emptied as soon
as the request writes to the database (any INSERT, UPDATE or DELETE), so a page never shows a
read from before its own change, and when it takes a row lock (``SELECT ... FOR UPDATE``), so
that what a service checks again under its lock is read under it. What it keeps must be treated
as read-only by callers.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import connection

P = ParamSpec("P")
R = TypeVar("R")

_cache: ContextVar[dict[Hashable, Any] | None] = ContextVar("portal_request_cache", default=None)

WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "COPY")


def once_per_request(function: Callable[P, R]) -> Callable[P, R]:
    """Keep ``function``'s answer for the rest of the request (arguments must be hashable)."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        cache = _cache.get()
        if cache is None:
            return function(*args, **kwargs)
        key = (function.__module__, function.__qualname__, args, tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = function(*args, **kwargs)
        return cache[key]

    return wrapper


def forget() -> None:
    """Empty the cache of the current request (nothing to do outside a request)."""
    cache = _cache.get()
    if cache is not None:
        cache.clear()


def _forget_on_write(execute, sql, params, many, context):
    if sql.lstrip()[:8].upper().startswith(WRITES) or "FOR UPDATE" in sql:
        forget()
    return execute(sql, params, many, context)


class RequestCacheMiddleware:
    """Opens the request's cache and empties it when the request writes to the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _cache.set({})
        try:
            with connection.execute_wrapper(_forget_on_write):
                return self.get_response(request)
        finally:
            _cache.reset(token)
