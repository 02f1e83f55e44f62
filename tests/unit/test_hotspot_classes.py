"""The six classes at their edges, and the sentence the police chief reads for each, in Dutch and English.

The edges are the shares in `analytics/hotspots/classes.py`'s docstring: a run of at most two months is
still *new*, half the baseline months is enough for *historical* and *diminishing*, three quarters for
*persistent*; a rising share counts only with more reports than expected. The sentences are what the page,
the command line and the meeting pack show: written out here in full, as the README's example reads.
"""

from __future__ import annotations

import pytest

from analytics.hotspots.classes import Evidence, classify, reason


def evidence(hot_months: list[bool], current: int, expected: float = 3.0, **flags) -> Evidence:
    return Evidence(
        current=current,
        expected=expected,
        baseline_hot=tuple(hot_months),
        excess=flags.get("excess", False),
        rising=flags.get("rising", False),
        falling=flags.get("falling", False),
        min_samples=4,
        fresh=flags.get("fresh", False),
    )


NONE, HALF = [False] * 12, [True, False] * 6
FIVE_OF_TWELVE = [True, False] * 5 + [False, False]


@pytest.mark.parametrize(
    ("hot", "current", "flags", "expected_class"),
    [
        ([False] * 10 + [True, True], 9, {"excess": True}, "new"),  # a run of exactly two months: still new
        ([False] * 9 + [True] * 3, 9, {"excess": True}, "intensifying"),  # three: no longer new
        (HALF, 2, {"falling": True}, "diminishing"),  # exactly half the months: enough
        (FIVE_OF_TWELVE, 2, {"falling": True}, "sporadic"),  # five of twelve: not enough
        (HALF, 2, {}, "historical"),
        (FIVE_OF_TWELVE, 2, {}, "sporadic"),
        ([True] * 9 + [False] * 3, 5, {}, "persistent"),  # exactly three quarters
        ([True] * 8 + [False] * 4, 5, {}, "sporadic"),
        ([True], 5, {}, "persistent"),  # one baseline month, a concentration then and now
        ([], 5, {"excess": True}, "new"),  # no baseline months at all
    ],
)
def test_classes_at_their_edges(hot, current, flags, expected_class):
    assert classify(evidence(hot, current, **flags)) == expected_class


def test_a_rising_share_needs_strictly_more_reports_than_expected():
    assert classify(evidence([True] * 12, 6, expected=6.0, rising=True)) == "persistent"
    assert classify(evidence([True] * 12, 7, expected=6.0, rising=True)) == "intensifying"


SENTENCES = {
    ("new", "nl"): "9 meldingen sluikstort in oktober 2026 binnen 80 m, verwacht 2,5; "
    "voorheen geen concentratie: nieuw",
    ("new", "en"): "9 reports sluikstort in October 2026 within 80 m, expected 2,5; no concentration before: new",
    ("new_run", "nl"): "9 meldingen sluikstort in oktober 2026 binnen 80 m, verwacht 2,5; "
    "pas sinds 3 maanden een concentratie, voordien niet: nieuw",
    ("new_run", "en"): "9 reports sluikstort in October 2026 within 80 m, expected 2,5; "
    "a concentration only for the last 3 months, not before: new",
    ("intensifying", "nl"): "9 meldingen sluikstort in oktober 2026 binnen 80 m, verwacht 2,5; "
    "6 van de 12 vorige maanden een concentratie, aandeel stijgt, nu duidelijk meer: toenemend",
    ("intensifying", "en"): "9 reports sluikstort in October 2026 within 80 m, expected 2,5; "
    "a concentration in 6 of the previous 12 months, share rising, clearly more now: intensifying",
    ("persistent", "nl"): "9 meldingen sluikstort in oktober 2026 binnen 80 m, verwacht 2,5; "
    "12 van de 12 vorige maanden een concentratie, geen duidelijke verandering: blijvend",
    ("historical", "en"): "1 report sluikstort in October 2026 within 80 m, expected 2,5; "
    "a concentration in 6 of the previous 12 months, none now: historical",
    ("sporadic_fresh", "nl"): "9 meldingen sluikstort in oktober 2026 binnen 80 m, verwacht 2,5; "
    "voor een plek die pas deze maand opvalt niet uitzonderlijk: sporadisch",
    ("sporadic_hot", "en"): "9 reports sluikstort in October 2026 within 80 m, expected 2,5; "
    "a concentration in 5 of the previous 12 months, now not clearly more than expected: sporadic",
    ("sporadic_quiet", "nl"): "1 melding sluikstort in oktober 2026 binnen 80 m, verwacht 2,5; "
    "5 van de 12 vorige maanden een concentratie, nu geen concentratie: sporadisch",
}
CASES = {
    "new": (NONE, 9, {}, "new"),
    "new_run": ([False] * 10 + [True, True], 9, {}, "new"),
    "intensifying": (HALF, 9, {"rising": True}, "intensifying"),
    "persistent": ([True] * 12, 9, {}, "persistent"),
    "historical": (HALF, 1, {}, "historical"),
    "sporadic_fresh": (NONE, 9, {"fresh": True}, "sporadic"),
    "sporadic_hot": (FIVE_OF_TWELVE, 9, {}, "sporadic"),
    "sporadic_quiet": (FIVE_OF_TWELVE, 1, {}, "sporadic"),
}


@pytest.mark.parametrize(("case", "lang"), sorted(SENTENCES))
def test_the_sentence_of_each_class(case, lang):
    hot, current, flags, klass = CASES[case]
    month = {"nl": "oktober 2026", "en": "October 2026"}[lang]
    # a radius of 77,6 m is said as 80 m: to ten metres, as a person says it
    said = reason(evidence(hot, current, expected=2.5, **flags), klass, "sluikstort", month, 77.6, lang)
    assert said == SENTENCES[(case, lang)]


@pytest.mark.parametrize(("radius", "said"), [(3.0, "10 m"), (14.9, "10 m"), (15.1, "20 m"), (240.0, "240 m")])
def test_the_radius_is_said_to_ten_metres_and_never_under_ten(radius, said):
    sentence = reason(evidence(NONE, 9), "new", "sluikstort", "oktober 2026", radius, "nl")
    assert f"binnen {said}," in sentence


def test_without_a_rising_share_the_sentence_does_not_say_so_and_dutch_is_the_default():
    intensifying = evidence(HALF, 9, expected=2.5, excess=True)
    assert classify(intensifying) == "intensifying"
    assert reason(intensifying, "intensifying", "sluikstort", "oktober 2026", 77.6) == (
        "9 meldingen sluikstort in oktober 2026 binnen 80 m, verwacht 2,5; "
        "6 van de 12 vorige maanden een concentratie, nu duidelijk meer: toenemend"
    )
