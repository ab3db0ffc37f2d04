"""Django's own form messages that reach users are in Kazakh and Russian (issue 9, item 6).

Django's Kazakh catalogue lacks many of them (the length of a text, digits of a number, e-mail);
the portal's catalogue gives every one that a cabinet form can show, and a Kazakh page shows no
Django message in English.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.suppliers.factories import private_media  # noqa: F401 (autouse fixture)
from tests.suppliers.test_views import draft_with_offer, html, sign_in_for

SINGULAR = [
    "This field is required.",
    "Enter a valid URL.",
    "Enter a valid date.",
    "Enter a valid email address.",
    "Enter a whole number.",
    "Enter a number.",
    "Null characters are not allowed.",
    "The submitted file is empty.",
    "Ensure this value is less than or equal to %(limit_value)s.",
    "Ensure this value is greater than or equal to %(limit_value)s.",
    "Select a valid choice. %(value)s is not one of the available choices.",
    "Select a valid choice. That choice is not one of the available choices.",
]
PLURAL = [
    (
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    ),
    (
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
    ),
    (
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
    ),
    (
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
    ),
    (
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
    ),
    (
        "Ensure this filename has at most %(max)d character (it has %(length)d).",
        "Ensure this filename has at most %(max)d characters (it has %(length)d).",
    ),
]
CYRILLIC = re.compile(r"[А-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІі]")


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_djangos_form_messages_that_reach_users_are_translated(language):
    with translation.override(language):
        english = [m for m in SINGULAR if not CYRILLIC.search(translation.gettext(m))] + [
            one
            for one, many in PLURAL
            for n in (1, 2, 5, 21)
            if not CYRILLIC.search(translation.ngettext(one, many, n))
        ]

    assert english == []


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_rows")
def test_a_kazakh_page_shows_djangos_messages_in_kazakh(client):
    application, user = draft_with_offer()
    sign_in_for(client, application.supplier, user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"

    response = client.post(
        reverse("suppliers:section", args=["bank_details"]),
        {"bank_name": "Б" * 300, "action": "save"},
    )

    page = html(response)
    assert response.status_code == 200
    assert "Бұл мән ең көбі 255 таңбадан тұруы тиіс (қазір 300)." in page
    assert "Ensure this value" not in page
