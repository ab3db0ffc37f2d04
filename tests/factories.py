"""Factories for the shared models: regions, people and their roles, classifier items."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from portal import reference_data
from portal.identifiers import control_digit
from portal.models import COMMISSION_ROLES, ClassifierItem, Region, Role, RoleAssignment, User

_FIRST_BIRTH_DATE = datetime.date(1950, 1, 1)
_REGIONS_BY_KATO = {region["kato"]: region for region in reference_data.regions()}


def _with_control_digit(block_start: str, width: int) -> str:
    """The first number of a block of ten serials that has a control digit.

    ``block_start`` is the first eleven digits with the last serial digit at 0; one number in
    eleven has no control digit, so a block of ten always holds a valid one.
    """
    prefix, serial = block_start[: 11 - width], int(block_start[11 - width :])
    for candidate in range(serial, serial + 10):
        first_eleven = f"{prefix}{candidate:0{width}d}"
        digit = control_digit(first_eleven)
        if digit is not None:
            return f"{first_eleven}{digit}"
    raise ValueError(f"no valid control digit in the block starting {block_start}")


def iin_from_sequence(n: int, *, female: bool | None = None) -> str:
    """A valid IIN, different for every ``n`` >= 0 (ID-1).

    The date of birth moves one day every thousand numbers from 1950-01-01; each ``n`` owns a block
    of ten serial numbers, and the first with a control digit is used.
    """
    birth = _FIRST_BIRTH_DATE + datetime.timedelta(days=n // 1000)
    female = bool(n % 2) if female is None else female
    century_and_sex = (4 if female else 3) if birth.year < 2000 else (6 if female else 5)
    serial_block = (n % 1000) * 10
    return _with_control_digit(f"{birth:%y%m%d}{century_and_sex}{serial_block:04d}", width=4)


def bin_from_sequence(n: int, *, entity_type: int = 4) -> str:
    """A valid BIN of a resident legal entity (type 4), different for every ``n`` >= 0 (ID-1).

    The registration month moves every ten thousand numbers from January 2000.
    """
    months = n // 10_000
    year, month = 2000 + months // 12, months % 12 + 1
    serial_block = (n % 10_000) * 10
    return _with_control_digit(f"{year % 100:02d}{month:02d}{entity_type}0{serial_block:05d}", 5)


class RegionFactory(DjangoModelFactory):
    """One of the real regions (loaded by migration), or a region with that KATO code."""

    class Meta:
        model = Region
        django_get_or_create = ("kato",)

    kato = factory.Iterator(list(_REGIONS_BY_KATO))
    kind = factory.LazyAttribute(
        lambda o: _REGIONS_BY_KATO.get(o.kato, {}).get("kind", Region.Kind.OBLAST)
    )
    name_kk = factory.LazyAttribute(
        lambda o: _REGIONS_BY_KATO.get(o.kato, {}).get("name_kk", f"Өңір {o.kato}")
    )
    name_ru = factory.LazyAttribute(
        lambda o: _REGIONS_BY_KATO.get(o.kato, {}).get("name_ru", f"Регион {o.kato}")
    )
    name_en = factory.LazyAttribute(
        lambda o: _REGIONS_BY_KATO.get(o.kato, {}).get("name_en", f"Region {o.kato}")
    )


class UserFactory(DjangoModelFactory):
    """A person with a valid, unique IIN and no usable password unless ``password`` is given."""

    class Meta:
        model = User

    iin = factory.Sequence(iin_from_sequence)
    full_name = factory.Faker("name", locale="ru_RU")
    email = factory.LazyAttribute(lambda o: f"person-{o.iin}@test.example")
    password = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        iin, full_name = kwargs.pop("iin"), kwargs.pop("full_name")
        return model_class.objects.create_user(iin, full_name, **kwargs)


class RoleAssignmentFactory(DjangoModelFactory):
    """A role; commission roles get a region unless one is given."""

    class Meta:
        model = RoleAssignment

    class Params:
        is_commission_role = factory.LazyAttribute(lambda o: o.role in COMMISSION_ROLES)

    user = factory.SubFactory(UserFactory)
    role = Role.SUPPLIER
    region = factory.Maybe("is_commission_role", yes_declaration=factory.SubFactory(RegionFactory))
    organisation_bin = ""


class ClassifierItemFactory(DjangoModelFactory):
    class Meta:
        model = ClassifierItem
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:04d}")
    kind = ClassifierItem.Kind.GOODS
    register = "technical_aids"
    name_kk = factory.LazyAttribute(lambda o: f"Тауар {o.code}")
    name_ru = factory.LazyAttribute(lambda o: f"Товар {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Goods {o.code}")
