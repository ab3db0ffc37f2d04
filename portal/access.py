"""Role checks for views: who may open which page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


class RoleRequiredView(Protocol):
    """A view behind ``role_required``; ``required_roles`` says whom it admits."""

    required_roles: tuple[str, ...]

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse: ...


def role_required(*roles: str) -> Callable[[Callable[..., HttpResponse]], RoleRequiredView]:
    """Anonymous visitors go to sign-in; signed-in people without one of ``roles`` get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> RoleRequiredView:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.roles.filter(role__in=roles).exists():
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded = cast(RoleRequiredView, wrapper)
        guarded.required_roles = roles
        return guarded

    return decorator
