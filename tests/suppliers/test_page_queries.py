"""Every page of the cabinet and every public page runs a small number of queries, the same
whatever the size of the application, and never the same query twice (issue 12, item 2).

An application with one offering, address and specialist and the same application with 100 of
each are shown page by page: at most ``QUERY_LIMIT`` queries, equal counts at both sizes, no
query repeated within a request; and at 100 rows every row is shown with what was chosen in its
drop-down lists, and a post of 100 rows is checked against lists read once.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.urls import reverse

from portal.editions import Offer
from portal.models import Role
from suppliers import selectors
from suppliers.models import Application, Section
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.suppliers.factories import (  # noqa: F401 (fixture)
    HEAD_IIN,
    ORTHOPEDIA_BIN,
    ApplicationFactory,
    SupplierFactory,
    add_rows,
    complete_application,
    goods_item,
    private_media,
    service_item,
)
from tests.suppliers.test_views import (
    accept_offer_without_signature,
    html,
    prepare_the_form,
    sign_in,
)

pytestmark = pytest.mark.django_db

QUERY_LIMIT = 12
SIZES = (1, 100)
# Goods and a special social service: every section of the task list, specialists included.
OFFERS = (Offer.TECHNICAL_AIDS, Offer.SPECIAL_SOCIAL_SERVICES)


@pytest.fixture
def signed_in_head(client):
    """The head of a legal entity, signed in with the organisation's key."""
    supplier = SupplierFactory(identifier=ORTHOPEDIA_BIN)
    head = UserFactory(iin=HEAD_IIN)
    RoleAssignmentFactory(user=head, role=Role.SUPPLIER, organisation_bin=ORTHOPEDIA_BIN)
    accept_offer_without_signature(supplier, head)
    sign_in(client, head, bin=ORTHOPEDIA_BIN)
    return supplier, head


def draft_pages(application: Application) -> list[str]:
    pages = [reverse("suppliers:cabinet"), reverse("suppliers:application")]
    pages += [reverse("suppliers:section", args=[s]) for s in selectors.sections_for(application)]
    pages += [reverse("suppliers:completeness"), reverse("suppliers:check-answers")]
    return [*pages, reverse("suppliers:sign")]


def queries_of(client, path: str, assert_max_num_queries) -> list[str]:
    """The SQL of one GET of ``path``, which must answer 200 within ``QUERY_LIMIT`` queries."""
    with assert_max_num_queries(QUERY_LIMIT) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return [query["sql"] for query in captured.captured_queries]


def repeated(queries: list[str]) -> list[str]:
    return [sql for sql, times in Counter(queries).items() if times > 1]


@pytest.mark.req("SUP-4", "SUP-7")
def test_every_page_of_the_draft_runs_few_queries_whatever_the_number_of_rows(
    client, signed_in_head, trust_test_pki, django_assert_max_num_queries
):
    supplier, head = signed_in_head
    application = complete_application(supplier=supplier, user=head, offers=OFFERS)
    counts: dict[int, dict[str, int]] = {}
    for rows in SIZES:
        add_rows(application, rows)
        prepare_the_form(client)  # the data changed: Annex 1 is formed again for them
        counts[rows] = {}
        for page in draft_pages(application):
            queries = queries_of(client, page, django_assert_max_num_queries)
            assert repeated(queries) == [], page
            counts[rows][page] = len(queries)
    assert counts[1] == counts[100]


@pytest.mark.req("SUP-9")
def test_the_pages_of_a_submitted_application_run_few_queries(
    client, signed_in_head, django_assert_max_num_queries
):
    supplier, head = signed_in_head
    application = complete_application(supplier=supplier, user=head, offers=OFFERS)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    counts = {}
    for rows in SIZES:
        add_rows(application, rows)
        counts[rows] = {}
        for name in ("suppliers:status", "suppliers:submitted", "suppliers:withdraw"):
            page = reverse(name, args=[application.pk])
            queries = queries_of(client, page, django_assert_max_num_queries)
            assert repeated(queries) == [], page
            counts[rows][page] = len(queries)
    assert counts[1] == counts[100]


