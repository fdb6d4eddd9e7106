"""Tests for core.domain.money: exact cents, strict parsing, formatting and currency codes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.money import (
    CURRENCY_CODES,
    MAX_AMOUNT,
    MoneyError,
    excel_number_format,
    format_money,
    format_money_compact,
    from_cents,
    normalise_currency,
    parse_money,
    to_cents,
)

MAX_CENTS = 99_999_999_999_999

# Every two-decimal amount in the permitted range, built from cents so hypothesis covers the edges.
amounts = st.integers(min_value=-MAX_CENTS, max_value=MAX_CENTS).map(lambda c: Decimal(c).scaleb(-2))


# --- to_cents / from_cents -----


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        (Decimal("0"), 0),
        (Decimal("1.10"), 110),
        (Decimal("1.1"), 110),
        (Decimal("-0.01"), -1),
        (Decimal("1.2300"), 123),  # trailing zeros are not extra precision
        (Decimal("1E+2"), 10_000),
        (5, 500),
        (-7, -700),
        (MAX_AMOUNT, MAX_CENTS),
        (-MAX_AMOUNT, -MAX_CENTS),
    ],
)
def test_to_cents_exact(value: Decimal | int, cents: int) -> None:
    assert to_cents(value) == cents


@pytest.mark.parametrize(
    "value",
    [
        Decimal("0.001"),
        Decimal("1.005"),
        Decimal("0.0000000000000000000000000000001"),
        Decimal("1000000000000.00"),
        Decimal("-1000000000000"),
        Decimal("1E+40"),
        Decimal("1E+999999"),
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        10**12,
    ],
)
def test_to_cents_rejects(value: Decimal | int) -> None:
    with pytest.raises(MoneyError):
        to_cents(value)


def test_to_cents_error_messages_are_for_users() -> None:
    with pytest.raises(MoneyError, match="at most 2 decimal places"):
        to_cents(Decimal("1.005"))
    with pytest.raises(MoneyError, match=r"between -999,999,999,999\.99 and 999,999,999,999\.99"):
        to_cents(Decimal("1000000000000"))


@pytest.mark.parametrize("value", [1.5, 0.0, True, False, "1.00", None])
def test_to_cents_rejects_float_bool_and_text(value: object) -> None:
    with pytest.raises(TypeError):
        to_cents(value)  # type: ignore[arg-type]


def test_to_cents_is_a_money_error_and_value_error() -> None:
    assert issubclass(MoneyError, ValueError)


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (0, "0.00"),
        (1, "0.01"),
        (-1, "-0.01"),
        (123456, "1234.56"),
        (100, "1.00"),
        (MAX_CENTS, "999999999999.99"),
    ],
)
def test_from_cents(cents: int, text: str) -> None:
    value = from_cents(cents)
    assert str(value) == text
    assert value.as_tuple().exponent == -2


def test_from_cents_handles_totals_beyond_max_exactly() -> None:
    assert from_cents(10**30 + 1) == Decimal("10000000000000000000000000000.01")


@pytest.mark.parametrize("cents", [1.0, True, Decimal(1)])
def test_from_cents_rejects_non_int(cents: object) -> None:
    with pytest.raises(TypeError):
        from_cents(cents)  # type: ignore[arg-type]


@given(amounts)
def test_cents_round_trip(x: Decimal) -> None:
    assert from_cents(to_cents(x)) == x
    assert str(from_cents(to_cents(x))) == str(x)


@given(st.integers(min_value=-MAX_CENTS, max_value=MAX_CENTS))
def test_cents_round_trip_from_int(c: int) -> None:
    assert to_cents(from_cents(c)) == c


# --- parse_money -----


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", "0.00"),
        ("5", "5.00"),
        ("1234.5", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1,234,567.89", "1234567.89"),
        ("12,345", "12345.00"),
        ("-5", "-5.00"),
        ("- 5", "-5.00"),
        ("(1,234.50)", "-1234.50"),
        ("( 7 )", "-7.00"),
        (".5", "0.50"),
        ("0.05", "0.05"),
        ("007", "7.00"),
        ("  42.10  ", "42.10"),
        ("\u00a01,000\u00a0", "1000.00"),
        ("\u202f3\u2009", "3.00"),
        ("999,999,999,999.99", "999999999999.99"),
        ("-999999999999.99", "-999999999999.99"),
    ],
)
def test_parse_money_accepts(text: str, expected: str) -> None:
    value = parse_money(text)
    assert str(value) == expected


@pytest.mark.parametrize("text", ["-0", "(0)", "-0.00", "0.0"])
def test_parse_money_negative_zero_is_plain_zero(text: str) -> None:
    value = parse_money(text)
    assert str(value) == "0.00"
    assert not value.is_signed()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "-",
        "()",
        "1,23.4",
        "1,2345",
        "12,34,567",
        "1234,567",
        ",123",
        "0,123",
        "1,234,56",
        "1_000",
        "1e5",
        "1E5",
        "NaN",
        "nan",
        "inf",
        "Infinity",
        "€5",
        "$5",
        "5 AUD",
        "١٢٣",
        "１２３",
        "1\u200b2",
        "\u200b12",
        "12 34",
        "1.2.3",
        "5.",
        "+5",
        "--5",
        "-(5)",
        "(-5)",
        "(5",
        "5)",
        "\u22125",
        "1,234.50-",
        "0x10",
        "1\n",
    ],
)
def test_parse_money_rejects_malformed(text: str) -> None:
    with pytest.raises(MoneyError, match=r"^Enter an amount like 1,234\.50\.$"):
        parse_money(text)


@pytest.mark.parametrize("text", ["1.005", "0.001", "1,234.567", "1.230"])
def test_parse_money_rejects_extra_decimals(text: str) -> None:
    with pytest.raises(MoneyError, match="at most 2 decimal places"):
        parse_money(text)


@pytest.mark.parametrize("text", ["1,000,000,000,000", "1000000000000.00", "-1000000000000", "9" * 400])
def test_parse_money_rejects_out_of_range(text: str) -> None:
    with pytest.raises(MoneyError, match="between"):
        parse_money(text)


def test_parse_money_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        parse_money(5)  # type: ignore[arg-type]


@given(amounts)
def test_parse_format_round_trip(x: Decimal) -> None:
    parsed = parse_money(format_money(x))
    assert parsed == x
    assert parsed.as_tuple().exponent == -2


@given(amounts)
def test_parse_plain_str_round_trip(x: Decimal) -> None:
    assert parse_money(str(x)) == x


# --- format_money -----


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("0"), "0.00"),
        (Decimal("-0.00"), "0.00"),
        (Decimal("0.5"), "0.50"),
        (Decimal("999.99"), "999.99"),
        (Decimal("1000"), "1,000.00"),
        (Decimal("1234.5"), "1,234.50"),
        (Decimal("-1234.5"), "(1,234.50)"),
        (Decimal("-0.01"), "(0.01)"),
        (Decimal("1234567.89"), "1,234,567.89"),
        (MAX_AMOUNT, "999,999,999,999.99"),
        (-MAX_AMOUNT, "(999,999,999,999.99)"),
    ],
)
def test_format_money(amount: Decimal, text: str) -> None:
    assert format_money(amount) == text


def test_format_money_with_currency() -> None:
    assert format_money(Decimal("1234.5"), currency="AUD") == "AUD 1,234.50"
    assert format_money(Decimal("-1234.5"), currency=" aud ") == "(AUD 1,234.50)"
    assert format_money(Decimal("0"), currency="EUR") == "EUR 0.00"


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (200_000_000.0, "AUD 200m"),
        (12_500_000.0, "AUD 12.5m"),
        (1_250_000.0, "AUD 1.25m"),
        (Decimal("2500000000"), "AUD 2.5bn"),
        (750_000.0, "AUD 750k"),
        (999_999.99, "AUD 1m"),
        (950.0, "AUD 950"),
        (0.0, "AUD 0"),
        (-0.0, "AUD 0"),
        (-3_000_000.0, "(AUD 3m)"),
    ],
)
def test_format_money_compact_reads_like_a_budget_paper(amount: Decimal | float, text: str) -> None:
    assert format_money_compact(amount, currency="aud") == text


def test_format_money_compact_without_a_currency() -> None:
    assert format_money_compact(50_000_000.0) == "50m"


def test_format_money_rejects_bad_inputs() -> None:
    with pytest.raises(MoneyError):
        format_money(Decimal("1.005"))
    with pytest.raises(MoneyError):
        format_money(Decimal("NaN"))
    with pytest.raises(MoneyError):
        format_money(Decimal("1"), currency="EURO")
    with pytest.raises(TypeError):
        format_money(1.5)  # type: ignore[arg-type]


# --- currencies -----


def test_currency_codes_are_iso_list_one() -> None:
    assert 170 <= len(CURRENCY_CODES) <= 190
    assert all(len(c) == 3 and c.isascii() and c.isupper() and c.isalpha() for c in CURRENCY_CODES)
    assert {
        "AUD",
        "USD",
        "EUR",
        "GBP",
        "JPY",
        "NZD",
        "CHF",
        "XCG",
        "ZWG",
        "SLE",
        "VED",
        "XDR",
    } <= CURRENCY_CODES
    # Withdrawn or never-ISO codes.
    assert not {"ANG", "HRK", "SLL", "CUC", "ZWL", "VEF", "EURO", "BTC", "RMB", "NTD"} & CURRENCY_CODES


@pytest.mark.parametrize(("code", "expected"), [("AUD", "AUD"), (" eur ", "EUR"), ("usd", "USD"), ("Gbp\t", "GBP")])
def test_normalise_currency(code: str, expected: str) -> None:
    assert normalise_currency(code) == expected


@pytest.mark.parametrize("code", ["EURO", "", "  ", "EU", "E U R", "ＥＵＲ", "BTC", "HRK", "€"])
def test_normalise_currency_rejects(code: str) -> None:
    with pytest.raises(MoneyError, match="ISO 4217"):
        normalise_currency(code)


def test_excel_number_format() -> None:
    assert excel_number_format("AUD") == '"AUD" #,##0.00_);[Red]("AUD" #,##0.00)'
    assert excel_number_format(" eur") == '"EUR" #,##0.00_);[Red]("EUR" #,##0.00)'
    with pytest.raises(MoneyError):
        excel_number_format("AU$")


def test_excel_number_format_survives_openpyxl_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "fmt.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = Decimal("-1234.50")
    ws["A1"].number_format = excel_number_format("AUD")
    wb.save(path)
    reopened = openpyxl.load_workbook(path).active
    assert reopened is not None
    cell = reopened["A1"]
    assert cell.number_format == '"AUD" #,##0.00_);[Red]("AUD" #,##0.00)'
    assert cell.value == -1234.5


def test_normalise_currency_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        normalise_currency(36)  # type: ignore[arg-type]
