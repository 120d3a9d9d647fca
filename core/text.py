"""Free text helpers: personal data masking, Swedish tokenising and word frequencies.

Pure functions (no Flask, no database) so that every package can mask free text before it is
stored and count words for reports. Masking finds Swedish personal identity numbers (with a
valid Luhn check digit, including samordningsnummer), Swedish phone numbers, e-mail
addresses and words from an administrator-maintained list, and replaces each with a marker.
The markers are stored data and stay Swedish; callers translate the report of what was found.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from stop_words import get_stop_words

PERSONAL_NUMBER = "personal_number"
COORDINATION_NUMBER = "coordination_number"
PHONE = "phone"
EMAIL = "email"
LISTED_WORD = "listed_word"

#: Marker written in place of each kind of personal data (stored text, Swedish).
MARKERS: dict[str, str] = {
    PERSONAL_NUMBER: "[personnummer]",
    COORDINATION_NUMBER: "[samordningsnummer]",
    PHONE: "[telefon]",
    EMAIL: "[e-post]",
    LISTED_WORD: "[namn]",
}


@dataclass(frozen=True)
class MaskResult:
    """The masked text and how many items of each kind (keys of MARKERS) were replaced."""

    text: str
    found: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.found)


_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")

_PERSONAL_NUMBER_RE = re.compile(
    r"(?<![\w+-])"
    r"(?P<century>1[89]|20)?(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})"
    r"(?P<sep>[-+])?"
    r"(?P<serial>\d{3})(?P<check>\d)"
    r"(?![\w]|-\d)"
)

# Trunk 0 or +46/0046 (optionally "(0)"), an area code of 1-3 digits, an optional separator,
# then the subscriber number in digits with single spaces. Hyphens only after the area code,
# so dates (2017-08-15) and personal numbers with a hyphen are not mistaken for phones.
_PHONE_RE = re.compile(
    r"(?<![\w+/.,-])"
    r"(?:(?:\+|00)46[ ]?(?:\(0\)[ ]?)?|\(?0)"
    r"(?P<area>[1-9]\d{0,2})"
    r"(?:\)[ ]?|[ ]?-[ ]?|[ ])?"
    r"(?P<subscriber>\d(?:[ ]?\d){4,7})"
    r"(?!\d|-\d)"
)


def luhn_check_digit(nine_digits: str) -> int:
    """The check digit of a Swedish personal identity number for its first nine digits."""
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _valid_day(yy: int, month: int, day: int, century: int | None) -> bool:
    if not 1 <= month <= 12:
        return False
    years = [century * 100 + yy] if century is not None else [1900 + yy, 2000 + yy]
    return any(1 <= day <= calendar.monthrange(year, month)[1] for year in years)


def classify_personal_number(match: re.Match[str]) -> str | None:
    """PERSONAL_NUMBER, COORDINATION_NUMBER or None (wrong date or check digit)."""
    century = int(match["century"]) if match["century"] else None
    yy, month, day = int(match["yy"]), int(match["mm"]), int(match["dd"])
    kind = PERSONAL_NUMBER
    if day > 60:
        day -= 60
        kind = COORDINATION_NUMBER
    if not _valid_day(yy, month, day, century):
        return None
    digits = match["yy"] + match["mm"] + match["dd"] + match["serial"]
    if luhn_check_digit(digits) != int(match["check"]):
        return None
    return kind


def _phone_kind(match: re.Match[str]) -> str | None:
    national_digits = len(match["area"]) + len(match["subscriber"].replace(" ", ""))
    return PHONE if 7 <= national_digits <= 9 else None


def _words_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    cleaned = {" ".join(word.split()) for word in words if word and word.strip()}
    if not cleaned:
        return None
    parts = [
        r"\s+".join(re.escape(piece) for piece in word.split())
        for word in sorted(cleaned, key=len, reverse=True)
    ]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def mask_personal_data(text: str, extra_words: Iterable[str] = ()) -> MaskResult:
    """Replace personal data in ``text`` by markers and count what was replaced.

    ``extra_words`` are whole words or phrases (e.g. names) matched case-insensitively.
    Earlier kinds win where matches overlap: e-mail, personal number, phone, listed word.
    """
    spans: list[tuple[int, int, str]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in spans)

    finders: list[tuple[re.Pattern[str] | None, object]] = [
        (_EMAIL_RE, lambda _m: EMAIL),
        (_PERSONAL_NUMBER_RE, classify_personal_number),
        (_PHONE_RE, _phone_kind),
        (_words_pattern(extra_words), lambda _m: LISTED_WORD),
    ]
    for pattern, classify in finders:
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            kind = classify(match)  # type: ignore[operator]
            if kind and free(match.start(), match.end()):
                spans.append((match.start(), match.end(), kind))
    if not spans:
        return MaskResult(text, {})
    spans.sort()
    pieces: list[str] = []
    found: Counter[str] = Counter()
    position = 0
    for start, end, kind in spans:
        pieces.append(text[position:start])
        pieces.append(MARKERS[kind])
        found[kind] += 1
        position = end
    pieces.append(text[position:])
    return MaskResult("".join(pieces), dict(found))


# Words that carry no meaning in notes about the work situation, plus the masking markers.
DOMAIN_STOPWORDS = frozenset(
    {
        "bla", "etc", "osv", "samt", "bör", "behöver", "vore", "typ", "väldigt", "lite",
        "hela", "mer", "går", "sätt", "tycker", "känns", "också", "kring",
        "personnummer", "samordningsnummer", "telefon", "e-post", "namn",
    }
)
SWEDISH_STOPWORDS = frozenset(get_stop_words("swedish")) | DOMAIN_STOPWORDS

_TOKEN_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def tokenize(text: str) -> list[str]:
    """Lower-cased words (letters, Swedish included; hyphenated compounds kept whole)."""
    return [token.lower() for token in _TOKEN_RE.findall(text)]


def content_words(
    text: str, min_length: int = 3, extra_stopwords: Iterable[str] = ()
) -> list[str]:
    """Tokens of ``text`` without Swedish stopwords and without words shorter than min_length."""
    stop = SWEDISH_STOPWORDS | {word.lower() for word in extra_stopwords}
    return [t for t in tokenize(text) if len(t) >= min_length and t not in stop]


def word_frequencies(
    texts: Iterable[str],
    min_length: int = 3,
    top: int | None = 50,
    extra_stopwords: Iterable[str] = (),
) -> list[tuple[str, int]]:
    """(word, count) pairs over all ``texts``, most frequent first, ties alphabetically.

    ``top=None`` returns every word.
    """
    extra = tuple(extra_stopwords)
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(content_words(text or "", min_length, extra))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked if top is None else ranked[:top]
