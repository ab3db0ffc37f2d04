"""One term for one thing (issue 9, item 6): the sign-language service is "ымдау тілі" in
Kazakh, as the rules write it (seeds/001), and "жестового языка" in Russian, everywhere the
portal says it (the catalogue, the classifier and registers)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
SOURCES = [
    BASE_DIR / "locale" / "kk" / "LC_MESSAGES" / "django.po",
    BASE_DIR / "locale" / "ru" / "LC_MESSAGES" / "django.po",
    BASE_DIR / "portal" / "reference_data" / "classifier.json",
]
OTHER_TERMS = re.compile(r"\bым тіл|ымдау-|сурдопереводчик|языка жестов", re.IGNORECASE)


def test_the_sign_language_service_has_one_term_in_each_language():
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OTHER_TERMS.search(line)
    ]

    assert found == []
