"""Settings of the registers benchmark's server (bench/registers.py): development settings with
DEBUG off and the portal's addresses plus the trivial ceiling view (bench/registers_urls.py)."""

from portal.settings.dev import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.registers_urls"
