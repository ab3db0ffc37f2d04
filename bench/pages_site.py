"""The production settings, with one more page for ``bench/pages.py`` (``bench/pages_urls.py``):
a trivial Django view served through the same stack (gunicorn, every middleware, the same
database connection settings), the ceiling each page is compared with."""

from portal.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.pages_urls"
