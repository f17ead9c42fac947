"""Each flow's draft has a declared shape; what a stored state holds beyond it is left out."""

from __future__ import annotations

from sqlalchemy import select
from transcript import Person

from db.models import DialogueState
from handlers.draft import NoDraft
from handlers.registration import RegistrationDraft


def test_a_fresh_draft_is_stored_as_nothing_and_a_filled_one_comes_back_whole():
    assert RegistrationDraft().dump() == {}
    assert NoDraft().dump() == {}
    draft = RegistrationDraft(
        full_name="Hind Berrada", collectivity_id=7, phone=None, suggestions=[3, 4], page=2
    )
    assert draft.dump() == {
        "full_name": "Hind Berrada",
        "collectivity_id": 7,
        "suggestions": [3, 4],
        "page": 2,
    }
    assert RegistrationDraft.load(draft.dump()) == draft


def test_values_of_the_wrong_type_and_unknown_keys_are_left_out():
    loaded = RegistrationDraft.load(
        {
            "full_name": "Hind Berrada",
            "collectivity_id": True,
            "page": "2",
            "suggestions": [1, "two"],
            "editing": 1,
            "region": "02",
            "_options": [],
            "nickname": "H",
        }
    )
    assert loaded == RegistrationDraft(full_name="Hind Berrada", region="02")
    assert RegistrationDraft.load(None) == RegistrationDraft()


async def test_a_stored_draft_with_a_broken_value_lets_the_person_go_on(app):
    ali = Person(app.conversation, "8030")
    await ali.begins("English")
    await ali.says("Ali Amrani")
    await ali.taps("Browse by region")
    await ali.taps_key("reg:02")
    first_page = ali.labels
    assert "More" in first_page
    async with app.database.unit_of_work() as session:
        state = await session.scalar(select(DialogueState))
        state.data = {**state.data, "draft": {**state.data["draft"], "page": "one"}}
    await ali.taps("More")
    assert ali.labels and ali.labels[0] not in first_page
    async with app.database.unit_of_work() as session:
        state = await session.scalar(select(DialogueState))
        assert state.data["draft"] == {"full_name": "Ali Amrani", "region": "02", "page": 1}
