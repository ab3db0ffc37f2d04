"""Deployment checks: production must ask the real state systems (SYNC-1)."""

from __future__ import annotations

from django.core.checks import Error, Tags, register

from egov_gateway import conf


@register(Tags.security, deploy=True)
def real_state_sources(app_configs=None, **kwargs) -> list[Error]:
    """``manage.py check --deploy`` fails while the sandbox answers for the state systems."""
    if conf.backend() != conf.SANDBOX:
        return []
    return [
        Error(
            "The sandbox backend answers for the state systems with made-up data.",
            hint="Set STATE_SOURCES_BACKEND=gateway and the gateway settings (docs/gateway.md).",
            id="egov_gateway.E001",
        )
    ]
