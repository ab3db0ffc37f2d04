import uuid

import pytest


@pytest.fixture(autouse=True)
def own_rate_limit_counters(settings):
    """Each test counts its requests in Redis under its own keys (Redis is real and shared)."""
    settings.REGISTERS_RATE_KEY_PREFIX = f"test:registers:{uuid.uuid4().hex}"
