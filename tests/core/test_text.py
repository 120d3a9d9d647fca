"""Personal data masking, Swedish tokenising and word frequencies (core.text)."""

from __future__ import annotations

import pytest

from core.text import (
    COORDINATION_NUMBER,
    EMAIL,
    LISTED_WORD,
    NAME,
    PERSONAL_NUMBER,
    PHONE,
    content_words,
    lemma,
    mask_personal_data,
    tokenize,
    word_frequencies,
)


def check_digit(nine: str) -> str:
    """Luhn check digit computed independently of core.text (doubling from the right)."""
    digits = [int(c) for c in nine]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 0:  # rightmost of the nine is doubled
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def valid(yymmdd: str, serial: str) -> str:
    return yymmdd + "-" + serial + check_digit(yymmdd + serial)


def invalid(yymmdd: str, serial: str) -> str:
    wrong = (int(check_digit(yymmdd + serial)) + 3) % 10
    return yymmdd + "-" + serial + str(wrong)


def test_known_valid_number_from_skatteverket_example():
    # 811218-9876 is the Swedish Tax Agency's textbook example with a valid check digit.
    assert check_digit("811218987") == "6"
    result = mask_personal_data("Klienten 811218-9876 ringde.")
    assert result.text == "Klienten [personnummer] ringde."
    assert result.found == {PERSONAL_NUMBER: 1}


@pytest.mark.parametrize(
    "form",
    [
        lambda n: n,  # YYMMDD-NNNN
        lambda n: n.replace("-", "+"),  # YYMMDD+NNNN (100 years or older)
        lambda n: "19" + n.replace("-", ""),  # YYYYMMDDNNNN
        lambda n: "19" + n,  # YYYYMMDD-NNNN
        lambda n: n.replace("-", ""),  # YYMMDDNNNN
    ],
)
def test_valid_personal_numbers_in_every_form_are_masked(form):
    number = form(valid("850709", "980"))
    result = mask_personal_data(f"Ärende gällande {number}, se akten.")
    assert result.text == "Ärende gällande [personnummer], se akten."
    assert result.found == {PERSONAL_NUMBER: 1}


def test_invalid_check_digits_are_left_alone():
    for yymmdd, serial in [("850709", "980"), ("760312", "123"), ("020229", "456")]:
        number = invalid(yymmdd, serial)
        result = mask_personal_data(f"Nummer {number} i texten")
        # not a personal number; some of these digits are a valid phone number, though
        assert set(result.found) <= {PHONE}
        assert result.text in (f"Nummer {number} i texten", "Nummer [telefon] i texten")
        long_form = "19" + number.replace("-", "")
        assert mask_personal_data(long_form).found == {}


def test_impossible_dates_are_not_personal_numbers():
    # month 13 and 31 February, even when the Luhn digit fits
    for yymmdd in ("851309", "850231"):
        number = valid(yymmdd, "123")
        assert mask_personal_data(number).found == {}


def test_coordination_number_day_plus_sixty_is_masked():
    number = valid("850769", "982")  # born 9 July 1985 -> day 69
    result = mask_personal_data(f"samordningsnummer {number}.")
    assert result.text == "samordningsnummer [samordningsnummer]."
    assert result.found == {COORDINATION_NUMBER: 1}
    wrong = invalid("850769", "982")
    assert mask_personal_data(wrong).found == {}
    assert mask_personal_data(valid("850792", "982")).found == {}  # day 32 does not exist


@pytest.mark.parametrize(
    "phone",
    [
        "070-123 45 67",
        "0701234567",
        "073-1234567",
        "08-123 45 67",
        "08-12 34 56",
        "08 123 45 67",
        "031-12 34 56",
        "0470-123 45",
        "+46 70 123 45 67",
        "+46701234567",
        "+46 8-123 45 67",
        "+46 (0)8 123 45 67",
        "0046 70 123 45 67",
    ],
)
def test_swedish_phone_numbers_are_masked(phone):
    result = mask_personal_data(f"Ring mig på {phone} efter lunch")
    assert result.text == "Ring mig på [telefon] efter lunch"
    assert result.found == {PHONE: 1}


def test_email_addresses_are_masked():
    text = "Skriv till anna.karlsson@stockholm.se eller x_y+cafe@example.co.uk."
    result = mask_personal_data(text)
    assert result.text == "Skriv till [e-post] eller [e-post]."
    assert result.found == {EMAIL: 2}


def test_listed_words_are_masked_whole_words_case_insensitively():
    words = ["Åsa", "Örjan Svensson", "  ", ""]
    text = "ÅSA sa att örjan  svensson och åsa-lena och Åsalund kom. Åsa!"
    result = mask_personal_data(text, extra_words=words)
    assert result.text == "[namn] sa att [namn] och [namn]-lena och Åsalund kom. [namn]!"
    assert result.found == {LISTED_WORD: 4}


@pytest.mark.parametrize(
    "text",
    [
        "Caféet hölls 2017-06-12 och 2017-08-15 kl. 08.30.",
        "Vi har 45 ärenden per handläggare, målet är 30-35 ärenden.",
        "Åren 2016 och 2017 hade vi 100 respektive 34 konsulter.",
        "Datum 20170612 och 12/6 2017, rum 0,5 tjänst.",
        "Kvoten 1:30, 120 000 kr, 3-4 veckor, vecka 23.",
        "Omsättning 12 345 678 kr under 2017.",
        "Möte 15.08.2017 och 08:30-10:00.",
    ],
)
def test_dates_counts_and_years_are_not_masked(text):
    result = mask_personal_data(text, extra_words=["Kalle"])
    assert result.text == text
    assert result.found == {}
    assert not result.changed


