"""The six classes of a hot spot and the sentence that explains one, from its monthly history.

Esri's Emerging Hot Spot Analysis is the reference; its classes are defined on a space-time cube of
significant Gi* hot spots per time step (with "90 % of the time steps" as its yardstick). Here the
time step is a calendar month and a footprint is a *concentration* in a month when it holds at
least `min_samples` reports of its categories (the same threshold that lets DBSCAN call a group of
reports a cluster). Over the `baseline_months` months before the current one (12 by default):

new            a concentration this month, significantly more reports than its baseline (or a
               significantly rising share), and no concentration in the baseline months except an
               unbroken run of at most `new_run_months` months leading up to this one
               (Esri's *new* and *consecutive* together).
intensifying   a concentration this month that was a concentration before, with significantly
               more reports this month than its baseline, or a significantly rising share of its
               categories with more reports than expected this month (Esri: *intensifying*).
diminishing    a concentration in at least `historical_share` of the baseline months whose share
               falls significantly, with reports still coming in this month (Esri: *diminishing*;
               a fading spot often falls below the threshold before it is gone, so being a
               concentration this month is not required).
persistent     a concentration this month and in at least `persistent_share` of the baseline
               months, without a significant change (Esri: *persistent*).
historical     not a concentration this month, but in at least `historical_share` of the baseline
               months (Esri: *historical*).
sporadic       the rest: on and off, a concentration in some months, without a significant rise
               (Esri: *sporadic* and *oscillating*).

`emerging` is true for new and intensifying: the flags the meeting acts on.
"""

from __future__ import annotations

from dataclasses import dataclass

from civ.formatting import number
from civ.i18n import translate

CLASSES = ("new", "intensifying", "persistent", "diminishing", "sporadic", "historical")
EMERGING = frozenset({"new", "intensifying"})
CLASS_NL = {c: translate(f"hotspots.reason.class.{c}", "nl") for c in CLASSES}  # 'nieuw', for the command line


@dataclass(frozen=True)
class Evidence:
    """What the classes are decided on, for one footprint in one month."""

    current: int  # reports this month
    expected: float  # what the baseline and the territory's month predict
    baseline_hot: tuple[bool, ...]  # concentration in each baseline month, oldest first
    excess: bool  # excess test significant after the false-discovery correction
    rising: bool  # share rising significantly (corrected)
    falling: bool  # share falling significantly (corrected)
    min_samples: int
    fresh: bool = False  # footprint drawn around this month's reports (no earlier clusters there)

    @property
    def hot_now(self) -> bool:
        return self.current >= self.min_samples

    @property
    def run(self) -> int:
        """Consecutive concentration months that lead up to this one (this one excluded)."""
        run = 0
        for hot in reversed(self.baseline_hot):
            if not hot:
                break
            run += 1
        return run

    @property
    def hot_months(self) -> int:
        return sum(self.baseline_hot)


def classify(
    e: Evidence, new_run_months: int = 2, persistent_share: float = 0.75, historical_share: float = 0.5
) -> str:
    """The class of one footprint (see the module docstring for the definitions)."""
    months = max(len(e.baseline_hot), 1)
    above = e.excess or (e.rising and e.current > e.expected)
    if e.hot_now and above:
        earlier = e.hot_months - e.run  # concentrations before the current run
        if earlier == 0 and e.run <= new_run_months:
            return "new"
        return "intensifying"
    if e.falling and e.hot_months >= historical_share * months and e.current >= 1:
        return "diminishing"
    if e.hot_now and e.hot_months >= persistent_share * months:
        return "persistent"
    if not e.hot_now and e.hot_months >= historical_share * months:
        return "historical"
    return "sporadic"


def reason(e: Evidence, klass: str, what: str, month_label: str, radius_m: float, lang: str = "nl") -> str:
    """One sentence a police chief can repeat in the meeting, in `lang` (civ/messages/hotspots.py).

    `what`: the categories in words ('sluikstort', 'afval (sluikstort, zwerfvuil)');
    `month_label`: 'oktober 2026'. Numbers are written the Belgian way in every language.
    """
    months = len(e.baseline_hot)
    radius = max(10, int(round(radius_m / 10.0)) * 10)
    noun = translate("hotspots.reason.one" if e.current == 1 else "hotspots.reason.many", lang)
    head = translate(
        "hotspots.reason.head",
        lang,
        current=e.current,
        noun=noun,
        what=what,
        month=month_label,
        radius=radius,
        expected=number(e.expected, 1),
    )
    before = translate("hotspots.reason.before", lang, hot=e.hot_months, months=months)
    if klass == "new":
        tail = (
            translate("hotspots.reason.new_run", lang, run=e.run + 1)
            if e.run
            else translate("hotspots.reason.new", lang)
        )
    elif klass == "sporadic" and e.hot_now:
        tail = translate(
            "hotspots.reason.sporadic_fresh" if e.fresh else "hotspots.reason.sporadic_hot", lang, before=before
        )
    else:
        rising = translate("hotspots.reason.rising", lang) if e.rising else ""
        tail = translate(f"hotspots.reason.{klass}", lang, before=before, rising=rising)
    return translate(
        "hotspots.reason.sentence", lang, head=head, tail=tail, klass=translate(f"hotspots.reason.class.{klass}", lang)
    )
