"""One error base (issue 10, item 6): the cabinet's refusals, the EDS refusals and the state
systems' failures are all ``PortalError`` with a stable ``code``, a ``message`` that may be shown
and a ``detail`` that is not; the 403/404/500 pages are views of ``portal.views``."""

from __future__ import annotations

import pytest
from django.urls import get_resolver
from django.utils import translation

from egov_gateway.eds import errors as eds_errors
from egov_gateway.errors import SourceError, SourceRejected, SourceUnavailable
from portal import views
from portal.errors import PortalError
from suppliers.services import errors as cabinet_errors


def subclasses(base: type) -> list[type]:
    found = []
    for cls in base.__subclasses__():
        found += [cls, *subclasses(cls)]
    return found


def test_the_cabinets_the_signatures_and_the_state_systems_errors_share_one_base():
    assert issubclass(cabinet_errors.SupplierActionError, PortalError)
    assert issubclass(eds_errors.SignatureError, PortalError)
    assert issubclass(cabinet_errors.NotEntitledToSign, PortalError)
    assert issubclass(SourceError, PortalError)


@pytest.mark.parametrize(
    "error_class",
    [
        cls
        for cls in subclasses(PortalError)
        if cls.__module__ in {"egov_gateway.eds.errors", "suppliers.services.errors"}
        and cls is not cabinet_errors.ApplicationIncomplete
    ],
    ids=lambda cls: cls.__name__,
)
def test_every_refusal_has_a_code_a_translated_message_and_a_hidden_detail(error_class):
    error = error_class(detail="OCSP responder said 'unknown'")
    assert error.code and error.code == error_class.code
    assert error.detail == "OCSP responder said 'unknown'"
    with translation.override("ru"):
        assert str(error) == str(error_class.message)
        assert str(error) and "OCSP" not in str(error)


def test_a_message_and_a_code_can_be_given_for_one_refusal():
    error = cabinet_errors.SupplierActionError("Enter the supplier's name.", code="name_required")
    assert (error.code, str(error), error.detail) == (
        "name_required",
        "Enter the supplier's name.",
        "",
    )
    assert cabinet_errors.SupplierActionError.code == "refused", "the class keeps its code"


def test_a_state_systems_failure_keeps_its_technical_account_for_the_logs():
    error = SourceUnavailable("timed out after 30 s", source="gbd_ul")
    assert str(error) == "gbd_ul: timed out after 30 s"
    assert error.args == ("timed out after 30 s",)
    assert error.detail == "timed out after 30 s"
    assert error.code == "source_unavailable" and error.retryable
    assert str(error.message), "a page may say something about it"
    rejected = SourceRejected("gateway status ESRV005: no such BIN", code="ESRV005")
    assert rejected.code == "ESRV005" and str(rejected).startswith("gateway status")


def test_the_error_pages_are_portal_views():
    resolver = get_resolver()
    assert resolver.resolve_error_handler(403) is views.forbidden
    assert resolver.resolve_error_handler(404) is views.not_found
    assert resolver.resolve_error_handler(500) is views.server_error