@pytest.mark.parametrize(
    "number", ["811218 9876", "811218\u20139876", "19811218 9876", "811218\u22129876"]
)
def test_personal_numbers_with_a_space_or_a_dash_are_masked(number):
    result = mask_personal_data(f"Klienten {number} ringde.")
    assert result.text == "Klienten [personnummer] ringde."
    assert result.found == {PERSONAL_NUMBER: 1}


@pytest.mark.parametrize(
    "phone",
    [
        "070\u20131234567",  # en dash
        "070 \u2013 123 45 67",
        "08\u2014123 45 67",  # em dash
        "070-12 34 567",
        "0771-123 123",
        "+46 (0)70-123 45 67",
        "0046-8-123 456 78",
        "08-508 000 00",
        "(08) 123 45 67",
    ],
)
def test_phone_numbers_in_any_grouping_and_with_any_dash_are_masked(phone):
    result = mask_personal_data(f"Ring {phone} i morgon")
    assert result.text == "Ring [telefon] i morgon", phone
    assert result.found == {PHONE: 1}


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Kontakta Kalle om schemat.", "Kontakta [namn] om schemat."),
        ("Vi pratade med Per Andersson i går.", "Vi pratade med [namn] i går."),
        ("Kalle ringde om besöket.", "[namn] ringde om besöket."),
        ("Fråga Ahmed eller Fatima på mottagningen.",
         "Fråga [namn] eller [namn] på mottagningen."),
        ("- Anna-Karin vet mer", "- [namn] vet mer"),
    ],
)
def test_first_names_are_masked(text, masked):
    result = mask_personal_data(text)
    assert result.text == masked
    assert set(result.found) == {NAME}


@pytest.mark.parametrize(
    "text",
    [
        "Per vecka har vi 40 ärenden. Dag efter dag samma sak.",
        "Anmälan enligt lex Sarah och lex Maria.",
        "Caféet i August och June hölls på engelska.",
        "Region Stockholm, Farsta och Socialstyrelsen.",
        "HR och IT ska hjälpa till. Bo kvar i kommunen.",
    ],
)
def test_words_that_only_look_like_names_are_left_alone(text):
    assert mask_personal_data(text).found == {}


def test_several_kinds_are_counted_and_markers_are_not_masked_again():
    number = valid("900101", "234")
    text = f"{number} ring 070-123 45 67, mejla a@b.se, namn Kalle"
    result = mask_personal_data(text, extra_words=["kalle", "namn", "telefon"])
    assert result.found == {PERSONAL_NUMBER: 1, PHONE: 1, EMAIL: 1, LISTED_WORD: 2}
    assert result.text == "[personnummer] ring [telefon], mejla [e-post], [namn] [namn]"


def test_tokenize_keeps_swedish_letters_and_compounds():
    assert tokenize("Ärendemängden ÖKAR, e-post och 45 nya!") == [
        "ärendemängden",
        "ökar",
        "e-post",
        "och",
        "nya",
    ]


def test_content_words_remove_stopwords_short_words_and_markers():
    words = content_words("Vi har för många ärenden och [personnummer] i IT-stödet", 3)
    assert words == ["ärenden", "it-stödet"]


def test_word_frequencies_counts_ranks_and_limits():
    texts = [
        "Introduktion av nya medarbetare tar tid.",
        "Bättre introduktion och mentorer för nya.",
        "Administrativt stöd, introduktion, mentorer.",
        "",
    ]
    result = word_frequencies(texts, min_length=3, top=2)
    assert result == [("introduktion", 3), ("mentorer", 2)]
    everything = dict(word_frequencies(texts, top=None))
    assert everything["administrativt"] == 1
    assert "och" not in everything and "av" not in everything
    assert word_frequencies(texts, extra_stopwords=["Introduktion"], top=1) == [("mentorer", 2)]


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Vi behöver fler mentorer.\nOch tid.\tTack!\r\n", True),
        ("Emoji 👍 och åäö", True),
        ("nul\x00här", False),
        ("bell\x07", False),
        ("delete\x7f", False),
        ("c1\x85", False),
        ("lone \ud800 surrogate", False),
        ("lone \udfff", False),
    ],
)
def test_acceptable_text_has_no_control_characters_or_lone_surrogates(text, ok):
    from core.inputs import is_acceptable

    assert is_acceptable(text, multiline=True) is ok


def test_word_frequencies_count_the_forms_of_a_word_together_and_drop_filler_verbs():
    texts = [
        "Nya kollegor står ofta ensamma med ärendena.",
        "Den nya chefen står bakom oss, men ärenden tar tid.",
        "Vi står inför nya utmaningar: för många ärenden per handläggare och kollega.",
        "Stod ensam med ett svårt ärende i veckan, utan kollegor.",
    ]
    ranked = word_frequencies(texts, top=None)
    counts = dict(ranked)
    # "ärendena", "ärenden" (twice) and "ärende" are one word, shown as written most often
    assert ranked[0] == ("ärenden", 4)
    assert counts["kollegor"] == 3 and "kollega" not in counts
    for filler in ("nya", "ny", "står", "stod", "tar", "per", "veckan"):
        assert filler not in counts, filler
    assert lemma("står") == lemma("stod") == "stå"
