"""Money as exact Decimals and integer cents: strict parsing, formatting and currency codes."""

from __future__ import annotations

import re
from decimal import Context, Decimal, localcontext

__all__ = [
    "CURRENCY_CODES",
    "MAX_AMOUNT",
    "MoneyError",
    "excel_number_format",
    "format_money",
    "format_money_compact",
    "from_cents",
    "normalise_currency",
    "parse_money",
    "to_cents",
]


class MoneyError(ValueError):
    """An amount or currency code that cannot be accepted; the message is fit to show to a user."""


# 12 integer digits + 2 decimals = 14 significant digits, inside Excel's 15-digit precision, so a value
# written to a workbook and read back is never silently altered.
MAX_AMOUNT = Decimal("999999999999.99")
_MAX_CENTS = 99_999_999_999_999
_CENT = Decimal("0.01")

# A private context so results never depend on whatever the caller did to the thread's decimal context;
# 40 digits is far more than any in-range amount needs, so nothing here ever rounds.
_CTX = Context(prec=40)

_HINT = "Enter an amount like 1,234.50."
_RANGE_MESSAGE = "Enter an amount between -999,999,999,999.99 and 999,999,999,999.99."
_DECIMALS_MESSAGE = "Use at most 2 decimal places (cents)."

# ISO 4217 List One (active codes, including fund and special-purpose codes), as published by the SIX
# maintenance agency after the 2025 changes: ANG -> XCG, ZWL -> ZWG, SLL, CUC, HRK and BGN withdrawn,
# XAD added. Kept in the code rather than read from the OS so every machine agrees.
CURRENCY_CODES: frozenset[str] = frozenset(
    """
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
    CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
    GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN
    MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD
    SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
    USD USN UYI UYU UYW UZS VED VES VND VUV WST XAD XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD
    XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905 -- a grid of codes is far easier to check against the ISO table
)

# Spaces that spreadsheets and word processors put around numbers: ordinary, no-break, narrow no-break
# and thin space. Only stripped from the ends; inside a number they would hide a typo like "12 34".
_SPACES = " \u00a0\u202f\u2009"

# Explicit [0-9] rather than \d, which would also match Arabic-Indic and other Unicode digits.
_NUMBER_RE = re.compile(
    r"(?P<int>[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)?"  # grouped thousands, or plain digits
    r"(?:\.(?P<frac>[0-9]+))?",
)


def _check_decimal(value: object) -> Decimal:
    # bool is an int subclass and float is binary; both would be accepted silently by Decimal().
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"Expected a Decimal or int amount, got {type(value).__name__}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise MoneyError(_HINT)
    return amount


def _exact_cents(amount: Decimal) -> int:
    """Whole cents in a finite Decimal, refusing anything that would need rounding (range unchecked)."""
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2 and amount.adjusted() < 20:
        # The common case (at most two decimals, modest size) is exact under any context: skip the local one.
        return int(amount.scaleb(2, _CTX))
    with localcontext(_CTX):
        # Checked before scaling so a huge exponent cannot blow up the context's precision.
        if amount.adjusted() >= _CTX.prec - 3:
            raise MoneyError(_RANGE_MESSAGE)
        scaled = amount.scaleb(2)
        if scaled != scaled.to_integral_value():
            raise MoneyError(_DECIMALS_MESSAGE)
        return int(scaled)


def to_cents(value: Decimal | int) -> int:
    """Convert an amount in currency units to integer cents, exactly, or raise MoneyError/TypeError."""
    cents = _exact_cents(_check_decimal(value))
    if abs(cents) > _MAX_CENTS:
        raise MoneyError(_RANGE_MESSAGE)
    return cents


def from_cents(cents: int) -> Decimal:
    """Convert integer cents back to a Decimal with exactly two decimal places."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"Expected int cents, got {type(cents).__name__}")
    # Totals of stored values may legitimately exceed MAX_AMOUNT, so no range check; precision is sized
    # to the number so very large totals are still exact.
    with localcontext(Context(prec=max(40, cents.bit_length() // 3 + 3))):
        return Decimal(cents).scaleb(-2)


def parse_money(text: str) -> Decimal:
    """Parse an amount typed by a user or read from a file, e.g. ``1,234.50``, ``-5`` or ``(1,234.50)``."""
    if not isinstance(text, str):
        raise TypeError(f"Expected text, got {type(text).__name__}")
    body = text.strip(_SPACES)
    if not body:
        raise MoneyError(_HINT)
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative = True
        body = body[1:-1].strip(_SPACES)
    elif body.startswith("-"):
        negative = True
        body = body[1:].strip(_SPACES)
    match = _NUMBER_RE.fullmatch(body)
    if match is None or (match["int"] is None and match["frac"] is None):
        raise MoneyError(_HINT)
    frac = match["frac"]
    if frac is not None and len(frac) > 2:
        raise MoneyError(_DECIMALS_MESSAGE)
    digits = (match["int"] or "0").replace(",", "")
    amount = Decimal(f"{digits}.{(frac or '').ljust(2, '0')}")
    if amount > MAX_AMOUNT:
        raise MoneyError(_RANGE_MESSAGE)
    if negative and amount:
        # Only negate non-zero amounts: "-0" must give 0.00, not the confusing Decimal("-0.00").
        amount = -amount
    return amount


def normalise_currency(code: str) -> str:
    """Return the upper-case ISO 4217 code for ``code`` (``" eur "`` -> ``EUR``) or raise MoneyError."""
    if not isinstance(code, str):
        raise TypeError(f"Expected text, got {type(code).__name__}")
    candidate = code.strip().upper()
    if candidate not in CURRENCY_CODES:
        raise MoneyError("Enter a three-letter ISO 4217 currency code, such as AUD, EUR or USD.")
    return candidate


def format_money(amount: Decimal, *, currency: str | None = None) -> str:
    """Format as ``1,234.50``; negatives as ``(1,234.50)``; with a currency ``AUD 1,234.50``."""
    cents = _exact_cents(_check_decimal(amount))
    units, rem = divmod(abs(cents), 100)
    body = f"{units:,}.{rem:02d}"
    if currency is not None:
        body = f"{normalise_currency(currency)} {body}"
    # Accounting style: the parentheses wrap the code too, matching excel_number_format.
    return f"({body})" if cents < 0 else body


# Steps of a thousand, largest first: "m" and "bn" as in budget papers ("A$200m"), not SI's "M" and "G".
_COMPACT_SCALES = ((1e9, "bn"), (1e6, "m"), (1e3, "k"))


def format_money_compact(amount: Decimal | float, *, currency: str | None = None) -> str:
    """An amount for a chart axis: ``AUD 200m``, ``AUD 1.25bn``, ``AUD 750k``, ``AUD 950``; negatives in parentheses
    as in format_money. Up to two decimals of the step, no trailing zeros: ticks at 12.5m and 1.25m stay apart."""
    value = float(amount)
    size = abs(value)
    # The step is chosen on the rounded figure: 999,999.99 reads "1m", not "1,000k".
    scale, suffix = next(((s, x) for s, x in _COMPACT_SCALES if round(size, 2) >= s * 0.999995), (1.0, ""))
    number = f"{size / scale:,.2f}".rstrip("0").rstrip(".") + suffix
    body = number if currency is None else f"{normalise_currency(currency)} {number}"
    return f"({body})" if value < 0 and number != "0" else body


def excel_number_format(currency: str) -> str:
    """Excel/LibreOffice number format showing the currency code, with negatives red in parentheses."""
    code = normalise_currency(currency)
    # The code is quoted as a literal so letters such as E or D are never read as format tokens, and
    # "_)" pads positives by the width of ")" so positive and negative figures line up in a column.
    return f'"{code}" #,##0.00_);[Red]("{code}" #,##0.00)'
