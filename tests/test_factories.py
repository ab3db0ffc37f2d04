"""The shared factories make valid, unique identifiers and reuse the regions of the migration."""

import pytest

from portal import reference_data
from portal.identifiers import control_digit, is_valid_bin, is_valid_iin
from portal.models import Region, Role
from tests.factories import (
    RegionFactory,
    RoleAssignmentFactory,
    UserFactory,
    bin_from_sequence,
    iin_from_sequence,
)


@pytest.mark.req("ID-1")
def test_identifiers_from_a_sequence_are_valid_and_unique():
    iins = [iin_from_sequence(n) for n in range(5000)]
    bins = [bin_from_sequence(n) for n in range(5000)]
    assert all(is_valid_iin(iin) for iin in iins)
    assert all(is_valid_bin(bin_) for bin_ in bins)
    assert len(set(iins)) == len(iins) and len(set(bins)) == len(bins)
    # Each block of serials starts at a multiple of ten; a block whose first number has no control
    # digit moves on to the next serial instead of giving an invalid or duplicate number.
    moved_on = [iin for iin in iins if iin[10] != "0"]
    assert moved_on
    assert all(control_digit(iin[:10] + "0") is None for iin in moved_on)


@pytest.mark.django_db
def test_factories_reuse_existing_regions_and_give_commission_roles_a_region():
    reference_data.add_regions(Region)  # in case a transactional test flushed them
    regions_before = Region.objects.count()
    astana = RegionFactory(kato="710000000")
    assert astana.name_kk == "Астана қаласы"
    member = RoleAssignmentFactory(role=Role.MEMBER)
    supplier = RoleAssignmentFactory(role=Role.SUPPLIER)
    assert member.region is not None and supplier.region is None
    assert Region.objects.count() == regions_before
    user = UserFactory(password="a-password-for-tests")
    assert is_valid_iin(user.iin) and user.check_password("a-password-for-tests")
    assert not UserFactory().has_usable_password()
