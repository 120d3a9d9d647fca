"""Free text helpers: personal data masking, Swedish tokenising, lemmas and word frequencies.

Pure functions (no Flask, no database) so that every package can mask free text before it is
stored or published and count words for reports. Masking finds Swedish personal identity
numbers (with a valid Luhn check digit, including samordningsnummer, with a hyphen, a dash,
a space or nothing before the last four digits), Swedish phone numbers (our own pattern plus
libphonenumber's matcher for region SE, so any dash or grouping a person types is found),
e-mail addresses, first names (a capitalised name from the Nordic, Arabic and Turkish
columns of the ``gender-guesser`` name dictionary, with the capitalised word after it as a
surname) and words from an administrator-maintained list, and replaces each with a marker.
The markers are stored data and stay Swedish; callers translate the report of what was found.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

import phonenumbers
import simplemma
from stop_words import get_stop_words

PERSONAL_NUMBER = "personal_number"
COORDINATION_NUMBER = "coordination_number"
PHONE = "phone"
EMAIL = "email"
NAME = "name"
LISTED_WORD = "listed_word"

#: Marker written in place of each kind of personal data (stored text, Swedish).
MARKERS: dict[str, str] = {
    PERSONAL_NUMBER: "[personnummer]",
    COORDINATION_NUMBER: "[samordningsnummer]",
    PHONE: "[telefon]",
    EMAIL: "[e-post]",
    NAME: "[namn]",
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
    r"(?P<sep>[-+\u2010-\u2015\u2212 ])?"
    r"(?P<serial>\d{3})(?P<check>\d)"
    r"(?![\w]|-\d)"
)

# Trunk 0 or +46/0046 (optionally "(0)"), an area code of 1-3 digits, an optional separator,
# then the subscriber number in digits with single spaces. Hyphens only after the area code,
# so dates (2017-08-15) and personal numbers with a hyphen are not mistaken for phones.
_DASHES = "-\u2010-\u2015\u2212"  # hyphen, the Unicode dashes (en, em …) and minus
_PHONE_RE = re.compile(
    r"(?<![\w+/.,-])"
    r"(?:(?:\+|00)46[ ]?(?:\(0\)[ ]?)?|\(?0)"
    r"(?P<area>[1-9]\d{0,2})"
    rf"(?:\)[ ]?|[ ]?[{_DASHES}][ ]?|[ ])?"
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


def _phone_matches(text: str) -> Iterable[tuple[int, int, str]]:
    """Swedish phone numbers found by libphonenumber (valid numbers for region SE, in any
    grouping and with any dash), as spans."""
    if sum(ch.isdigit() for ch in text) < 7:
        return  # no Swedish number is shorter; the matcher is the slow part of masking
    matcher = phonenumbers.PhoneNumberMatcher(text, "SE", leniency=phonenumbers.Leniency.VALID)
    for match in matcher:
        yield match.start, match.end, PHONE


#: the name dictionary's columns whose names are masked anywhere in a sentence
_NAME_COUNTRIES = ("sweden", "norway", "denmark", "finland", "arabia", "turkey")
#: capitalised words that are names in the dictionary but mostly something else here
_NOT_NAMES = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
#: Swedish words that are also Nordic first names: masked inside a sentence (where Swedish
#: capitalises only names) but not as the first word of one
_SWEDISH_WORDS = frozenset(
    "alla alma ask bo bror björn dag edit ella else fred frank gull gun hans inga iris jack "
    "kaj klara lea li lina linda liv love maj max mio mona my per rosa rose runa rune rut "
    "saga sam sig siv sten stig svea tim tina tom urban vega viking viola".split()
)
_WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_SENTENCE_END = ".!?:;\n\u2022*>\"'(«»“”-\u2013\u2014"  # and bullets


@cache
def _first_names() -> tuple[frozenset[str], frozenset[str]]:
    """(Nordic names, all names masked inside a sentence) from gender-guesser's dictionary,
    read once per process."""
    from gender_guesser.detector import Detector

    detector = Detector(case_sensitive=True)
    columns = {country: detector.COUNTRIES.index(country) for country in _NAME_COUNTRIES}
    nordic: set[str] = set()
    anywhere: set[str] = set()
    for name, by_gender in detector.names.items():
        if not name[:1].isupper() or name.lower() in _NOT_NAMES:
            continue
        for values in by_gender.values():
            for country, column in columns.items():
                if len(values) > column and values[column].strip():
                    anywhere.add(name)
                    if country in ("sweden", "norway", "denmark", "finland"):
                        nordic.add(name)
    return frozenset(nordic), frozenset(anywhere)


def _titlecase(word: str) -> bool:
    """"Kalle", "Anna-Karin"; not "HR", "iPad" or "kalle"."""
    return all(part[:1].isupper() and (len(part) == 1 or part[1:].islower())
               for part in word.split("-"))


def _name_matches(text: str) -> Iterable[tuple[int, int, str]]:
    """First names written with a capital, and the capitalised word right after one (a
    surname). Swedish capitalises only names inside a sentence; at the start of a sentence
    a Nordic name that is also a common word ("Dag", "Per") is left alone."""
    nordic, anywhere = _first_names()
    words = list(_WORD_RE.finditer(text))
    index = 0
    while index < len(words):
        match = words[index]
        word = match.group()
        index += 1
        if not _titlecase(word) or len(word) < 2:
            continue
        first = word.split("-")[0]
        before = text[: match.start()].rstrip()
        sentence_start = not before or before[-1] in _SENTENCE_END
        if before.lower().endswith("lex"):
            continue  # lex Sarah, lex Maria: the laws, not people
        if sentence_start:
            is_name = first in nordic and first.lower() not in _SWEDISH_WORDS
            is_name = is_name and first.lower() not in SWEDISH_STOPWORDS
        else:
            is_name = first in anywhere
        if not is_name:
            continue
        end = match.end()
        if index < len(words):
            following = words[index]
            gap = text[end:following.start()]
            if gap == " " and _titlecase(following.group()) and len(following.group()) > 1:
                end = following.end()  # "Kalle Andersson": the surname goes too
                index += 1
        yield match.start(), end, NAME


def mask_personal_data(text: str, extra_words: Iterable[str] = ()) -> MaskResult:
    """Replace personal data in ``text`` by markers and count what was replaced.

    ``extra_words`` are whole words or phrases (e.g. names) matched case-insensitively.
    Earlier kinds win where matches overlap: e-mail, personal number, phone, listed word,
    first name.
    """
    spans: list[tuple[int, int, str]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in spans)

    def regex(pattern: re.Pattern[str] | None, classify) -> Iterable[tuple[int, int, str]]:
        if pattern is None:
            return
        for match in pattern.finditer(text):
            kind = classify(match)
            if kind:
                yield match.start(), match.end(), kind

    finders = [
        regex(_EMAIL_RE, lambda _m: EMAIL),
        regex(_PERSONAL_NUMBER_RE, classify_personal_number),
        regex(_PHONE_RE, _phone_kind),
        _phone_matches(text),
        regex(_words_pattern(extra_words), lambda _m: LISTED_WORD),
        _name_matches(text),
    ]
    for found_spans in finders:
        for start, end, kind in found_spans:
            if free(start, end):
                spans.append((start, end, kind))
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


# Words that carry no meaning in a word cloud of notes and answers about the work situation,
# on top of the general Swedish list of ``stop-words``, written as lemmas (the base form
# simplemma gives: "står", "stod" and "stått" are all "stå"): the verbs and adjectives that
# every sentence needs, hedges and fillers, and the masking markers.
DOMAIN_STOPWORDS = frozenset(
    {
        # function words missing from the general list
        "bla", "etc", "osv", "samt", "vore", "typ", "kring", "pga", "ca", "dvs", "t.ex",
        "därmed", "således", "iaf", "liksom", "alltså", "ändå", "bl", "kommer", "vilja",
        "skola", "bli", "vara", "ha", "få", "kunna", "måste", "böra", "behöva", "komma",
        # verbs every note uses, whatever it is about
        "stå", "gå", "göra", "ta", "ge", "se", "sätta", "ligga", "finnas", "känna", "kännas",
        "tycka", "tänka", "tro", "mena", "säga", "verka", "låta", "hålla", "börja",
        "fortsätta", "försöka", "använda", "hända", "märka", "uppleva", "önska",
        "kolla", "fixa", "gälla", "innebära", "handla", "fungera",
        # adjectives and adverbs without a subject of their own
        "ny", "nytt", "nya", "gammal", "stor", "liten", "bra", "god", "hel", "hela", "annan",
        "egen", "viss", "vanlig", "mycket", "lite", "väldigt", "ganska", "jätte", "helt",
        "mer", "mest", "mindre", "sådan", "precis", "faktiskt", "egentligen", "kanske",
        "absolut", "enormt", "extra", "tydligen", "också", "även", "redan", "fortfarande",
        "idag", "ibland", "ofta", "alltid", "aldrig", "bara", "nog",
        # nouns that only carry a sentence
        "sak", "grej", "sätt", "gång", "del", "fall", "läge", "slag", "form", "bit", "per",
        "vecka", "månad", "år", "halvår", "följa",
        # the markers masking writes in place of personal data
        "personnummer", "samordningsnummer", "telefon", "e-post", "namn",
    }
)
SWEDISH_STOPWORDS = frozenset(get_stop_words("swedish")) | DOMAIN_STOPWORDS

_TOKEN_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def tokenize(text: str) -> list[str]:
    """Lower-cased words (letters, Swedish included; hyphenated compounds kept whole)."""
    return [token.lower() for token in _TOKEN_RE.findall(text)]


#: distinct words whose base form a process keeps (free texts bring new words without end)
LEMMAS_KEPT = 50_000


@lru_cache(maxsize=LEMMAS_KEPT)
def lemma(word: str) -> str:
    """The Swedish base form of a lower-cased word ("ärenden" → "ärende", "står" → "stå"),
    from simplemma's dictionary; the word itself when it is not in it."""
    return simplemma.lemmatize(word, lang="sv").lower()


