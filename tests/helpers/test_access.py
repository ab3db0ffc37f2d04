"""The access-matrix helper is honest: it passes on the real outcome and fails on any other."""

import pytest
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import include, path

from portal.access import role_required
from portal.models import Role
from tests.helpers.access import ANONYMOUS, SIGN_IN, assert_access

ALL_ROLES = [ANONYMOUS, *Role.values]


@role_required(Role.OPERATOR)
def operator_page(request):
    return HttpResponse("operators only")


@role_required(*[Role.MEMBER, Role.SECRETARY])
def commission_page(request):
    return HttpResponse("commission only")


def sign_in_without_next(request):
    return redirect("portal:sign-in")


def sign_in_with_other_next(request):
    return redirect_to_login("/somewhere-else/")


# The test URLconf: the portal's own pages plus the tiny pages above.
urlpatterns = [
    path("test/operator/", operator_page, name="operator-page"),
    path("test/commission/", commission_page, name="commission-page"),
    path("test/bad-redirect/", sign_in_without_next, name="no-next"),
    path("test/other-next/", sign_in_with_other_next, name="other-next"),
    path("", include("portal.urls")),
]
handler403 = "portal.views.forbidden"
handler404 = "portal.views.not_found"

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_home_is_open_to_everyone(client):
    assert_access(client, {("portal:home", who): 200 for who in ALL_ROLES})


def test_operator_page_is_for_operators_and_sends_visitors_to_sign_in(client):
    expected = dict.fromkeys(Role.values, 403) | {ANONYMOUS: SIGN_IN, Role.OPERATOR: 200}
    assert_access(client, {("operator-page", who): outcome for who, outcome in expected.items()})


def test_commission_page_is_for_members_and_secretaries(client):
    expected = dict.fromkeys(Role.values, 403) | {
        ANONYMOUS: SIGN_IN,
        Role.MEMBER: 200,
        Role.SECRETARY: 200,
    }
    assert_access(
        client, {("/test/commission/", who): outcome for who, outcome in expected.items()}
    )


def test_helper_fails_and_lists_every_difference(client):
    matrix = {
        ("portal:home", ANONYMOUS): 403,
        ("operator-page", Role.SUPPLIER): 200,
        ("operator-page", Role.OPERATOR): 200,
    }
    with pytest.raises(AssertionError) as failure:
        assert_access(client, matrix)
    message = str(failure.value)
    assert "GET / as anonymous: expected 403, got 200" in message
    assert "GET /test/operator/ as supplier: expected 200, got 403" in message
    assert "as operator" not in message


def test_helper_refuses_a_denial_where_sign_in_is_expected(client):
    with pytest.raises(AssertionError, match="as supplier: expected 'sign-in', got 403"):
        assert_access(client, {("operator-page", Role.SUPPLIER): SIGN_IN})


def test_admin_login_redirect_is_not_the_portal_sign_in(client):
    """The admin sends visitors to its own login page, not to settings.LOGIN_URL."""
    with pytest.raises(AssertionError, match=r"got 'redirect to /admin/login/\?next=/admin/'"):
        assert_access(client, {("admin:index", ANONYMOUS): SIGN_IN})
    with pytest.raises(AssertionError, match="as operator: expected 200, got 'redirect to"):
        # An operator without staff status is not let into the admin either.
        assert_access(client, {("admin:index", Role.OPERATOR): 200})


def test_sign_in_redirect_must_carry_the_page_as_next(client):
    with pytest.raises(AssertionError, match="/test/bad-redirect/ as anonymous"):
        assert_access(client, {("no-next", ANONYMOUS): SIGN_IN})
    with pytest.raises(AssertionError, match="/test/other-next/ as anonymous"):
        assert_access(client, {("other-next", ANONYMOUS): SIGN_IN})


def test_helper_leaves_the_client_signed_out(client):
    assert_access(client, {("operator-page", Role.OPERATOR): 200})
    assert "_auth_user_id" not in client.session


def test_unknown_roles_and_outcomes_are_refused(client):
    with pytest.raises(ValueError, match="Unknown role"):
        assert_access(client, {("portal:home", "chairman"): 200})
    with pytest.raises(ValueError, match="Unknown outcome"):
        assert_access(client, {("portal:home", ANONYMOUS): "ok"})
