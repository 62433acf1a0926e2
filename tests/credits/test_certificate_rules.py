"""Pure certificate rules: codes, masking, Chinese dates, validity, reminders and renewal windows."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from credits.certificates import rules as r


def test_new_codes_are_16_crockford_symbols_and_differ():
    codes = {r.verification_code_new() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 16 and set(code) <= set(r.CROCKFORD_ALPHABET) for code in codes)


@given(st.integers(min_value=0, max_value=2**80 - 1))
def test_display_form_parses_back_in_any_case(value):
    code = "".join(r.CROCKFORD_ALPHABET[(value >> (5 * i)) & 31] for i in range(16))
    shown = r.verification_code_display(code)
    assert shown.count("-") == 3
    assert r.verification_code_parse(shown) == code
    assert r.verification_code_parse(shown.lower()) == code


def test_parse_reads_i_l_as_one_and_o_as_zero():
    assert r.verification_code_parse("ilo0-1111-2222-3333") == "1100111122223333"


def test_parse_refuses_malformed_input():
    for raw in [
        "",
        "ABCD",
        "ABCD-EFGH-JKMN-PQRU",
        "A" * 17,
        "A" * 200,
        "' OR 1=1 --",
        "<script>x</script>",
        "ABCD-EFGH-JKMN-PQR!",
        "ＡＢＣＤ-EFGH-JKMN-PQRS",
        None,
    ]:
        assert r.verification_code_parse(raw) is None, raw


def test_mask_name():
    assert r.mask_name("张晓明") == "张*明"
    assert r.mask_name("张明") == "张*"
    assert r.mask_name("欧阳娜娜") == "欧*娜"
    assert r.mask_name("𠮷野家") == "𠮷*家"
    assert r.mask_name("张") == "张"


def test_chinese_date_has_no_leading_zeros():
    assert r.chinese_date(date(2026, 11, 30)) == "2026年11月30日"
    assert r.chinese_date(date(2027, 1, 5)) == "2027年1月5日"


def test_validity_ends_the_day_before_the_anniversary():
    assert r.valid_until_for(issued_on=date(2026, 12, 1), years=3) == date(2029, 11, 30)
    assert r.valid_until_for(issued_on=date(2028, 2, 29), years=1) == date(2029, 2, 27)


def test_number_format():
    assert (
        r.certificate_number_format("拱三方证〔{year}〕第{serial:06d}号", year=2026, serial=123)
        == "拱三方证〔2026〕第000123号"
    )


def test_only_the_most_urgent_reminder_is_due_and_only_once():
    today = date(2026, 1, 1)
    assert r.reminder_due(valid_until=date(2026, 6, 1), today=today, already_sent=set()) is None
    assert r.reminder_due(valid_until=date(2026, 3, 1), today=today, already_sent=set()) == 90
    assert r.reminder_due(valid_until=date(2026, 3, 1), today=today, already_sent={90}) is None
    assert r.reminder_due(valid_until=date(2026, 1, 20), today=today, already_sent=set()) == 30
    assert r.reminder_due(valid_until=date(2026, 1, 20), today=today, already_sent={90, 30}) is None
    assert r.reminder_due(valid_until=date(2025, 12, 31), today=today, already_sent=set()) is None


def test_renewal_opens_90_days_before_expiry_and_continues_from_it():
    assert not r.renewal_window_open(valid_until=date(2026, 6, 1), today=date(2026, 1, 1))
    assert r.renewal_window_open(valid_until=date(2026, 3, 1), today=date(2026, 1, 1))
    assert r.renewal_valid_until(old_valid_until=date(2026, 3, 1), today=date(2026, 1, 1), years=3) == date(2029, 3, 1)
    assert r.renewal_valid_until(old_valid_until=date(2025, 3, 1), today=date(2026, 1, 1), years=3) == date(
        2028, 12, 31
    )
