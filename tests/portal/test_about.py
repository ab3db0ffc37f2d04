"""The about page and the operators' admin say which rules edition applies, that Order No. 60 lost
force on 01.07.2023 (Order No. 285 of 30.06.2023) and that the portal applies it as the latest
edition it knows (DOMAIN.md header; issue 8, item 4). Everything comes from the editions data."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from portal.editions import EDITION_2020, EDITION_2022
from portal.editions.notice import rules_notice
from portal.models import Role
from tests.factories import RoleAssignmentFactory, UserFactory

REPEAL = {
    "kk": ("01.07.2023", "№ 285", "30.06.2023", "2022"),
    "ru": ("01.07.2023", "№ 285", "30.06.2023", "2022"),
}


def test_after_the_repeal_the_notice_says_edition_2022_is_applied_as_the_latest_known():
    with translation.override("en"):
        notice = rules_notice(day=datetime.date(2026, 12, 1))

    assert notice.edition is EDITION_2022
    assert notice.applied_after_repeal
    text = " ".join(notice.statements)
    assert (
        "Order No. 60 of 16.02.2022 lost force on 01.07.2023 (Order No. 285 of 30.06.2023)" in text
    )
    assert "applies edition 2022 as the latest edition it knows" in text
    assert "not a rule of law" in text
    assert "Order No. 298 of 09.08.2022 (items 2, 3, 21)" in text


def test_the_notice_follows_the_editions_data_for_each_day():
    with translation.override("en"):
        before_repeal = rules_notice(day=EDITION_2022.repealed_on - datetime.timedelta(days=1))
        in_2021 = rules_notice(day=datetime.date(2021, 5, 1))

    assert before_repeal.edition is EDITION_2022 and not before_repeal.applied_after_repeal
    assert "lost force" not in " ".join(before_repeal.statements)
    assert in_2021.edition is EDITION_2020
    assert "Order No. 18 of 22.01.2020" in in_2021.statements[0]
    assert [row.code for row in in_2021.editions if row.applied] == ["2020"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_about_page_says_which_edition_applies_and_why(client, language):
    response = client.get(reverse("portal:about"), HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    page = response.content.decode()
    with translation.override(language):
        notice = rules_notice()
    for statement in notice.statements:
        assert statement in page.replace("&quot;", '"').replace("&#x27;", "'")
    for fact in REPEAL[language]:
        assert fact in page
    assert f'lang="{language}"' in page


@pytest.mark.django_db
def test_every_page_links_to_the_about_page_from_its_footer(client):
    page = client.get(reverse("portal:home")).content.decode()

    footer = page[page.index('<footer class="footer"') :]
    assert f'href="{reverse("portal:about")}"' in footer


@pytest.mark.django_db
def test_the_operators_admin_says_which_edition_applies(client):
    operator = UserFactory(is_staff=True, is_superuser=True)
    RoleAssignmentFactory(user=operator, role=Role.OPERATOR)
    client.force_login(operator)

    response = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="ru")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="rules-notice"' in page
    assert "01.07.2023" in page and "285" in page and "30.06.2023" in page
