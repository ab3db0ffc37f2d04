"""Asking again after a pause when a state system did not answer (SYNC-3)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from egov_gateway import conf
from egov_gateway.errors import SourceError, SourceUnavailable

logger = logging.getLogger(__name__)
T = TypeVar("T")


def backoff_delays(policy: conf.RetrySettings) -> list[float]:
    """The pauses between attempts: doubling from ``backoff_seconds`` up to the maximum."""
    return [
        min(policy.max_backoff_seconds, policy.backoff_seconds * 2**n)
        for n in range(max(policy.attempts - 1, 0))
    ]


def with_retries(
    call: Callable[[], T],
    *,
    source: str,
    what: str,
    policy: conf.RetrySettings | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``call()``, asked again after each retryable failure; the last failure is raised.

    Only failures marked retryable (no answer, 5xx) are retried; an error answer or a malformed
    one would only repeat itself.
    """
    policy = policy or conf.retries()
    delays = backoff_delays(policy)
    for attempt in range(1, len(delays) + 2):
        try:
            return call()
        except SourceError as exc:
            if not exc.retryable:
                raise
            if attempt > len(delays):
                raise SourceUnavailable(
                    f"{what}: no usable answer after {attempt} attempts; last: {exc.args[0]}",
                    source=source,
                ) from exc
            delay = delays[attempt - 1]
            logger.warning(
                "%s: %s failed (attempt %d of %d): %s; asking again in %.1f s",
                source,
                what,
                attempt,
                len(delays) + 1,
                exc,
                delay,
            )
            sleep(delay)
    raise AssertionError("unreachable")
