"""The one function that decides whether a supplier may apply (deregistration.eligibility)."""

from __future__ import annotations

import pytest

from deregistration.eligibility import admission_eligibility
from suppliers.models import Application
from tests.suppliers.factories import ApplicationFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def test_a_new_supplier_may_apply():
    supplier = SupplierFactory()
    assert admission_eligibility(identifier=supplier.identifier).allowed
    assert admission_eligibility(identifier="100440000014").allowed  # never seen


def test_drafts_and_withdrawn_applications_do_not_stop_a_new_one():
    application = ApplicationFactory()
    ApplicationFactory(supplier=application.supplier, status=Application.Status.WITHDRAWN)
    assert admission_eligibility(identifier=application.supplier.identifier).allowed


@pytest.mark.req("SUP-8")
def test_an_application_under_review_stops_a_new_one_with_the_reason():
    application = ApplicationFactory(status=Application.Status.SUBMITTED)
    eligibility = admission_eligibility(identifier=application.supplier.identifier)
    assert not eligibility.allowed
    assert eligibility.code == "application_under_review"
    assert "under review" in str(eligibility.reason)


def test_an_admitted_supplier_cannot_be_admitted_again():
    # "approved" arrives with the commission workspace; the rule is already in place.
    application = ApplicationFactory()
    Application.objects.filter(pk=application.pk).update(status="approved")
    eligibility = admission_eligibility(identifier=application.supplier.identifier)
    assert not eligibility.allowed
    assert eligibility.code == "already_admitted"
