"""The matching core: the pair score and its reasons, suggestions, rounds of pairs and tables."""

from itertools import combinations

import pytest
from generated_profiles import THEMES, population
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.matching import (
    DEFAULT_WEIGHTS,
    Matcher,
    MatchingImpossible,
    MatchWeights,
    Profile,
    TextVectors,
    meetings,
    pairs,
    reasons,
    table_sizes,
    tables,
    text_key,
    theme_score,
)


def person(pid, coll=None, region="01", kind="commune", offers=(), seeks=(), text=""):
    return Profile(
        pid, pid if coll is None else coll, region, kind, frozenset(offers), frozenset(seeks), text
    )


# The score's parts


def test_complementarity_counts_both_ways_and_weighs_most() -> None:
    w = MatchWeights(other_region=0, other_kind=0)
    a = person(1, offers={"participatory_budgeting"}, seeks={"open_data_transparency"})
    b = person(2, offers={"open_data_transparency"}, seeks={"participatory_budgeting"})
    one_way = person(3, offers={"open_data_transparency"})
    # Two complementary themes, each also named by both.
    assert theme_score(a, b, w) == 2 * w.complementarity + 2 * w.shared_theme
    assert theme_score(a, one_way, w) == w.complementarity + w.shared_theme
    both_offer = person(4, offers={"participatory_budgeting"})
    assert theme_score(a, both_offer, w) == w.shared_theme
    assert DEFAULT_WEIGHTS.complementarity > max(
        DEFAULT_WEIGHTS.shared_theme, DEFAULT_WEIGHTS.text, DEFAULT_WEIGHTS.other_region
    )


def test_diversity_bonus_for_another_region_and_kind() -> None:
    w = DEFAULT_WEIGHTS
    a = person(1, region="01", kind="commune")
    assert theme_score(a, person(2, region="01", kind="commune"), w) == 0
    assert theme_score(a, person(2, region="05", kind="commune"), w) == w.other_region
    assert theme_score(a, person(2, region="01", kind="province"), w) == w.other_kind


def test_reasons_name_what_each_offers_the_other() -> None:
    a = person(1, region="01", offers={"participatory_budgeting", "capacity_building"})
    b = person(
        2,
        region="04",
        kind="region",
        offers={"digital_services"},
        seeks={"participatory_budgeting"},
    )
    a = Profile(1, 1, "01", "commune", a.offers, frozenset({"digital_services"}), "")
    why = reasons(a, b)
    assert why.a_offers_b_seeks == {"participatory_budgeting"}
    assert why.b_offers_a_seeks == {"digital_services"}
    assert why.shared == {"participatory_budgeting", "digital_services"}
    assert why.other_region and why.other_kind
    assert reasons(b, a).a_offers_b_seeks == {"digital_services"}


def test_text_key_takes_off_proclitics_article_and_plural() -> None:
    assert text_key("والميزانيات بالميزانية للميزانية") == ["ميزاني", "ميزاني", "ميزاني"]
    assert text_key("Budget PARTICIPATIF") == ["budget", "participatif"]


def test_text_similarity_is_robust_to_arabic_morphology() -> None:
    vectors = TextVectors(
        {
            1: "تجربة الميزانية التشاركية",
            2: "وبالميزانيات التشاركية في جماعتنا",
            3: "التعاون اللامركزي والتوأمة",
            4: "تجربة الميزانية التشاركية",
        }
    )
    assert vectors.similarity(1, 4) == pytest.approx(1.0)
    assert vectors.similarity(1, 2) > 0.4
    assert vectors.similarity(1, 3) < 0.1
    assert vectors.similarity(1, 99) == 0.0


def test_score_adds_text_similarity() -> None:
    a = person(1, text="le budget participatif")
    b = person(2, text="budget participatif des jeunes")
    c = person(3, text="jumelage")
    matcher = Matcher([a, b, c])
    assert matcher.score(a, b) > matcher.score(a, c) == 0
    assert matcher.reasons(a, b).text_similarity > 0


# Hard constraints and suggestions


def test_same_collectivity_and_do_not_match_are_never_allowed() -> None:
    a = person(1, coll=7, offers={"digital_services"})
    b = person(2, coll=7, seeks={"digital_services"})
    c = person(3, seeks={"digital_services"})
    d = person(4, seeks={"digital_services"})
    matcher = Matcher([a, b, c, d], do_not_match={frozenset({1, 3})})
    assert not matcher.allowed(a, b)
    assert not matcher.allowed(a, c)
    assert matcher.allowed(a, d)
    assert [s.participant_id for s in matcher.suggestions()[1]] == [4]


def test_suggestions_rank_complementary_partner_first_with_reasons() -> None:
    me = person(1, offers={"participatory_budgeting"}, seeks={"open_data_transparency"})
    helper = person(2, offers={"open_data_transparency"}, seeks={"participatory_budgeting"})
    same_interest = person(3, seeks={"open_data_transparency"})
    other = person(4, region="09", offers={"environment_climate"})
    top = Matcher([me, helper, same_interest, other]).suggestions(k=2)[1]
    assert [s.participant_id for s in top] == [2, 3]
    assert top[0].reasons.b_offers_a_seeks == {"open_data_transparency"}
    assert top[0].reasons.a_offers_b_seeks == {"participatory_budgeting"}


def test_someone_with_rare_interests_still_gets_suggestions_by_diversity() -> None:
    loner = person(1, offers={"monitoring_evaluation"})
    others = [person(i, region=f"{i:02d}", offers={"digital_services"}) for i in range(2, 5)]
    nobody = person(9)
    result = Matcher([loner, *others, nobody]).suggestions(k=5)
    assert {s.participant_id for s in result[1]} == {2, 3, 4}
    assert result[9] == []
    assert 9 not in {s.participant_id for s in result[2]}


