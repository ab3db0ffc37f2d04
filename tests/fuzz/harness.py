"""What every fuzzer shares: how many examples, a bound on time, the only errors allowed.

``make test`` runs each fuzzer once with a few derandomized examples (``FUZZ_EXAMPLES``, 25 by
default). ``make fuzz`` (``FUZZ_MODE=1``) runs it in rounds of random examples until
``FUZZ_SECONDS`` (120 by default, the ceiling of issue 15) have passed or ``FUZZ_EXAMPLES`` have
run, under the memory limit the Makefile sets. An input must parse or raise the parser's own
error: anything else, an example that runs longer than ``FUZZ_EXAMPLE_SECONDS`` (a hang), or a
MemoryError is a crasher; Hypothesis then shrinks it and prints it to be kept as a regression.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import SearchStrategy

FUZZING = os.environ.get("FUZZ_MODE") == "1"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
BUDGET_SECONDS = float(os.environ.get("FUZZ_SECONDS", "120"))
EXAMPLE_SECONDS = int(os.environ.get("FUZZ_EXAMPLE_SECONDS", "10"))
ROUND = 200  # examples per round in make fuzz; the time is checked between rounds


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=not FUZZING,
        database=None,
        deadline=None,  # a hang is caught by ``bounded``; speed is not asserted here
        print_blob=FUZZING,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,  # the fixtures used are read-only
        ],
    )


def fuzz(body: Callable[..., None], **strategies: SearchStrategy[Any]) -> int:
    """Run ``body`` over examples drawn from ``strategies`` (keyword arguments, as for
    ``@given``) within the budget; the number of examples asked for is returned.

    Each round decorates ``body`` afresh: ``@given`` reads its settings when it decorates."""
    asked = 0
    started = time.monotonic()
    while asked < EXAMPLES:
        examples = min(ROUND, EXAMPLES - asked) if FUZZING else EXAMPLES
        _settings(examples)(given(**strategies)(body))()
        asked += examples
        if not FUZZING or time.monotonic() - started > BUDGET_SECONDS:
            break
    if FUZZING:
        test = os.environ.get("PYTEST_CURRENT_TEST", body.__qualname__).split(" ")[0]
        print(f"\n{test}: {asked} examples in {time.monotonic() - started:.0f} s")
    return asked


class Hang(BaseException):
    """An example ran longer than ``EXAMPLE_SECONDS``: not an error a parser may raise."""


@contextlib.contextmanager
def bounded(seconds: int = EXAMPLE_SECONDS) -> Iterator[None]:
    """Interrupt the example after ``seconds`` (SIGALRM; pytest runs tests in the main thread)."""

    def interrupt(signum: int, frame: Any) -> None:
        raise Hang(f"the example did not finish in {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def parses_or_raises(
    call: Callable[[], object], allowed: type[BaseException] | tuple[type[BaseException], ...]
) -> object | None:
    """``call()``'s result, or None when it raised one of the ``allowed`` errors; any other
    exception, a hang or a MemoryError goes up and fails the example."""
    with bounded():
        try:
            return call()
        except allowed:
            return None
