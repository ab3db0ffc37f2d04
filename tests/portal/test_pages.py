"""The shared pages through the Django test client: languages, sign-in, headers, error pages."""

import re

import pytest
from django.conf import settings
from django.contrib import messages
from django.forms.forms import NON_FIELD_ERRORS
from django.shortcuts import redirect
from django.test import Client
from django.urls import include, path, reverse
from django.utils import translation
from django.utils.formats import date_format

from portal.editions import edition_for
from portal.models import Role


def say_saved(request):
    messages.success(request, "Saved.")
    return redirect("portal:home")


def say_failed(request):
    messages.error(request, "Not saved.")
    return redirect("portal:home")


def break_down(request):
    raise RuntimeError("a failure inside a view")


# Used by the tests marked with pytest.mark.urls(__name__) only.
urlpatterns = [
    path("test/saved/", say_saved),
    path("test/failed/", say_failed),
    path("test/broken/", break_down),
    path("", include("portal.urls")),
]
handler500 = "portal.views.server_error"

OPERATOR_PASSWORD = "a-long-operator-password"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def current_language_button(html: str) -> str:
    match = re.search(r'<button[^>]*value="(\w+)"[^>]*aria-current="true"', html)
    assert match, "the language switcher marks no language as current"
    return match.group(1)


