"""People with roles for tests, made with the shared factories (valid IINs, real user manager)."""

from __future__ import annotations

from portal.models import Region, User
from tests.factories import RoleAssignmentFactory, UserFactory


def make_user(
    *, role: str | None = None, region: Region | None = None, password: str | None = None, **fields
) -> User:
    """A person holding ``role`` (if given); commission roles get a region unless one is given."""
    user = UserFactory(password=password, **fields)
    if role:
        scope = {"region": region} if region is not None else {}
        RoleAssignmentFactory(user=user, role=role, **scope)
    return user
