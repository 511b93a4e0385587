"""Small pieces of English the drafted documents share: a field as one line, dates and times as a court reads
them, lists with "and", number ranges, exhibit labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from app.documents.profile import CourtProfile


def text(value: Any) -> str:
    """A field as one line of text; missing, None and containers become ""."""
    if value is None or isinstance(value, (dict, list, tuple, set)):
        return ""
    return " ".join(str(value).split())


def long_date(value: str) -> str:
    """"2025-03-01" -> "March 1, 2025"; anything unparsable is returned as given."""
    try:
        day = dt.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return text(value)
    return f"{day.strftime('%B')} {day.day}, {day.year}"


def utc_time(value: Any) -> str:
    """An ISO 8601 time as "March 1, 2025 at 14:03:07 UTC"; says so when no zone was recorded."""
    raw = text(value)
    if not raw:
        return ""
    try:
        moment = dt.datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        return raw
    suffix = "UTC"
    if moment.tzinfo is None:
        suffix = "(time zone not recorded)"
    else:
        moment = moment.astimezone(dt.UTC)
    return f"{moment.strftime('%B')} {moment.day}, {moment.year} at {moment.strftime('%H:%M:%S')} {suffix}"


def short_utc_date(value: Any) -> str:
    """An ISO 8601 time as its UTC calendar date, "2025-03-01" ("" when unreadable)."""
    raw = text(value)
    try:
        moment = dt.datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.date().isoformat()


def and_list(words: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"; "a; b; and c" when a name holds a comma ("Sample Registrar, Inc.")."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    if len(words) > 2 and any("," in w for w in words):
        return "; ".join(words[:-1]) + "; and " + words[-1]
    return ", ".join(words[:-1]) + " and " + words[-1]


_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number_word(number: int) -> str:
    """One to nine in words, as legal writing spells them; larger numbers in figures."""
    return _WORDS[number] if 0 <= number < len(_WORDS) else f"{number:,}"


def number_runs(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Distinct numbers as runs of consecutive ones, in order: [5, 1, 2, 3] -> [(1, 3), (5, 5)]."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return [(first, last) for first, last in runs]


def number_ranges(numbers: Sequence[int]) -> str:
    """[1, 2, 3, 5, 7, 8] -> "1\u20133, 5, 7 and 8" (an en dash joins three or more in a row)."""
    parts: list[str] = []
    for first, last in number_runs(numbers):
        if first == last:
            parts.append(str(first))
        elif last == first + 1:
            parts += [str(first), str(last)]
        else:
            parts.append(f"{first}\u2013{last}")
    return and_list(parts)


def exhibit_labels(numbers: Sequence[int], profile: CourtProfile) -> str:
    """"Exhibit 4", "Exhibits 4 and 8", "Exhibits 4\u20138" (each label in full when the court's label is
    not "Exhibit N")."""
    numbers = sorted(set(numbers))
    if len(numbers) == 1:
        return profile.exhibit_label(numbers[0])
    if all(profile.exhibit_label(n) == f"Exhibit {n}" for n in numbers[:1]):
        return "Exhibits " + number_ranges(numbers)
    return and_list([profile.exhibit_label(n) for n in numbers])
