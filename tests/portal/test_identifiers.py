import pytest
from django.core.exceptions import ValidationError

from portal.identifiers import (
    birth_date_of,
    control_digit,
    is_valid_bin,
    is_valid_iin,
    validate_bin,
    validate_iin,
    validate_iin_or_bin,
)

VALID_IINS = ["850515300125", "900101400093", "001215500113", "750312300250", "020202600348"]
VALID_BINS = ["050140001238", "190840004563", "980641007899", "151160001111"]


@pytest.mark.req("ID-1")
@pytest.mark.parametrize("iin", VALID_IINS)
def test_valid_iins_are_accepted(iin):
    assert is_valid_iin(iin)
    validate_iin(iin)


@pytest.mark.req("ID-1")
@pytest.mark.parametrize("bin_", VALID_BINS)
def test_valid_bins_are_accepted(bin_):
    assert is_valid_bin(bin_)
    validate_bin(bin_)
    validate_iin_or_bin(bin_)


@pytest.mark.req("ID-1")
def test_second_pass_weights_are_used_when_first_pass_gives_ten():
    # 1..11 weights give 10 for these eleven digits; weights 3..11,1,2 give 1.
    assert sum(int(d) * w for d, w in zip("85051530070", range(1, 12), strict=True)) % 11 == 10
    assert control_digit("85051530070") == 1
    assert is_valid_iin("850515300701")


@pytest.mark.req("ID-1")
def test_number_whose_second_pass_gives_ten_is_invalid_whatever_its_last_digit():
    assert control_digit("85051530150") is None
    assert not any(is_valid_iin(f"85051530150{d}") for d in range(10))


@pytest.mark.req("ID-1")
@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("850515300124", "iin_checksum"),  # last digit changed
        ("850515300215", "iin_checksum"),  # two digits swapped
        ("85051530012", "iin_format"),  # 11 digits
        ("8505153001250", "iin_format"),  # 13 digits
        ("85051530012a", "iin_format"),
        ("", "iin_format"),
        ("851315300125", "iin_date"),  # month 13
        ("850230300125", "iin_date"),  # 30 February
        ("850515000125", "iin_date"),  # century digit 0
        ("850515700125", "iin_date"),  # century digit 7
    ],
)
def test_invalid_iins_are_refused_with_a_specific_message(value, code):
    assert not is_valid_iin(value)
    with pytest.raises(ValidationError) as err:
        validate_iin(value)
    assert err.value.code == code


@pytest.mark.req("ID-1")
@pytest.mark.parametrize("value", ["050140001237", "051340001230", "050170001234", "12345678901"])
def test_invalid_bins_are_refused(value):
    assert not is_valid_bin(value)
    with pytest.raises(ValidationError):
        validate_bin(value)


@pytest.mark.req("ID-1")
def test_placeholder_identifiers_of_nca_test_certificates_are_refused():
    # The NCA test certificates carry IIN123456789011 and BIN123456789021 (see fixtures/nca-test).
    for value in ("123456789011", "123456789021"):
        with pytest.raises(ValidationError):
            validate_iin_or_bin(value)


def test_birth_date_is_read_from_the_iin():
    assert str(birth_date_of("850515300125")) == "1985-05-15"
    assert str(birth_date_of("001215500113")) == "2000-12-15"
