"""How a reply reads on WhatsApp: buttons, lists, numbered text, long texts, within limits."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels import whatsapp_render
from bot.channels.text_parts import split_text, utf16_length
from bot.channels.whatsapp_render import check_body, render
from domain.shortening import shortened
from handlers.follow_up_messages import shortened as template_shortened
from handlers.messages import Document, InvalidMessage, MessageTooLarge, Option, Reply
from locales.i18n import Catalogs

CATALOGS = Catalogs(("ar", "fr", "en"), "ar")
AR, FR, EN = (CATALOGS.translator(locale) for locale in ("ar", "fr", "en"))
REGIONS_CSV = Path(__file__).parent.parent / "bot" / "data" / "regions.csv"
REGIONS = list(csv.DictReader(REGIONS_CSV.read_text(encoding="utf-8").splitlines()))
LONG_FRENCH = "Commune de Sidi Bennour — Région de Casablanca-Settat"


def region_options(language: str) -> tuple[Option, ...]:
    return tuple(Option(f"reg:{row['code']}", row[f"name_{language}"]) for row in REGIONS)


def interactive(body: dict) -> dict:
    assert body["type"] == "interactive"
    return body["interactive"]


# shortening


def test_a_label_that_fits_is_left_as_it_is():
    assert shortened("Région de l'Oriental", 24) == "Région de l'Oriental"
    assert shortened("جهة الشرق", 9) == "جهة الشرق"


@pytest.mark.parametrize(
    ("label", "limit", "expected"),
    [
        ("Région de Tanger-Tétouan-Al Hoceïma", 24, "Région de Tanger…"),
        ("Préfecture d'Inezgane-Aït Melloul", 24, "Préfecture d'Inezgane…"),
        ("Commune de Berkane — Région de l'Oriental", 24, "Commune de Berkane…"),
        ("Correct the collectivity name", 20, "Correct the…"),
        ("جهة العيون الساقية الحمراء", 24, "جهة العيون الساقية…"),
        ("جهة الرباط سلا القنيطرة", 20, "جهة الرباط سلا…"),
        ("طنجة تطوان الحسيمة", 12, "طنجة تطوان…"),
    ],
)
def test_a_long_label_is_cut_after_a_whole_word(label, limit, expected):
    result = shortened(label, limit)
    assert result == expected
    assert len(result) <= limit


def test_only_a_single_word_longer_than_the_room_is_cut_inside():
    assert shortened("Anticonstitutionnellement", 10) == "Anticonst…"
    assert shortened("الاستراتيجيات", 6) == "الاست…"


def test_a_cut_inside_a_word_keeps_each_letter_with_its_marks():
    word = "مُتَعَدِّدَةٌ"  # each letter followed by its harakat
    for limit in range(2, len(word)):
        head = shortened(word, limit).removesuffix("…")
        assert word.startswith(head) and len(head) + 1 <= limit
        assert not unicodedata.combining(word[len(head)]), f"a mark left behind at {limit}"


def test_an_isolate_opened_in_the_kept_words_is_closed():
    label = "التزام \u2068Open data Berkane\u2069 مع الشركاء"
    result = shortened(label, 16)
    assert result.count("\u2068") == result.count("\u2069") and len(result) <= 16


def test_the_length_can_be_counted_in_utf16_units():
    assert utf16_length(shortened("📱 Share my phone number", 12, utf16_length)) <= 12


WORD = st.text(alphabet="abcdeéàçابتثجحخدذرزسشصضطظعغفقكلمنهوي", min_size=1, max_size=14)


@given(st.lists(WORD, min_size=1, max_size=8), st.integers(min_value=2, max_value=40))
def test_shortened_text_is_whole_words_within_the_limit(words, limit):
    text = " ".join(words)
    result = shortened(text, limit)
    assert len(result) <= limit
    if len(text) <= limit:
        assert result == text
    elif len(words[0]) < limit:
        kept = result.removesuffix("…").split(" ")
        assert result.endswith("…") and kept == words[: len(kept)], "a word was cut"


def test_the_follow_up_template_shortens_the_commitment_on_a_word():
    commitment = "نشر بيانات الميزانية " * 10
    result = template_shortened(commitment)
    assert len(result) <= 100 and result.endswith("…")
    kept = result.removesuffix("…").split(" ")
    assert kept == commitment.split(" ")[: len(kept)], "a word was cut"


# the shapes


def test_three_short_options_are_reply_buttons():
    reply = Reply(
        "هل توافقون؟", (Option("yes", "نعم"), Option("no", "لا"), Option("later", "لاحقًا"))
    )
    [body] = render(reply, AR)
    message = interactive(body)
    assert message["type"] == "button"
    assert message["body"] == {"text": "هل توافقون؟"}
    assert message["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": "yes", "title": "نعم"}},
        {"type": "reply", "reply": {"id": "no", "title": "لا"}},
        {"type": "reply", "reply": {"id": "later", "title": "لاحقًا"}},
    ]


def test_a_label_too_long_for_a_button_makes_a_list_of_whole_labels():
    reply = Reply("Choose.", (Option("a", "Yes"), Option("b", "Correct the collectivity")))
    [body] = render(reply, EN)
    message = interactive(body)
    assert message["type"] == "list"
    assert [row["title"] for row in message["action"]["sections"][0]["rows"]] == [
        "Yes",
        "Correct the collectivity",
    ]


@pytest.mark.parametrize(("tr", "button"), [(AR, "اختيار"), (FR, "Choisir"), (EN, "Choose")])
def test_the_six_options_of_the_summary_are_a_list(tr, button):
    options = (
        Option("confirm", tr._("Confirm"), "yes"),
        Option("edit:name", tr._("Correct the name")),
        Option("edit:collectivity", tr._("Correct the collectivity")),
        Option("edit:position", tr._("Correct the position")),
        Option("edit:phone", tr._("Correct the phone")),
        Option("edit:email", tr._("Correct the email")),
    )
    [body] = render(Reply(tr._("Please check your details:"), options), tr)
    message = interactive(body)
    assert message["type"] == "list"
    assert message["action"]["button"] == button
    rows = message["action"]["sections"][0]["rows"]
    assert [row["id"] for row in rows] == [option.key for option in options]
    for row, option in zip(rows, options, strict=True):
        if row["title"] != option.label:
            assert row["title"].endswith("…") and row["description"] == option.label
        else:
            assert "description" not in row


def test_a_long_row_title_is_shortened_with_the_whole_label_below():
    options = (
        Option("c1", LONG_FRENCH),
        Option("c2", "Commune de Berkane"),
        Option("more", "Autre"),
    )
    [body] = render(Reply("Laquelle est la vôtre ?", options), FR)
    rows = interactive(body)["action"]["sections"][0]["rows"]
    assert rows[0] == {"id": "c1", "title": "Commune de Sidi Bennour…", "description": LONG_FRENCH}
    assert rows[1] == {"id": "c2", "title": "Commune de Berkane"}


def test_a_description_too_long_is_shortened_too():
    label = "Renforcer la participation citoyenne " * 3
    [body] = render(Reply("?", (Option("a", label), Option("b", "Autre"), Option("c", "x"))), FR)
    row = interactive(body)["action"]["sections"][0]["rows"][0]
    assert len(row["description"]) <= 72 and row["description"].endswith("…")
    assert label.startswith(row["description"].removesuffix("…"))


@pytest.mark.parametrize(("tr", "language"), [(AR, "ar"), (FR, "fr")])
def test_the_twelve_regions_are_numbered_text_answered_by_the_number(tr, language):
    options = region_options(language)
    bodies = render(Reply(tr._("Choose your region."), options), tr)
    assert [body["type"] for body in bodies] == ["text"]
    text = bodies[0]["text"]["body"]
    for number, option in enumerate(options, start=1):
        assert f"\n{number}. {option.label}\n" in text
    assert text.startswith(tr._("Choose your region."))
    assert text.endswith(tr._("Reply with the number of your choice."))


def test_a_text_longer_than_a_message_is_split_at_line_breaks():
    lines = [f"السطر {number}: " + "كلمة " * 30 for number in range(60)]
    text = "\n".join(lines)
    bodies = render(Reply(text), AR)
    assert len(bodies) > 1
    parts = [body["text"]["body"] for body in bodies]
    assert all(len(part) <= 4096 for part in parts)
    assert "\n".join(parts) == text, "every part ends at a line break"


def test_a_line_longer_than_a_message_is_split_at_spaces():
    text = "كلمة " * 1000
    parts = [body["text"]["body"] for body in render(Reply(text), AR)]
    assert len(parts) == 2 and all(len(part) <= 4096 for part in parts)
    assert all(word == "كلمة" for part in parts for word in part.split())


def test_a_text_of_1500_characters_with_options_goes_first_then_the_question():
    paragraph = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 5
    text = "\n".join([paragraph] * 5 + ["Where are you with it?"])
    assert 1400 < len(text) < 1600
    options = (Option("done", "Done"), Option("progress", "In progress"), Option("no", "Dropped"))
    first, last = render(Reply(text, options), EN)
    assert first["type"] == "text" and len(first["text"]["body"]) <= 1024
    message = interactive(last)
    assert message["type"] == "button"
    assert len(message["body"]["text"]) <= 1024
    assert message["body"]["text"].endswith("Where are you with it?")
    assert first["text"]["body"] + "\n" + message["body"]["text"] == text


def test_a_very_long_text_with_a_list_keeps_every_line():
    text = "\n".join(f"{number}. " + "word " * 40 for number in range(40))
    options = tuple(Option(f"o{index}", f"Option {index}") for index in range(5))
    bodies = render(Reply(text, options), EN)
    *texts, last = bodies
    assert [body["type"] for body in texts] == ["text"] * len(texts) and texts
    assert interactive(last)["type"] == "list"
    shown = "\n".join(
        [*(body["text"]["body"] for body in texts), last["interactive"]["body"]["text"]]
    )
    assert shown == text


@pytest.mark.parametrize("tr", [AR, FR, EN])
def test_the_phone_step_says_how_to_send_the_number_without_a_share_button(tr):
    reply = Reply(
        tr._(
            "Would you like to give a phone number, so that the organisers can reach you? "
            "You can type it, or skip this step."
        ),
        (Option("skip", tr._("Skip"), "skip"),),
        contact_request=tr._("Share my phone number"),
    )
    [body] = render(reply, tr)
    message = interactive(body)
    assert message["type"] == "button"
    assert message["body"]["text"].endswith(
        tr._("You can also send it as a contact card, from the attachment menu.")
    )
    assert message["action"]["buttons"][0]["reply"] == {"id": "skip", "title": tr._("Skip")}


def test_a_reply_with_a_document_is_the_senders_to_upload():
    document = Document("participants", "xlsx", "ar", "participants.xlsx")
    with pytest.raises(ValueError, match="uploaded by the sender"):
        render(Reply("التقرير", document=document), AR)


def test_a_text_without_options_is_one_text_message():
    assert render(Reply("مرحبًا"), AR) == [{"type": "text", "text": {"body": "مرحبًا"}}]


# the limits, checked by our code


def button_body(**change) -> dict:
    buttons = [{"type": "reply", "reply": {"id": "a", "title": "A"}}]
    interactive = {"type": "button", "body": {"text": "?"}, "action": {"buttons": buttons}}
    interactive.update(change)
    return {"type": "interactive", "interactive": interactive}


def list_body(rows=None, button="Choose", **section) -> dict:
    rows = rows if rows is not None else [{"id": "a", "title": "A"}]
    action = {"button": button, "sections": [{"rows": rows, **section}]}
    return {
        "type": "interactive",
        "interactive": {"type": "list", "body": {"text": "?"}, "action": action},
    }


def buttons(*titles: str, ids=None) -> dict:
    ids = ids or [f"b{index}" for index in range(len(titles))]
    replies = [
        {"type": "reply", "reply": {"id": key, "title": title}}
        for key, title in zip(ids, titles, strict=True)
    ]
    return button_body(action={"buttons": replies})


def rows(count: int, **row) -> list[dict]:
    return [{"id": f"r{index}", "title": f"Row {index}", **row} for index in range(count)]


@pytest.mark.parametrize(
    "body",
    [
        {"type": "text", "text": {"body": "x" * 4097}},
        {"type": "text", "text": {"body": "😀" * 2049}},
        button_body(body={"text": "x" * 1025}),
        button_body(header={"type": "text", "text": "x" * 61}),
        button_body(footer={"text": "x" * 61}),
        buttons("A", "B", "C", "D"),
        buttons("x" * 21),
        buttons("A", ids=["x" * 257]),
        list_body(button="x" * 21),
        list_body(rows(11)),
        list_body([{"id": "a", "title": "x" * 25}]),
        list_body([{"id": "a", "title": "A", "description": "x" * 73}]),
        list_body([{"id": "x" * 201, "title": "A"}]),
        list_body(title="x" * 25),
    ],
)
def test_a_body_beyond_whatsapps_limits_is_refused_by_our_check(body):
    with pytest.raises(MessageTooLarge):
        check_body(body)


@pytest.mark.parametrize(
    "body",
    [
        {"type": "text", "text": {"body": " "}},
        {"type": "audio", "audio": {}},
        buttons("Same", "Same"),
        buttons("A", "B", ids=["k", "k"]),
        list_body([]),
        list_body([{"id": "a", "title": "A"}, {"id": "a", "title": "B"}]),
        button_body(type="carousel"),
    ],
)
def test_a_body_of_the_wrong_shape_is_refused_by_our_check(body):
    with pytest.raises(InvalidMessage):
        check_body(body)


@pytest.mark.parametrize(
    "body",
    [
        {"type": "text", "text": {"body": "x" * 4096}},
        button_body(body={"text": "x" * 1024}),
        buttons("x" * 20, "y" * 20, "z" * 20),
        list_body(rows(10, description="x" * 72), button="x" * 20, title="x" * 24),
    ],
)
def test_a_body_at_the_limits_passes(body):
    assert check_body(body) is body


def test_every_rendered_body_is_checked(monkeypatch):
    monkeypatch.setattr(whatsapp_render, "MAX_ROW_TITLE", 10)
    monkeypatch.setattr(
        whatsapp_render, "_row", lambda key, label, title: {"id": key, "title": label}
    )
    with pytest.raises(MessageTooLarge):
        render(Reply("?", tuple(Option(f"k{i}", f"A long label {i}") for i in range(5))), EN)


def test_split_text_counts_with_the_length_it_is_given():
    parts = split_text("ab cd ef", 5, len)
    assert all(len(part) <= 5 for part in parts) and " ".join(parts).split() == ["ab", "cd", "ef"]
    assert split_text("😀😀😀", 4, utf16_length) == ["😀😀", "😀"]


def test_two_options_with_the_same_label_are_not_buttons():
    options = (Option("c1", "Commune de Berkane"), Option("c2", "Commune de Berkane"))
    [body] = render(Reply("Laquelle ?", options), FR)
    assert interactive(body)["type"] == "list"


@pytest.mark.parametrize(
    ("tr", "wording", "names"),
    [
        (EN, "I'd like to connect with {name}", ["Karim Benali", "Amal Idrissi", "Dalia"]),
        (AR, "أرغب في التواصل مع {name}", ["\u2068Karim Benali\u2069", "\u2068Dalia\u2069"]),
    ],
)
def test_rows_that_would_read_the_same_show_what_tells_them_apart(tr, wording, names):
    options = [Option(f"match:ask:{i}", wording.format(name=name)) for i, name in enumerate(names)]
    options.append(Option("later", "Later"))
    [body] = render(Reply("?", tuple(options)), tr)
    rows = interactive(body)["action"]["sections"][0]["rows"]
    assert [row["title"] for row in rows] == [*names, "Later"]
    assert [row.get("description") for row in rows[:-1]] == [o.label for o in options[:-1]]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("In 3 months (21 February 2025)", "In 3 months…"),
        ("Those present (checked in)", "Those present…"),
        ("في غضون ثلاثة أشهر (\u20681 فبراير 2025\u2069)", "في غضون ثلاثة أشهر…"),
        ("(ab cd ef gh ij kl mn op qr st)", "(ab cd ef gh ij kl mn…"),
    ],
)
def test_a_cut_moves_before_brackets_and_isolated_values(label, expected):
    assert shortened(label, 24) == expected
