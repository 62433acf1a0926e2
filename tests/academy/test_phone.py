import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from academy.phone import display_phone, mask_phone, normalise_phone


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "8613800138000",
        "008613800138000",
        "１３８００１３８０００",
        " 13800138000 ",
    ],
)
def test_common_ways_of_typing_a_number_normalise_to_one_form(typed):
    assert normalise_phone(typed) == "+8613800138000"


@pytest.mark.parametrize(
    "typed",
    ["", "12345", "1380013800", "138001380001", "12800138000", "23800138000", "+1 415 555 0100", "abc", "1380013800O"],
)
def test_numbers_that_are_not_mainland_mobiles_are_refused_with_a_message(typed):
    with pytest.raises(ValidationError) as error:
        normalise_phone(typed)
    assert "11" in str(error.value.messages[0])


def test_masked_and_display_forms():
    assert mask_phone("+8613800138000") == "138****8000"
    assert display_phone("+8613800138000") == "138 0013 8000"


@given(st.text(max_size=40))
def test_normalise_either_returns_the_normal_form_or_raises_validation_error(text):
    try:
        result = normalise_phone(text)
    except ValidationError:
        return
    assert result.startswith("+861") and len(result) == 14 and result[1:].isdigit()


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_every_valid_mobile_round_trips(digits):
    assert normalise_phone(digits) == f"+86{digits}"
    assert normalise_phone(display_phone(f"+86{digits}")) == f"+86{digits}"
