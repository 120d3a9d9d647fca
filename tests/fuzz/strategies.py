"""Hostile and random values for every field a form or an API takes."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.html_forms import FormField

#: markup that must never come back unescaped in an HTML page
MARKUP = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "'><iframe src=javascript:alert(1)>",
)
HOSTILE = (
    *MARKUP,
    "' OR '1'='1",
    "1; DROP TABLE survey_response; --",
    "\" OR \"\"=\"",
    "%' AND 1=0 UNION SELECT username, password_hash FROM user_account --",
    "{{ 7*7 }}", "{% raw %}", "${7*7}", "%s%s%s%n", "../../../../etc/passwd",
    "\x00", "a\x00b", "\x1b[31m", "\r\nSet-Cookie: x=1", "/\r\nX: 1", "a\x7fb\x85c", "\ufffe",
    "\u202e\u0645", "\ufeff", "\ud7ff",
    "²", "٣", "１２", "9" * 40, "-1", "0", "1e309", "NaN", "Infinity", "-0", "0x10", "1_000",
    "true", "null", "[]", "{}", "😀" * 30, "Ærø Ω≈ç√ ÅÄÖ åäö ß", "ｓｏｃｉａｌ",
    "javascript:alert(1)", "//evil.example/", "/\\evil.example",
)
#: characters from every plane a form may carry (surrogates cannot be encoded)
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
CONTROL = st.text(st.characters(categories=("Cc", "Cf", "Zl", "Zp")), min_size=1, max_size=20)
#: ordinary text with NUL, escape, DEL, C1 controls, CRLF, tabs and U+FFFE mixed in
CONTROL_MIXED = st.text(
    st.one_of(st.characters(exclude_categories=("Cs",)),
              st.sampled_from("\x00\x01\x08\x0b\x1b\x7f\x85\x9f\t\r\n\ufffe\uffff")),
    min_size=1, max_size=40,
)
HUGE = st.sampled_from((5_000, 70_000, 300_000)).map(lambda n: "Å" * n)
EMBEDDED_MARKUP = st.tuples(st.text(max_size=20), st.sampled_from(MARKUP),
                            st.text(max_size=20)).map("".join)
NUMBERS = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


def value_for(field: FormField | None, huge: bool = True) -> st.SearchStrategy[str]:
    """A value for one field: mostly hostile, sometimes one the form itself offers."""
    own: list[str] = []
    if field is not None:
        own = [v for v in (field.value, *field.options) if v]
    choices = [
        st.sampled_from(HOSTILE), ANY_TEXT, CONTROL, CONTROL_MIXED, EMBEDDED_MARKUP, NUMBERS,
        st.just(""),
    ]
    if huge:
        choices.append(HUGE)
    if own:
        choices.append(st.sampled_from(own))
    return st.one_of(*choices)


def own_value(field: FormField) -> str:
    """What the page itself would send for the field (its value or first real option)."""
    return field.value or next((o for o in field.options if o), "")


def form_body(fields: dict[str, FormField]) -> st.SearchStrategy[dict[str, Any]]:
    """Form data: up to six fields hostile, missing or repeated, the others as the page
    fills them (so that validation gets past them); sometimes an unknown field as well."""
    names = [n for n in fields if n != "csrf_token"]

    @st.composite
    def build(draw) -> dict[str, Any]:
        data: dict[str, Any] = {n: own_value(fields[n]) for n in names}
        chosen = draw(st.lists(st.sampled_from(names), max_size=6, unique=True)) if names else []
        for name in chosen:
            how = draw(st.sampled_from(("value", "value", "value", "missing", "many")))
            if how == "value":
                data[name] = draw(value_for(fields[name]))
            elif how == "many":
                data[name] = draw(st.lists(value_for(fields[name]), min_size=2, max_size=3))
            else:
                del data[name]
        if draw(st.booleans()):
            data[draw(st.text(min_size=1, max_size=12))] = draw(value_for(None))
        return data

    return build()


JSON_KEYS = (
    "uuid", "round_id", "kind", "text", "votes", "area_ids", "created_ms", "edited_ms",
    "base_version", "id", "status", "answer", "title", "name", "value", "code", "district",
    "wave", "page", "items", "deleted",
)
JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(HOSTILE), ANY_TEXT,
    CONTROL_MIXED, st.sampled_from(("\ud800", "a\udfffb")),  # JSON may carry lone surrogates
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(JSON_KEYS), inner, max_size=4),
    ),
    max_leaves=12,
)
JSON_BODIES = st.one_of(
    st.dictionaries(st.sampled_from(JSON_KEYS), JSON_VALUES, max_size=len(JSON_KEYS)),
    JSON_VALUES,
)
#: query-string names that list and report pages commonly read
QUERY_NAMES = (
    "page", "round", "next", "q", "sort", "order", "district", "area", "service_area", "role",
    "wave", "compare", "status", "kind", "format", "lang", "year", "question", "unit", "code",
)


def query_params(names: list[str], samples: list[dict[str, str]]) -> st.SearchStrategy[dict]:
    """A query string: one the site's own links use (if any) with up to three values made
    hostile or dropped, plus sometimes names that list and report pages commonly read."""
    pool = list(dict.fromkeys([*names, *QUERY_NAMES]))
    # no huge values: a server refuses request lines of more than a few kilobytes anyway
    value = value_for(None, huge=False)

    @st.composite
    def build(draw) -> dict[str, str]:
        query = dict(draw(st.sampled_from(samples))) if samples else {}
        for name in draw(st.lists(st.sampled_from(list(query) or pool), max_size=3,
                                  unique=True)):
            if draw(st.booleans()) or name not in query:
                query[name] = draw(value)
            else:
                del query[name]
        query.update(draw(st.dictionaries(st.sampled_from(pool), value, max_size=2)))
        return query

    return build()


def markup_sent(value: Any) -> set[str]:
    """The MARKUP payloads contained anywhere in what was sent."""
    if isinstance(value, str):
        return {m for m in MARKUP if m in value}
    if isinstance(value, dict):
        found: set[str] = set()
        for k, v in value.items():
            found |= markup_sent(k) | markup_sent(v)
        return found
    if isinstance(value, list | tuple):
        return set().union(*(markup_sent(v) for v in value)) if value else set()
    return set()
