"""A read kept for the rest of a request is read again after the request writes or locks
(``portal.request_cache``, issue 12), and is never kept outside a request."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from portal.models import Region
from portal.request_cache import RequestCacheMiddleware, once_per_request

pytestmark = pytest.mark.django_db


@once_per_request
def region_names() -> tuple[str, ...]:
    return tuple(Region.objects.order_by("kato").values_list("name_en", flat=True))


def serve(view) -> HttpResponse:
    return RequestCacheMiddleware(view)(RequestFactory().get("/"))


def test_a_read_is_made_once_per_request(django_assert_num_queries):
    def view(request):
        with django_assert_num_queries(1):
            assert region_names() == region_names()
        return HttpResponse()

    serve(view)


def test_a_write_or_a_lock_empties_the_cache():
    def view(request):
        before = region_names()
        Region.objects.filter(kato=Region.objects.order_by("kato").first().kato).update(
            name_en="Renamed"
        )
        assert region_names() != before, "read again after the write"
        region_names()
        with CaptureQueriesContext(connection) as captured, transaction.atomic():
            list(Region.objects.select_for_update()[:1])
            region_names()
        reads = [
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].startswith('SELECT "portal_region"."name_en"')
        ]
        assert len(reads) == 1, "read again under the lock"
        return HttpResponse()

    serve(view)


def test_outside_a_request_every_call_reads(django_assert_num_queries):
    with django_assert_num_queries(2):
        region_names()
        region_names()
