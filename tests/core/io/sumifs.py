"""Recomputing a workbook's SUMIFS the way Excel does, criterion semantics included, from the cells openpyxl reads.

Excel reads a SUMIFS criterion as a pattern, not as the text it holds: a leading `<`, `>`, `<=`, `>=`, `<>` or `=`
is an operator; with `=` (or none) and `<>`, `*` and `?` are wildcards and `~` escapes them; text compares without
regard to case. A number criterion equals numbers; Excel also folds numeric-looking text into such comparisons,
and reads text criteria that look like numbers or logicals as numbers; this helper does not model that folding, so
it refuses both: a workbook it checks must never depend on them.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["criterion_matches", "evaluate_sumifs", "excel_pattern"]

_OPERATORS = ("<=", ">=", "<>", "<", ">", "=")
_RANGE = re.compile(r"Lines!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)")
_SUMIFS = re.compile(r"SUMIFS\(((?:[^()\"]|\"[^\"]*\")*)\)")
_ARGUMENT = re.compile(r'"(?:[^"]|"")*"|[^,]+')
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?%?")


def excel_pattern(operand: str) -> re.Pattern[str]:
    """The regular expression Excel's wildcard text `operand` stands for (whole cell, any case)."""
    out, i = [], 0
    while i < len(operand):
        ch = operand[i]
        if ch == "~" and i + 1 < len(operand) and operand[i + 1] in "*?~":
            out.append(re.escape(operand[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def criterion_matches(criterion: object, cell: object) -> bool:
    """Whether Excel's SUMIFS counts a Lines cell holding `cell` (str, number or None) under `criterion`."""
    if isinstance(criterion, int | float):
        assert not (isinstance(cell, str) and _NUMBER.fullmatch(cell.strip())), f"numeric text {cell!r}: not modelled"
        return isinstance(cell, int | float) and not isinstance(cell, bool) and cell == criterion
    assert isinstance(criterion, str), f"criterion {criterion!r}: not modelled"
    assert len(criterion) <= 255, "Excel answers #VALUE! for a criterion over 255 characters"
    op = next((o for o in _OPERATORS if criterion.startswith(o)), "")
    operand = criterion[len(op) :]
    assert not _NUMBER.fullmatch(operand.strip()), f"numeric criterion {criterion!r}: not modelled"
    assert operand.strip().upper() not in ("TRUE", "FALSE"), f"logical criterion {criterion!r}: not modelled"
    text = cell if isinstance(cell, str) else None
    if op in ("", "="):
        if operand == "":
            # "" counts empty cells and empty text; "=" only cells with nothing in them.
            return cell is None or (op == "" and text == "")
        return text is not None and excel_pattern(operand).fullmatch(text) is not None
    if op == "<>":
        if operand == "":
            return cell is not None and text != ""
        return text is None or excel_pattern(operand).fullmatch(text) is None
    if text is None:
        return False
    left, right = text.casefold(), operand.casefold()
    return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[op]


def _lines_column(values: Any, letter: str, first: int, last: int) -> list[Any]:
    ws = values["Lines"]
    return [ws[f"{letter}{r}"].value for r in range(first, last + 1)]


def _criterion(argument: str, sheet: Any) -> object:
    if argument.startswith('"'):
        return argument[1:-1].replace('""', '"')
    if _NUMBER.fullmatch(argument) and not argument.endswith("%"):
        return float(argument) if any(c in argument for c in ".eE") else int(argument)
    return sheet[argument.replace("$", "")].value


def evaluate_sumifs(formula: str, sheet: Any, values: Any) -> float:
    """Recompute `=SUMIFS(..)+SUMIFS(..)` from the cells of Lines; a criterion is a cell of `sheet` or a literal."""
    total = 0.0
    assert re.fullmatch(r"=S(\+S)*", _SUMIFS.sub("S", formula)), formula
    for args in _SUMIFS.findall(formula):
        parts = _ARGUMENT.findall(args)
        ranges = [_RANGE.fullmatch(p) for p in [parts[0], *parts[1::2]]]
        assert all(ranges), formula
        sums = _lines_column(values, ranges[0][1], int(ranges[0][2]), int(ranges[0][4]))  # type: ignore[index]
        keep = [True] * len(sums)
        for rng, argument in zip(ranges[1:], parts[2::2], strict=True):
            criterion = _criterion(argument, sheet)
            cells = _lines_column(values, rng[1], int(rng[2]), int(rng[4]))  # type: ignore[index]
            keep = [k and criterion_matches(criterion, c) for k, c in zip(keep, cells, strict=True)]
        total += sum(v or 0 for v, k in zip(sums, keep, strict=True) if k)
    return total
