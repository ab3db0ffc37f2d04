"""Every user-visible string is translated into Kazakh, Russian and English."""

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
SOURCE_DIRS = [
    "portal",
    "suppliers",
    "commission",
    "registers",
    "deregistration",
    "egov_gateway",
    "templates",
]


def _catalogue(language: str) -> polib.POFile:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing"
    return polib.pofile(str(path))


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_catalogue_is_complete_and_has_no_fuzzy_entries(language):
    catalogue = _catalogue(language)
    untranslated = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    assert not untranslated, (
        f"{language}: {len(untranslated)} untranslated, e.g. {untranslated[:10]}"
    )


def test_catalogues_contain_every_string_of_the_source(tmp_path):
    """makemessages over today's source finds nothing the committed catalogues lack."""
    for name in SOURCE_DIRS:
        (tmp_path / name).symlink_to(BASE_DIR / name)
    (tmp_path / "locale").mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
    }
    subprocess.run(
        [
            sys.executable,
            str(BASE_DIR / "manage.py"),
            "makemessages",
            "-l",
            "ru",
            "--symlinks",
            "--no-location",
            "-v",
            "0",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env=env,
    )
    fresh = polib.pofile(str(tmp_path / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    for language in ("kk", "ru", "en"):
        committed = {(e.msgctxt, e.msgid) for e in _catalogue(language) if not e.obsolete}
        missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in committed)
        assert not missing, f"{language}: strings missing from the catalogue: {missing[:20]}"