@pytest.mark.kazakh_default
@pytest.mark.django_db
def test_home_is_in_kazakh_by_default(client):
    assert settings.LANGUAGE_CODE == "kk"
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert response["Content-Language"] == "kk"
    assert '<html lang="kk">' in response.content.decode()
    assert current_language_button(response.content.decode()) == "kk"


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_home_is_served_in_the_language_of_the_cookie(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("portal:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert f'<html lang="{language}">' in html
    assert current_language_button(html) == language
    assert HOME_HEADINGS[language] in html


HOME_HEADINGS = {
    "kk": "Әлеуметтік қызметтер порталында өнім беруші болыңыз",
    "ru": "Стать поставщиком на портале социальных услуг",
    "en": "Become a supplier on the Social Services Portal",
}


@pytest.mark.django_db
def test_language_switcher_offers_each_language_in_its_own_name(client):
    html = client.get(reverse("portal:home")).content.decode()
    for code, own_name in [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]:
        assert re.search(rf'value="{code}" lang="{code}"[^>]*>{own_name}</button>', html)
    assert f'action="{reverse("portal:language")}" method="get"' in html


@pytest.mark.django_db
def test_switching_language_sets_the_cookie_and_returns_to_the_page(client):
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/sign-in/"})
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert '<html lang="ru">' in client.get("/sign-in/").content.decode()


@pytest.mark.django_db
def test_home_shows_the_rules_edition_in_force(english):
    edition = edition_for()
    html = english.get(reverse("portal:home")).content.decode()
    with translation.override("en"):
        since = date_format(edition.effective_from, "j E Y")
    assert f"edition {edition.code}, in force since {since}" in html


@pytest.mark.django_db
def test_anonymous_visitor_sees_sign_in_link(english):
    html = english.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("eds:sign-in")}"' in html
    assert reverse("portal:sign-out") not in html


@pytest.mark.django_db
def test_signed_in_person_sees_their_name_and_a_sign_out_button(english, user_factory):
    person = user_factory(role=Role.SUPPLIER, full_name="Айгүл Серікқызы")
    english.force_login(person)
    html = english.get(reverse("portal:home")).content.decode()
    assert "Айгүл Серікқызы" in html
    assert re.search(rf'<form[^>]*action="{reverse("portal:sign-out")}" method="post"', html)


@pytest.mark.req("ID-3")
@pytest.mark.django_db
def test_operator_signs_in_with_a_password(english, user_factory):
    operator = user_factory(role=Role.OPERATOR, password=OPERATOR_PASSWORD)
    response = english.post(
        reverse("portal:sign-in"), {"username": operator.iin, "password": OPERATOR_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert english.session["_auth_user_id"] == str(operator.pk)


@pytest.mark.req("ID-3")
@pytest.mark.django_db
def test_password_sign_in_is_refused_to_people_who_are_not_operators(english, user_factory):
    supplier = user_factory(role=Role.SUPPLIER, password=OPERATOR_PASSWORD)
    response = english.post(
        reverse("portal:sign-in"), {"username": supplier.iin, "password": OPERATOR_PASSWORD}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error(NON_FIELD_ERRORS, "not_operator")
    assert "Password sign-in is only for operators. Sign in with your EDS." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in english.session


@pytest.mark.django_db
def test_wrong_password_shows_the_error_summary_and_keeps_the_iin(english, user_factory):
    operator = user_factory(role=Role.OPERATOR, password=OPERATOR_PASSWORD)
    response = english.post(
        reverse("portal:sign-in"), {"username": operator.iin, "password": "not-the-password"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Operator sign-in" in html
    assert 'class="error-summary" role="alert"' in html
    assert "There is a problem" in html
    assert '<a href="#id_username">The IIN or the password is wrong.' in html
    assert f'value="{operator.iin}"' in html
    assert "not-the-password" not in html


@pytest.mark.django_db
def test_empty_sign_in_shows_inline_errors_linked_from_the_summary(english):
    html = english.post(
        reverse("portal:sign-in"), {"username": "", "password": ""}
    ).content.decode()
    for field in ("username", "password"):
        assert f'<a href="#id_{field}">This field is required.</a>' in html
        assert f'<p class="error-message" id="id_{field}_error">' in html
        field_input = re.search(rf'<input[^>]*name="{field}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in field_input
    assert '<span class="visually-hidden">Error:</span> This field is required.' in html
    username_input = re.search(r'<input[^>]*name="username"[^>]*>', html).group(0)
    assert 'aria-describedby="id_username_helptext id_username_error"' in username_input


@pytest.mark.django_db
def test_sign_out_is_a_post_that_ends_the_session(english, user_factory):
    english.force_login(user_factory(role=Role.OPERATOR))
    response = english.post(reverse("portal:sign-out"), follow=True)
    assert response.redirect_chain == [(reverse("portal:home"), 302)]
    assert "_auth_user_id" not in english.session
    assert "You have signed out." in response.content.decode()
    assert english.get(reverse("portal:sign-out")).status_code == 405


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy(client):
    policy = client.get(reverse("portal:home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_templates_use_no_inline_styles_or_scripts(english):
    for url in (reverse("portal:home"), reverse("portal:sign-in"), "/no-such-page/"):
        html = english.get(url).content.decode()
        assert "style=" not in html
        assert "<style" not in html
        assert "<script" not in html


@pytest.mark.django_db
def test_every_response_has_a_request_id(client):
    generated = client.get(reverse("portal:home"))["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert client.get(reverse("portal:home"))["X-Request-ID"] != generated
    kept = client.get(reverse("portal:home"), headers={"X-Request-ID": "proxy-id-42"})
    assert kept["X-Request-ID"] == "proxy-id-42"


@pytest.mark.django_db
def test_missing_page_gets_the_helpful_404(english):
    response = english.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found" in html
    assert "If you typed the web address, check it is correct." in html
    assert f'href="{reverse("portal:home")}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("kk", "Бұл бетті осылай ашуға болмайды"),
        ("ru", "Эту страницу нельзя открыть таким способом"),
        ("en", "This page cannot be opened this way"),
    ],
)
def test_a_page_opened_with_a_method_it_does_not_take_explains_itself(language, heading):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)

    typed_in = client.get(reverse("portal:sign-out"))  # the sign-out address typed in
    posted = client.post(reverse("protocols:list"))  # a page that only shows

    for response, allowed in ((typed_in, "POST, OPTIONS"), (posted, "GET, HEAD")):
        html = response.content.decode()
        assert response.status_code == 405 and response["Allow"] == allowed
        assert f"<title>{heading}" in html and f'href="{reverse("portal:home")}"' in html


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_failure_gets_the_500_page_with_a_reference(english):
    english.raise_request_exception = False
    response = english.get("/test/broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert response["X-Request-ID"] in html


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_success_message_is_a_status_banner(english):
    html = english.get("/test/saved/", follow=True).content.decode()
    assert re.search(
        r'class="notification-banner notification-banner--success"\s+role="status"', html
    )
    assert "Saved." in html


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_error_message_is_an_alert_banner(english):
    html = english.get("/test/failed/", follow=True).content.decode()
    assert re.search(r'class="notification-banner notification-banner--alert" role="alert"', html)
    assert "Not saved." in html


@pytest.mark.django_db
def test_form_sent_without_a_valid_token_gets_the_expired_form_page():
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("portal:sign-in"), {"username": "", "password": ""})
    html = response.content.decode()
    assert response.status_code == 403
    assert "<title>The form has expired" in html
    assert "reload the page and send the form again" in html
    assert "<form" not in html