def _is_content(token: str, min_length: int, stop: frozenset[str]) -> bool:
    return len(token) >= min_length and token not in stop and lemma(token) not in stop


def content_words(
    text: str, min_length: int = 3, extra_stopwords: Iterable[str] = ()
) -> list[str]:
    """Tokens of ``text`` without Swedish stopwords (as written or as their base form) and
    without words shorter than min_length."""
    stop = SWEDISH_STOPWORDS | {word.lower() for word in extra_stopwords}
    return [t for t in tokenize(text) if _is_content(t, min_length, stop)]


def word_frequencies(
    texts: Iterable[str],
    min_length: int = 3,
    top: int | None = 50,
    extra_stopwords: Iterable[str] = (),
) -> list[tuple[str, int]]:
    """(word, count) pairs over all ``texts``, most frequent first, ties alphabetically.

    The forms of one word are counted together ("ärende", "ärenden", "ärendena") and shown
    as the form written most often, so a cloud is led by what people wrote about, not by
    how they inflected it. ``top=None`` returns every word.
    """
    extra = tuple(extra_stopwords)
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        for word in content_words(text or "", min_length, extra):
            base = lemma(word)
            counts[base] += 1
            forms.setdefault(base, Counter())[word] += 1
    shown = {
        base: min(forms[base].items(), key=lambda form: (-form[1], form[0]))[0]
        for base in counts
    }
    ranked = sorted(((shown[base], n) for base, n in counts.items()),
                    key=lambda item: (-item[1], item[0]))
    return ranked if top is None else ranked[:top]
