"""Tests for core.domain.text: name keys, whitespace, input validation and safe file-name parts."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.text import (
    LONG_TEXT_MAX,
    NAME_MAX,
    SHORT_MAX,
    TEXT_MAX,
    collapse_spaces,
    name_key,
    safe_filename_part,
    text_problem,
)

# --- constants -----


def test_limits() -> None:
    assert (NAME_MAX, SHORT_MAX, TEXT_MAX, LONG_TEXT_MAX) == (200, 60, 4000, 32000)
    assert LONG_TEXT_MAX < 32767  # Excel's per-cell character limit


# --- name_key -----


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ÄMTER", "ämter"),
        ("Café", "Cafe\u0301"),
        ("Travel", "Travel "),
        ("Travel", "  travel\t"),
        ("Straße", "STRASSE"),
        ("Cyber  Affairs", "cyber affairs"),
        ("Cyber\u00a0Affairs", "Cyber Affairs"),
        ("Cyber\u3000Affairs", "Cyber Affairs"),  # ideographic space
        ("ﬁnance", "FINANCE"),  # NFKC expands the ligature
        ("Ｔｅａｍ", "team"),  # fullwidth letters
        ("Ⅳ", "iv"),  # roman numeral compatibility character
        ("ΣΊΣΥΦΟΣ", "σίσυφος"),  # final sigma
    ],
)
def test_name_key_equal(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Travel", "Travels"),
        ("Cyber Affairs", "CyberAffairs"),
        ("Café", "Cafe"),  # accents matter
        ("resume", "résumé"),
    ],
)
def test_name_key_different(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize(
    ("s", "key"),
    [
        ("  Ministry  of\tForeign   Affairs ", "ministry of foreign affairs"),
        ("Straße", "strasse"),
        ("", ""),
        ("   ", ""),
        ("وزارة الخارجية", "وزارة الخارجية"),
    ],
)
def test_name_key_values(s: str, key: str) -> None:
    assert name_key(s) == key


def test_name_key_stable_for_casefold_decomposition() -> None:
    # U+01F0 casefolds to "j" + combining caron; the key must be normalised again so it is stable.
    key = name_key("\u01f0")
    assert key == "\u01f0"
    assert name_key(key) == key


@given(st.text())
def test_name_key_idempotent(s: str) -> None:
    key = name_key(s)
    assert name_key(key) == key


@given(st.text())
def test_name_key_has_no_edge_or_double_whitespace(s: str) -> None:
    key = name_key(s)
    assert key == key.strip()
    assert not re.search(r"\s\s", key)
    assert key == unicodedata.normalize("NFKC", key)


@given(st.text(alphabet=st.characters(codec="ascii", categories=["L", "N", "P", "Zs"])))
def test_name_key_ignores_ascii_case(s: str) -> None:
    assert name_key(s.upper()) == name_key(s.lower())


# --- collapse_spaces -----


@pytest.mark.parametrize(
    ("s", "expected"),
    [
        ("  a   b  ", "a b"),
        ("a\t\nb", "a b"),
        ("a\u00a0\u00a0b", "a b"),
        ("Cafe\u0301", "Cafe\u0301"),  # characters are kept as typed, not normalised
        ("ÄMTER", "ÄMTER"),
        ("", ""),
        ("\n", ""),
    ],
)
def test_collapse_spaces(s: str, expected: str) -> None:
    assert collapse_spaces(s) == expected


@given(st.text())
def test_collapse_spaces_idempotent(s: str) -> None:
    once = collapse_spaces(s)
    assert collapse_spaces(once) == once
    assert once.split() == s.split()


# --- text_problem -----


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Ambassador for Cyber Affairs",
        "وزارة الخارجية",  # Arabic (RTL letters)
        "שלום",  # Hebrew
        "Team 👍",
        "Family 👨\u200d👩\u200d👧",  # zero-width joiners inside an emoji sequence
        "Cafe\u0301",
        "漢字かなカナ",
        "x" * 200,
    ],
)
def test_text_problem_accepts(value: str) -> None:
    assert text_problem(value, max_length=NAME_MAX) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abcd\x07", "Remove the control character at position 5."),
        ("\x00", "Remove the control character at position 1."),
        ("a\x1bb", "Remove the control character at position 2."),
        ("a\x7fb", "Remove the control character at position 2."),
        ("a\x85b", "Remove the control character at position 2."),  # C1 (NEL)
        ("a\x9fb", "Remove the control character at position 2."),
        ("a\u202eb", "Remove the right-to-left override character (U+202E)."),
        ("a\u202ab", "Remove the left-to-right embedding character (U+202A)."),
        ("a\u202bb", "Remove the right-to-left embedding character (U+202B)."),
        ("a\u202cb", "Remove the pop directional formatting character (U+202C)."),
        ("a\u202db", "Remove the left-to-right override character (U+202D)."),
        ("a\u2066b", "Remove the left-to-right isolate character (U+2066)."),
        ("a\u2067b", "Remove the right-to-left isolate character (U+2067)."),
        ("a\u2068b", "Remove the first strong isolate character (U+2068)."),
        ("a\u2069b", "Remove the pop directional isolate character (U+2069)."),
        ("ab\ud800", "Remove the invalid character at position 3."),
        ("\udfff", "Remove the invalid character at position 1."),
        ("a\nb", "Remove the line break at position 2; this must be a single line."),
        ("a\tb", "Remove the tab at position 2; this must be a single line."),
        ("a\r\nb", "Remove the line break at position 2; this must be a single line."),
        ("x" * 10_000, "Shorten this to 200 characters or fewer (it has 10,000)."),
        ("x" * 201, "Shorten this to 200 characters or fewer (it has 201)."),
    ],
)
def test_text_problem_single_line(value: str, message: str) -> None:
    assert text_problem(value, max_length=NAME_MAX) == message


@pytest.mark.parametrize("value", ["line 1\nline 2", "a\tb", "windows\r\nline\r\n", "\n\n", "x\n" * 100])
def test_text_problem_multiline_accepts(value: str) -> None:
    assert text_problem(value, max_length=TEXT_MAX, multiline=True) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a\rb", "Remove the stray carriage return at position 2."),
        ("a\r", "Remove the stray carriage return at position 2."),
        ("a\r\r\n", "Remove the stray carriage return at position 2."),
        ("ok\n\x0c", "Remove the control character at position 4."),
        ("ok\n\u202e", "Remove the right-to-left override character (U+202E)."),
        ("x" * 4001, "Shorten this to 4,000 characters or fewer (it has 4,001)."),
    ],
)
def test_text_problem_multiline_rejects(value: str, message: str) -> None:
    assert text_problem(value, max_length=TEXT_MAX, multiline=True) == message


def test_text_problem_reports_first_problem() -> None:
    assert text_problem("a\x01\u202e" + "x" * 500, max_length=10) == "Remove the control character at position 2."
    # Characters are reported before length, since they must be fixed either way.
    assert text_problem("x" * 50 + "\x02", max_length=10) == "Remove the control character at position 51."


def test_text_problem_position_uses_thousands_separator() -> None:
    assert text_problem("x" * 1233 + "\x00", max_length=LONG_TEXT_MAX) == (
        "Remove the control character at position 1,234."
    )


def test_text_problem_length_boundary() -> None:
    assert text_problem("x" * SHORT_MAX, max_length=SHORT_MAX) is None
    assert text_problem("x" * (SHORT_MAX + 1), max_length=SHORT_MAX) is not None
    assert text_problem("y" * LONG_TEXT_MAX, max_length=LONG_TEXT_MAX, multiline=True) is None


@pytest.mark.parametrize("max_length", [0, -1, True])
def test_text_problem_rejects_bad_limit(max_length: int) -> None:
    with pytest.raises(ValueError):
        text_problem("a", max_length=max_length)


_SAFE_ALPHABET = st.characters(
    exclude_categories=["Cc", "Cs"],
    exclude_characters=[chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))],
)


@given(st.text(alphabet=_SAFE_ALPHABET, max_size=60))
def test_text_problem_accepts_clean_text(s: str) -> None:
    assert text_problem(s, max_length=SHORT_MAX) is None


@given(
    st.text(max_size=50),
    st.sampled_from(["\x00", "\x1f", "\x7f", "\x80", "\x9f", "\u202e", "\u2066"]),
    st.text(max_size=50),
)
def test_text_problem_always_finds_bad_characters(before: str, bad: str, after: str) -> None:
    assert text_problem(before + bad + after, max_length=TEXT_MAX, multiline=True) is not None


# --- safe_filename_part -----


@pytest.mark.parametrize(
    ("s", "expected"),
    [
        ("OFFICIAL: Sensitive", "OFFICIAL-Sensitive"),
        ("OFFICIAL", "OFFICIAL"),
        ("PROTECTED//CABINET", "PROTECTED-CABINET"),
        ('a<b>c:d"e/f\\g|h?i*j', "a-b-c-d-e-f-g-h-i-j"),
        ("Budget  2024–25 Q1", "Budget-2024–25-Q1"),
        ("a__b", "a_b"),
        ("a_-_b", "a-b"),
        ("a - b", "a-b"),
        ("  x  ", "x"),
        ("report.", "report"),
        ("report. ", "report"),
        ("..hidden", "hidden"),
        ("a\tb\nc", "a-b-c"),
        ("a\x00b\x9fc", "a-b-c"),
        ("Rep\u202eort", "Report"),  # a bidi override could disguise the extension
        ("zero\u200bwidth", "zerowidth"),
        ("Café", "Café"),
        ("Cafe\u0301", "Café"),
        ("وزارة", "وزارة"),
        ("???", ""),
        ("", ""),
    ],
)
def test_safe_filename_part(s: str, expected: str) -> None:
    assert safe_filename_part(s) == expected


@pytest.mark.parametrize(
    ("s", "expected"),
    [
        ("CON", "CON_"),
        ("con", "con_"),
        ("nul ", "nul_"),
        ("Aux", "Aux_"),
        ("PRN", "PRN_"),
        ("COM1", "COM1_"),
        ("lpt9", "lpt9_"),
        ("con.txt", "con_.txt"),
        ("CONSOLE", "CONSOLE"),
        ("COM10", "COM10"),
    ],
)
def test_safe_filename_part_reserved_dos_names(s: str, expected: str) -> None:
    assert safe_filename_part(s) == expected


def test_safe_filename_part_limits_length() -> None:
    result = safe_filename_part("A" * 500)
    assert result == "A" * 100
    assert safe_filename_part("A" * 99 + " .b") == "A" * 99


_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?", re.IGNORECASE)


@given(st.text(max_size=300))
def test_safe_filename_part_is_always_safe(s: str) -> None:
    result = safe_filename_part(s)
    assert not set('<>:"/\\|?*') & set(result)
    assert all(unicodedata.category(ch)[0] not in "CZ" for ch in result)
    assert not result.startswith((".", "-", "_"))
    assert not result.endswith((".", " ", "-"))
    if result.endswith("_"):
        # Only added to defuse a reserved DOS name.
        assert _RESERVED.fullmatch(result[:-1])
    assert "--" not in result and "__" not in result
    assert len(result) <= 100
    assert not _RESERVED.fullmatch(result)
    assert safe_filename_part(result) == result


def test_text_problem_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        text_problem(b"bytes", max_length=10)  # type: ignore[arg-type]