profiles_strategy = st.integers(min_value=2, max_value=40).flatmap(
    lambda n: st.tuples(st.just(n), st.integers(min_value=0, max_value=10_000))
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles_strategy, st.integers(min_value=1, max_value=6))
def test_suggestions_are_allowed_best_first_and_leave_nobody_out(case, k) -> None:
    n, seed = case
    people = population(n, seed=seed)
    dnm = {frozenset({people[0].participant_id, people[-1].participant_id})}
    matcher = Matcher(people, do_not_match=dnm)
    result = matcher.suggestions(k=k)
    for a in people:
        got = result[a.participant_id]
        allowed = [b for b in people if matcher.allowed(a, b) and b.has_interests]
        if a.has_interests and allowed:
            assert got, a
        assert len(got) == min(k, len(allowed)) if a.has_interests else not got
        for s in got:
            assert matcher.allowed(a, matcher.by_id[s.participant_id])
        scores = [s.score for s in got]
        assert scores == sorted(scores, reverse=True)
        # Small populations are within the candidate budget: the top is the true best.
        if got:
            best = max(matcher.score(a, b) for b in allowed)
            assert scores[0] == pytest.approx(best)


# Rounds


def test_table_sizes_stay_within_bounds() -> None:
    assert table_sizes(12, 4) == [4, 4, 4]
    assert table_sizes(13, 4) == [5, 4, 4]
    assert table_sizes(10, 4) == [4, 3, 3]
    assert table_sizes(11, 5) == [4, 4, 3]
    assert table_sizes(3, 5) == [3]
    with pytest.raises(MatchingImpossible):
        table_sizes(2, 3)
    with pytest.raises(ValueError):
        table_sizes(10, 6)
    for n in range(3, 80):
        for size in (3, 4, 5):
            sizes = table_sizes(n, size)
            assert sum(sizes) == n and all(3 <= s <= 5 for s in sizes)


def test_odd_headcount_makes_one_trio() -> None:
    people = population(11, seed=3, per_collectivity=1)
    groups = pairs(people)
    assert sorted(len(g) for g in groups) == [2, 2, 2, 2, 3]


def test_pairs_says_so_when_constraints_cannot_hold() -> None:
    same = [person(i, coll=1) for i in range(1, 5)]
    with pytest.raises(MatchingImpossible):
        pairs(same)
    two = [person(1), person(2)]
    assert pairs(two) == [(1, 2)]
    with pytest.raises(MatchingImpossible):
        pairs(two, met={frozenset({1, 2})})
    with pytest.raises(MatchingImpossible):
        pairs(two, do_not_match={frozenset({1, 2})})
    with pytest.raises(MatchingImpossible):
        pairs([person(1)])
    assert pairs([]) == []


def test_tables_say_so_when_everyone_has_met() -> None:
    people = [person(i) for i in range(1, 7)]
    met = meetings([tuple(range(1, 7))])
    with pytest.raises(MatchingImpossible):
        tables(people, 3, met)


def test_pairs_prefer_the_complementary_pairing() -> None:
    a = person(1, offers={"participatory_budgeting"}, seeks={"open_data_transparency"})
    b = person(2, offers={"open_data_transparency"}, seeks={"participatory_budgeting"})
    c = person(3, offers={"environment_climate"}, seeks={"digital_services"})
    d = person(4, offers={"digital_services"}, seeks={"environment_climate"})
    assert sorted(pairs([a, c, b, d])) == [(1, 2), (3, 4)]


def check_round(people, groups, met, dnm, sizes) -> None:
    seated = [p for g in groups for p in g]
    assert sorted(seated) == sorted(p.participant_id for p in people)
    by_id = {p.participant_id: p for p in people}
    for g in groups:
        assert len(g) in sizes
        for x, y in combinations(g, 2):
            assert by_id[x].collectivity_id != by_id[y].collectivity_id
            assert frozenset({x, y}) not in met
            assert frozenset({x, y}) not in dnm


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=6, max_value=40),
    st.integers(min_value=0, max_value=10_000),
    st.one_of(st.none(), st.integers(min_value=3, max_value=5)),
    st.integers(min_value=1, max_value=4),
)
def test_rounds_keep_every_hard_constraint(n, seed, size, rounds) -> None:
    people = population(n, seed=seed)
    ids = [p.participant_id for p in people]
    dnm = {frozenset({ids[0], ids[1]}), frozenset({ids[2], ids[-1]})}
    matcher = Matcher(people, do_not_match=dnm)
    met: set[frozenset[int]] = set()
    for _ in range(rounds):
        try:
            if size is None:
                groups = pairs(people, met, matcher)
            else:
                groups = tables(people, size, met, matcher)
        except MatchingImpossible:
            # Only a crowded group (few people for many rounds) may run out of new people.
            assert n < 3 * rounds * (size or 2) + 4, (n, seed, size, rounds)
            return
        sizes = {2, 3} if size is None else set(table_sizes(n, size))
        check_round(people, groups, met, dnm, sizes)
        met |= meetings(groups)


def test_many_rounds_without_a_repeat() -> None:
    people = population(60, seed=1)
    matcher = Matcher(people)
    met: set[frozenset[int]] = set()
    for _ in range(6):
        groups = tables(people, 4, met, matcher)
        check_round(people, groups, met, set(), {4})
        met |= meetings(groups)
    for _ in range(5):
        groups = pairs(people, met, matcher)
        check_round(people, groups, met, set(), {2})
        met |= meetings(groups)


def test_themes_of_the_generated_population_are_the_shipped_slugs() -> None:
    people = population(200, seed=5)
    assert set().union(*(p.themes for p in people)) <= set(THEMES)
    assert len(THEMES) == 12
