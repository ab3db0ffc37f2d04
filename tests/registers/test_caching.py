"""Public pages that a CDN or a shared cache may keep (REG-2): an anonymous visitor's register,
entry, deregistered and protocol pages set no cookie (the language switcher is a GET form
without a CSRF token) and carry a short public Cache-Control and validators, and a conditional
GET is answered with 304. The language switch still works without JavaScript and returns only
to an address of this site."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.encoding import iri_to_uri

from tests.registers.builders import make_entry

pytestmark = pytest.mark.django_db


def public_pages(entry) -> list[str]:
    return [
        reverse("registers:index"),
        reverse("registers:register", args=[entry.register]),
        reverse("registers:register", args=[entry.register]) + "?q=Орто&sort=newest",
        reverse("registers:entry", args=[entry.pk]),
        reverse("registers:deregistered"),
        reverse("protocols:list"),
    ]


@pytest.mark.req("REG-2")
def test_anonymous_public_pages_set_no_cookie_are_public_and_answer_304(client):
    entry = make_entry(name="Ортопед Әлем")
    for url in public_pages(entry):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
        assert not response.cookies, url
        control = response.headers["Cache-Control"]
        assert "public" in control and "max-age=" in control, url
        assert "csrfmiddlewaretoken" not in response.content.decode(), url
        again = client.get(url, HTTP_IF_NONE_MATCH=response.headers["ETag"])
        assert again.status_code == 304, url
        assert not again.cookies, url


@pytest.mark.req("REG-2")
def test_the_language_switch_is_a_get_that_sets_the_cookie_and_returns_to_the_page(client):
    entry = make_entry(name="Ортопед Әлем")
    back = reverse("registers:register", args=[entry.register]) + "?q=Орто"
    html = client.get(back).content.decode()
    assert f'action="{reverse("portal:language")}" method="get"' in html
    response = client.get(reverse("portal:language"), {"language": "kk", "next": back})
    assert response.status_code == 302
    assert response["Location"] == iri_to_uri(back)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "kk"
    assert "no-store" in response.headers["Cache-Control"]
    assert '<html lang="kk">' in client.get(back).content.decode()


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_the_language_switch_never_sends_the_visitor_to_another_site(client, elsewhere):
    response = client.get(reverse("portal:language"), {"language": "ru", "next": elsewhere})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_an_unknown_language_sets_no_cookie(client):
    response = client.get(reverse("portal:language"), {"language": "xx", "next": "/about/"})
    assert response["Location"] == "/about/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_filters_choices_are_kept_by_the_process_for_a_while(client, settings):
    """A search page reads the regions and the classifier once a minute, not on every visit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registers import selectors

    entry = make_entry(name="Ортопед Әлем")
    url = reverse("registers:register", args=[entry.register])
    settings.REGISTERS_CHOICES_SECONDS = 60
    selectors.forget_choices()
    try:
        with CaptureQueriesContext(connection) as first:
            html = client.get(url).content.decode()
        with CaptureQueriesContext(connection) as second:
            again = client.get(url).content.decode()
        assert len(second) == len(first) - 2
        assert again == html  # the same regions and kinds offered
        assert entry.region.name in again
    finally:
        selectors.forget_choices()