def test_the_public_pages_run_few_queries_and_none_twice(client, django_assert_max_num_queries):
    for page in ("/", reverse("portal:about"), reverse("portal:sign-in"), reverse("eds:sign-in")):
        queries = queries_of(client, page, django_assert_max_num_queries)
        assert repeated(queries) == [], page


@pytest.mark.req("SUP-4")
def test_a_hundred_rows_are_shown_with_what_was_chosen_in_their_lists(
    client, signed_in_head, django_assert_max_num_queries
):
    supplier, head = signed_in_head
    application = complete_application(supplier=supplier, user=head, offers=OFFERS)
    add_rows(application, 100)
    page = client.get(reverse("suppliers:section", args=[Section.OFFERINGS])).content.decode()
    chosen = re.findall(r'<option value="(\d+)" selected>', page)
    offerings = list(application.offerings.order_by("pk"))
    assert chosen == [str(o.classifier_item_id) for o in offerings]
    page = client.get(reverse("suppliers:section", args=[Section.ADDRESSES])).content.decode()
    chosen = re.findall(r'<option value="(\d+)" selected>', page)
    assert chosen == [str(application.supplier.region_id)] * 100


@pytest.mark.req("SUP-4")
def test_a_post_of_a_hundred_rows_is_checked_against_lists_read_once(
    client, signed_in_head, django_assert_max_num_queries
):
    supplier, head = signed_in_head
    application = complete_application(supplier=supplier, user=head, offers=OFFERS)
    goods, service = goods_item(), service_item(Offer.SPECIAL_SOCIAL_SERVICES)
    url = reverse("suppliers:section", args=[Section.OFFERINGS])
    saved = application.offerings.count()

    def rows(first_item: str) -> dict[str, str]:
        data = {
            "offerings-TOTAL_FORMS": "100",
            "offerings-INITIAL_FORMS": str(saved),
            "action": "continue",
        }
        for n in range(100):
            data |= {
                f"offerings-{n}-classifier_item": str(goods.pk if n % 2 else service.pk),
                f"offerings-{n}-characteristics": f"Row {n}",
                f"offerings-{n}-price": "1500",
                f"offerings-{n}-unit": "piece",
                f"offerings-{n}-stock_quantity": "2",
            }
        data["offerings-0-classifier_item"] = first_item
        return data

    # An item outside the list (here: one that does not exist) is refused, and nothing changes.
    response = client.post(url, rows("999999"))
    assert response.status_code == 200
    assert "offerings-0-classifier_item" in "".join(
        re.findall(r'href="#id_([^"]+)"', response.content.decode())
    )
    assert application.offerings.count() == saved

    with django_assert_max_num_queries(40) as captured:  # saving writes rows; reading is fixed
        response = client.post(url, rows(str(service.pk)))
    assert response.status_code == 302
    assert application.offerings.count() == 100
    item_reads = [
        q for q in captured.captured_queries if 'FROM "portal_classifieritem"' in q["sql"]
    ]
    assert len(item_reads) <= 2, "the classifier is read once for all the rows"
    assert html(client.get(url)).count("Row 99") == 1


@pytest.mark.req("SUP-6")
def test_a_sections_page_finds_the_same_problems_reading_only_what_it_needs(signed_in_head):
    """A section's page asks only its own problems (``completeness_problems(section=…)``): the
    same ones the whole check finds there, for an empty draft and a complete one."""
    supplier, head = signed_in_head
    empty = ApplicationFactory(supplier=supplier, created_by=head, offers=list(OFFERS))
    complete = complete_application(offers=OFFERS)
    for application in (empty, complete):
        everything = selectors.completeness_problems(application)
        for section in [*selectors.sections_for(application), "unknown"]:
            expected = [p for p in everything if p.section == section]
            assert selectors.completeness_problems(application, section=section) == expected
    assert selectors.completeness_problems(empty), "the empty draft has problems to compare"
