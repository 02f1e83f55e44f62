"""Emerging hot spots: where reports concentrate this month, and whether that is new or growing.

detector.py     EmergingHotspots, the estimator (parameters, fit, results_)
candidates.py   where to look: DBSCAN clusters in metres per month, linked into places
footprints.py   Lambert 72 metres, footprints, GeoJSON, defined hot spots
statistics.py   the tests and their null hypotheses (exact conditional binomial, Mann–Kendall)
classes.py      the six classes (new, intensifying, persistent, diminishing, sporadic, historical)
                and the Dutch (and English) reason
runs.py         reading the store, runs stored in DuckDB and reused
view.py         what the page selects from a run
(the check against planted patterns lives in analytics/evaluation/: it writes and loads files)
"""

from analytics.hotspots.classes import CLASS_NL, CLASSES, EMERGING

__all__ = ["CLASSES", "CLASS_NL", "EMERGING", "EmergingHotspots"]


def __getattr__(name: str):
    # the estimator pulls in scikit-learn: only when it is asked for, so `python -m analytics compstat`
    # does not pay for it
    if name == "EmergingHotspots":
        from analytics.hotspots.detector import EmergingHotspots

        return EmergingHotspots
    raise AttributeError(name)
