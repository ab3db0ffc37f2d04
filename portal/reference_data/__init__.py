"""Reference data shipped with the portal: regions (KATO level 1) and the classifier (SUP-1).

The JSON files beside this module are the source. Data migrations load them once; from then on
operators maintain the rows in the admin. The loaders take the model class as an argument so that
migrations can pass their historical models.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent
LOCALISED_NAME_FIELDS = ("name_kk", "name_ru", "name_en")


@cache
def _read(file_name: str) -> dict[str, Any]:
    return json.loads((DATA_DIR / file_name).read_text(encoding="utf-8"))


def regions() -> list[dict[str, str]]:
    """The oblasts and cities of republican significance, as in ``regions.json``."""
    return [dict(region) for region in _read("regions.json")["regions"]]


def registers() -> dict[str, dict[str, str]]:
    """The registers an approved supplier may enter (REG-1; edition 2022, item 17), by code."""
    return {code: dict(names) for code, names in _read("classifier.json")["registers"].items()}


def register_choices(language: str = "en") -> list[tuple[str, str]]:
    return [(code, names[f"name_{language}"]) for code, names in registers().items()]


def _flatten(items: list[dict], parent: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
    inherited = parent or {}
    for item in items:
        row = {
            "code": item["code"],
            "kind": item.get("kind") or inherited["kind"],
            "register": item.get("register") or inherited["register"],
            "parent_code": parent["code"] if parent else None,
            # Not inherited: each kind of goods says for itself (edition 2020, item 6(4), (5)).
            "requires_conformity_certificate": bool(item.get("mandatory_certification")),
            "is_medical_device": bool(item.get("medical_device")),
            **{field: item[field] for field in LOCALISED_NAME_FIELDS},
        }
        yield row
        yield from _flatten(item.get("children", []), row)


def classifier_items() -> list[dict[str, Any]]:
    """The classifier items of ``classifier.json``, flattened, every parent before its children."""
    return list(_flatten(_read("classifier.json")["items"], None))


def add_regions(region_model) -> list[str]:
    """Create the regions of the data file that do not exist yet; return the KATO codes created."""
    created = []
    for region in regions():
        _, was_created = region_model.objects.get_or_create(
            kato=region["kato"],
            defaults={"kind": region["kind"], **{f: region[f] for f in LOCALISED_NAME_FIELDS}},
        )
        if was_created:
            created.append(region["kato"])
    return created


def remove_regions(region_model) -> int:
    """Delete the regions of the data file (the reverse of ``add_regions``)."""
    katos = [region["kato"] for region in regions()]
    deleted, _ = region_model.objects.filter(kato__in=katos).delete()
    return deleted


def add_classifier(item_model) -> list[str]:
    """Create the classifier items of the data file that do not exist yet; return codes created."""
    created: list[str] = []
    by_code: dict[str, Any] = {}
    for row in classifier_items():
        parent = by_code[row["parent_code"]] if row["parent_code"] else None
        # Migration 0003 runs with the model as it was then, before the certificate flags.
        flags = {f: row[f] for f in CERTIFICATE_FLAG_FIELDS if _has_field(item_model, f)}
        item, was_created = item_model.objects.get_or_create(
            code=row["code"],
            defaults={
                "kind": row["kind"],
                "register": row["register"],
                "parent": parent,
                **flags,
                **{f: row[f] for f in LOCALISED_NAME_FIELDS},
            },
        )
        by_code[row["code"]] = item
        if was_created:
            created.append(row["code"])
    return created


CERTIFICATE_FLAG_FIELDS = ("requires_conformity_certificate", "is_medical_device")


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def set_classifier_flags(item_model) -> list[str]:
    """Set the certificate flags of the items of the data file as the file gives them
    (edition 2020, item 6(4), (5)); return the codes changed. Items the file does not know are
    left as the operators set them."""
    changed: list[str] = []
    for row in classifier_items():
        flags = {f: row[f] for f in CERTIFICATE_FLAG_FIELDS}
        updated = item_model.objects.filter(code=row["code"]).exclude(**flags).update(**flags)
        if updated:
            changed.append(row["code"])
    return changed


def remove_classifier(item_model) -> int:
    """Delete the classifier items of the data file, children before parents (PROTECT)."""
    deleted = 0
    for row in reversed(classifier_items()):
        count, _ = item_model.objects.filter(code=row["code"]).delete()
        deleted += count
    return deleted
