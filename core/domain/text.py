"""Text rules: name keys for uniqueness, whitespace collapsing, input validation and safe file names."""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "LONG_TEXT_MAX",
    "NAME_MAX",
    "SHORT_MAX",
    "SPREADSHEET_CELL_MAX",
    "TEXT_MAX",
    "collapse_spaces",
    "name_key",
    "safe_filename_part",
    "text_problem",
]

NAME_MAX = 200
SHORT_MAX = 60
TEXT_MAX = 4000
# Below Excel's 32,767-character cell limit, leaving room for anything an export adds around it.
LONG_TEXT_MAX = 32000
# Excel's cell limit counts UTF-16 code units, so an emoji or other character beyond the BMP takes two of them.
SPREADSHEET_CELL_MAX = 32767

# Python's \s is Unicode-aware (NBSP, ideographic space, ...), which is what "whitespace" means to a user.
_WHITESPACE_RE = re.compile(r"\s+")

# Explicit embeddings, overrides and isolates can make text display in a different order from the one
# it is stored in ("Trojan Source"), so they are refused outright; ordinary RTL letters are fine.
_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))

_TAB, _LF, _CR = "\t", "\n", "\r"

# Characters refused by Windows in file names; "/" is also the POSIX separator and ":" the old macOS one.
_FILENAME_FORBIDDEN = frozenset('<>:"/\\|?*')
_FILENAME_MAX = 100
_RESERVED_DOS_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")}
)


def collapse_spaces(s: str) -> str:
    """Collapse each run of whitespace to one space and strip the ends; other characters are kept as typed."""
    return _WHITESPACE_RE.sub(" ", s).strip(" ")


def name_key(s: str) -> str:
    """The key under which names must be unique: NFKC, collapsed whitespace, casefolded.

    ``ÄMTER``/``ämter``, ``Café``/``Cafe\\u0301``, ``Travel``/``Travel `` and ``Straße``/``STRASSE``
    share a key.
    """
    key = collapse_spaces(unicodedata.normalize("NFKC", s)).casefold()
    # Casefolding can produce sequences that are no longer NFKC (e.g. U+01F0 -> "j" + combining caron), so
    # normalise again; without this the key of a key could differ from the key.
    return collapse_spaces(unicodedata.normalize("NFKC", key))


# Controls (C0, DEL, C1), bidi embeddings/overrides/isolates and surrogates: anything _char_problem may reject.
_SUSPICIOUS_RE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F


def _char_problem(value: str, i: int, ch: str, multiline: bool) -> str | None:
    position = f"{i + 1:,}"  # 1-based: users count from the first character
    if ch in _BIDI_CONTROLS:
        name = unicodedata.name(ch).lower()
        return f"Remove the {name} character (U+{ord(ch):04X})."
    if 0xD800 <= ord(ch) <= 0xDFFF:
        # Only reachable via broken decoding (surrogateescape, bad JSON); it cannot be saved as UTF-8.
        return f"Remove the invalid character at position {position}."
    if not _is_control(ch):
        return None
    if ch in (_LF, _TAB, _CR) and not multiline:
        kind = "tab" if ch == _TAB else "line break"
        return f"Remove the {kind} at position {position}; this must be a single line."
    if ch in (_LF, _TAB):
        return None
    if ch == _CR and value.startswith(_LF, i + 1):
        # Windows line endings pasted from other applications are harmless.
        return None
    if ch == _CR:
        return f"Remove the stray carriage return at position {position}."
    return f"Remove the control character at position {position}."


def text_problem(value: str, *, max_length: int, multiline: bool = False) -> str | None:
    """The first problem with ``value`` as a short English sentence for the user, or None when it is fine.

    Length counts Unicode code points, as a user would count characters in the field.
    """
    if not isinstance(value, str):
        raise TypeError(f"Expected text, got {type(value).__name__}")
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
        raise ValueError("max_length must be a positive int")
    # One regex pass finds the rare suspicious character; the slower per-character rules run only from there.
    suspicious = _SUSPICIOUS_RE.search(value)
    if suspicious is not None:
        for i in range(suspicious.start(), len(value)):
            problem = _char_problem(value, i, value[i], multiline)
            if problem is not None:
                return problem
    if len(value) > max_length:
        return f"Shorten this to {max_length:,} characters or fewer (it has {len(value):,})."
    # Only text over half the cell limit can overflow it; checking the rest would cost an encode per keystroke.
    if len(value) > SPREADSHEET_CELL_MAX // 2:
        units = len(value.encode("utf-16-le")) // 2
        if units > SPREADSHEET_CELL_MAX:
            return (
                f"Shorten this: with its emoji and other wide characters it counts as {units:,} characters in a "
                f"spreadsheet cell, which holds {SPREADSHEET_CELL_MAX:,}."
            )
    return None


def _filename_char(ch: str) -> str:
    if ch in _FILENAME_FORBIDDEN:
        return "-"
    category = unicodedata.category(ch)
    if category == "Cf":
        # Invisible format characters (zero-width spaces, bidi overrides) could disguise a name; drop them.
        return ""
    if category[0] in "CZ":
        # Controls, separators, surrogates and unassigned code points all become a plain separator.
        return "-"
    return ch


def safe_filename_part(s: str) -> str:
    """Turn a label such as ``OFFICIAL: Sensitive`` into a portable file-name part, ``OFFICIAL-Sensitive``.

    The result is safe on Windows, macOS and Linux (no reserved characters, controls, reserved DOS
    names, leading/trailing dots or spaces) and may be empty if nothing usable remains.
    """
    # NFC because macOS and Windows otherwise disagree about whether "é" is one character or two.
    cleaned = "".join(_filename_char(ch) for ch in unicodedata.normalize("NFC", s))
    # A run mixing dashes and underscores becomes a dash; a run of underscores alone stays one underscore.
    cleaned = re.sub(r"[-_]{2,}", lambda m: "-" if "-" in m[0] else "_", cleaned)
    # Leading dots hide files on POSIX; trailing dots are silently dropped by Windows.
    cleaned = cleaned.strip("-_.")[:_FILENAME_MAX].rstrip("-_.")
    stem, dot, rest = cleaned.partition(".")
    if stem.upper() in _RESERVED_DOS_NAMES:
        cleaned = f"{stem}_{dot}{rest}"
    return cleaned
