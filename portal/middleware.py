"""Request id for the audit trail, Content-Security-Policy, no caching of private pages."""

import uuid
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.utils.cache import patch_cache_control

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")


class RequestIdMiddleware:
    """Gives every request an id (or keeps the proxy's X-Request-ID) that audit events carry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming[:64] if incoming.isascii() and incoming else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and not request.path.startswith("/admin/"):
            response.setdefault("Content-Security-Policy", policy)
        return response


class PrivatePagesMiddleware:
    """Every page answered to a signed-in person may show personal data (the cabinet, the
    workspace, the admin, the sign page's PDF): ``Cache-Control: private, no-store``, so that no
    shared cache and no browser history on a shared computer keeps it (issue 9, item 9).
    Public pages for visitors who are not signed in stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class MethodNotAllowedPageMiddleware:
    """A page opened with a method it does not take (``require_POST``/``require_safe``: a sign-out
    address typed in, a form posted to a page that only shows) answers 405 with a page in the
    visitor's language instead of Django's empty body; the ``Allow`` header stays."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed) or request.path.startswith("/api/"):
            return response
        # Imported here: the views use the audit trail, which imports this module.
        from portal.views import method_not_allowed

        page = method_not_allowed(request)
        page["Allow"] = response["Allow"]
        return page
