"""The access matrix: which role gets what on which page.

``assert_access(client, matrix)`` opens every page of the matrix as every role named there and
fails, listing every difference, when the outcome is not the one expected. Outcomes:

- an HTTP status code such as 200, 403 or 404;
- ``SIGN_IN`` ("sign-in"): a redirect to ``settings.LOGIN_URL`` whose ``next`` is the page asked
  for, which is what ``portal.access.role_required`` does for anonymous visitors.

Any other redirect (for example the Django admin's own login page) is reported as
"redirect to <location>" and never matches ``SIGN_IN``.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from portal.models import Role, User
from tests.helpers.people import make_user

ANONYMOUS = "anonymous"
SIGN_IN = "sign-in"

Outcome = int | str


def page_path(page: str) -> str:
    """A path as given ("/admin/") or the path of a URL name ("portal:home")."""
    return page if page.startswith("/") else reverse(page)


def outcome_of(response, *, path: str) -> Outcome:
    """What the visitor got: the status code, ``SIGN_IN``, or a description of another redirect."""
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        target = urlsplit(location)
        next_values = parse_qs(target.query).get(REDIRECT_FIELD_NAME)
        if target.path == resolve_url(settings.LOGIN_URL) and next_values == [path]:
            return SIGN_IN
        return f"redirect to {location}"
    return response.status_code


def person_for(who: str) -> User:
    if who not in Role.values:
        raise ValueError(f"Unknown role {who!r} in the access matrix; use {ANONYMOUS!r} or a Role.")
    return make_user(role=who, full_name=f"Access Matrix {who}")


def assert_access(client: Client, matrix: Mapping[tuple[str, str], Outcome]) -> None:
    """GET each (page, role) of ``matrix`` and compare what happens with what is expected."""
    people: dict[str, User] = {}
    differences = []
    try:
        for (page, who), expected in matrix.items():
            if not (isinstance(expected, int) or expected == SIGN_IN):
                raise ValueError(f"Unknown outcome {expected!r}: use a status code or {SIGN_IN!r}.")
            path = page_path(page)
            client.logout()
            if who != ANONYMOUS:
                if who not in people:
                    people[who] = person_for(who)
                client.force_login(people[who])
            actual = outcome_of(client.get(path), path=path)
            if actual != expected:
                differences.append(f"  GET {path} as {who}: expected {expected!r}, got {actual!r}")
    finally:
        client.logout()
    if differences:
        raise AssertionError("Access differs from the matrix:\n" + "\n".join(differences))
