"""Role checks for views: who may open which page."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from portal.request_cache import once_per_request


@dataclasses.dataclass(frozen=True)
class HeldRole:
    """One role a person holds, with its scope (a commission's region, a supplier's BIN)."""

    role: str
    region_id: int | None
    organisation_bin: str


@once_per_request
def _held_roles(user_id: int) -> tuple[HeldRole, ...]:
    from portal.models import RoleAssignment

    return tuple(
        HeldRole(role=role, region_id=region_id, organisation_bin=organisation_bin)
        for role, region_id, organisation_bin in RoleAssignment.objects.filter(
            user_id=user_id
        ).values_list("role", "region_id", "organisation_bin")
    )


def held_roles(user: Any) -> tuple[HeldRole, ...]:
    """The roles ``user`` holds, read once per request (issue 12): the page's decorator, who
    acts for which supplier and the header's links all ask, and one query answers them."""
    if not getattr(user, "is_authenticated", False):
        return ()
    return _held_roles(user.pk)


def holds_role(
    user: Any,
    *roles: str,
    organisation_bin: str | None = None,
    in_a_region: bool = False,
    region_id: int | None = None,
) -> bool:
    """Whether ``user`` holds one of ``roles``, for ``organisation_bin`` / in a region when
    given (``in_a_region``: any region; ``region_id``: that one)."""
    return any(
        held.role in roles
        and (organisation_bin is None or held.organisation_bin == organisation_bin)
        and (not in_a_region or held.region_id is not None)
        and (region_id is None or held.region_id == region_id)
        for held in held_roles(user)
    )


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
            if not holds_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded = cast(RoleRequiredView, wrapper)
        guarded.required_roles = roles
        return guarded

    return decorator
