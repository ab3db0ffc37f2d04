"""Request id for the audit trail, and the Content-Security-Policy header."""

import uuid
from contextvars import ContextVar

from django.conf import settings

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
