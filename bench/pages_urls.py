"""The portal's URLs and the ceiling of ``bench/pages.py``: a trivial view, same stack."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from portal.urls import handler403, handler404, handler500  # noqa: F401


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/ceiling/", ceiling),
    path("", include("portal.urls")),
]
