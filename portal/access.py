"""Role checks for views: who may open which page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def role_required(*roles: str) -> Callable:
    """Anonymous visitors go to sign-in; signed-in people without one of ``roles`` get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.roles.filter(role__in=roles).exists():
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles
        return wrapper

    return decorator
