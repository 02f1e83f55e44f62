"""Where to look: this month's concentrations of reports, and the places that were one before.

DBSCAN (scikit-learn) in metres on the located reports of each month, per category group and once
over all categories together: a cluster is at least `min_samples` reports that each have that many
neighbours within `eps_m` (or are within `eps_m` of one that has). The months are clustered one by
one, this month and the baseline months; the clusters' centres are then linked into places when
they lie within `eps_m` of each other (single linkage). Each place becomes at most one candidate:

month     a cluster this month at a place with clusters in fewer than two baseline months; its
          footprint is drawn around this month's reports (the detector corrects its test for that);
known     a cluster this month at a place with clusters in two baseline months or more; its
          footprint is drawn around the reports of those earlier clusters only, so this month's
          reports are counted in it, not used to draw it: the outline of all of them joined with
          (convex hull of both) the outline of the clusters of the last `RECENT_MONTHS` months before this one (where
          the place is now, when it spread);
history   no cluster this month, clusters in two baseline months or more.

A footprint is the convex hull of the reports that drew it (without the farthest fifth when there
are ten or more, so one stray report does not stretch it), widened by `buffer_m`. An
all-categories candidate of which one group holds two thirds of the reports, where that group has
its own candidate, is left out: the group's candidate says it more precisely.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely
from sklearn.cluster import DBSCAN

from analytics.hotspots import footprints

ALL = "alle"  # the all-categories search
EXPLAINED_SHARE = 2 / 3  # a group with this share of an all-categories candidate explains it
RECENT_MONTHS = 3  # the months before this one whose clusters say where a place is now


@dataclass
class Candidate:
    group: str  # category group searched, or ALL
    source: str  # 'month', 'known' or 'history' (see the module docstring)
    polygon: shapely.Polygon  # footprint in Lambert 72 metres
    members: np.ndarray  # row numbers (into the detector's sorted frame) of the clusters' reports
    stats: dict = field(default_factory=dict)


def clusters(x: np.ndarray, y: np.ndarray, eps_m: float, min_samples: int) -> list[np.ndarray]:
    """DBSCAN clusters of the points, as arrays of their positions."""
    if len(x) < min_samples:
        return []
    labels = DBSCAN(eps=eps_m, min_samples=min_samples, algorithm="kd_tree").fit_predict(np.column_stack([x, y]))
    return [np.flatnonzero(labels == k) for k in range(labels.max() + 1)]


def outline(x: np.ndarray, y: np.ndarray, buffer_m: float) -> shapely.Polygon:
    """The footprint drawn around reports (see the module docstring)."""
    if len(x) >= 10:
        distance = np.hypot(x - np.median(x), y - np.median(y))
        keep = distance <= np.quantile(distance, 0.8)
        x, y = x[keep], y[keep]
    return footprints.footprint(x, y, buffer_m)


def searches(frame: pd.DataFrame, by_group: bool, all_categories: bool) -> list[tuple[str, np.ndarray]]:
    """(name, row mask) of every search: each category group, then all categories together."""
    result = []
    if by_group:
        for name in sorted(frame["category_group"].unique()):
            result.append((str(name), (frame["category_group"] == name).to_numpy()))
    if all_categories and (not by_group or frame["category_group"].nunique() > 1):
        result.append((ALL, np.ones(len(frame), dtype=bool)))
    return result


def find_candidates(
    frame: pd.DataFrame,
    *,
    now: int,
    first_baseline: int,
    eps_m: float,
    min_samples: int,
    buffer_m: float,
    by_group: bool = True,
    all_categories: bool = True,
) -> list[Candidate]:
    """The candidates of month index `now` (frame columns t, x, y, category_group)."""
    t = frame["t"].to_numpy()
    x, y = frame["x"].to_numpy(), frame["y"].to_numpy()
    candidates: list[Candidate] = []
    for group, in_group in searches(frame, by_group, all_categories):
        found = []  # (month, members)
        for month in range(first_baseline, now + 1):
            rows = np.flatnonzero(in_group & (t == month))
            found += [(month, rows[members]) for members in clusters(x[rows], y[rows], eps_m, min_samples)]
        if not found:
            continue
        centres = np.array([np.median(np.column_stack([x[m], y[m]]), axis=0) for _, m in found])
        place = DBSCAN(eps=eps_m, min_samples=1, algorithm="kd_tree").fit_predict(centres)
        for label in range(place.max() + 1):
            parts = [found[i] for i in np.flatnonzero(place == label)]
            current = [m for month, m in parts if month == now]
            past = [m for month, m in parts if month != now]
            past_months = {month for month, _ in parts if month != now}
            # the place as it is now: beside the footprint of all its earlier clusters, the one of its
            # clusters of the last `RECENT_MONTHS` months before this one (a place that spreads while
            # it gets worse would otherwise be judged on its old, smaller outline)
            recent = [m for month, m in parts if now - RECENT_MONTHS <= month < now]
            if current and len(past_months) >= 2:
                source, drawn, members = "known", past, current + past
            elif current:
                source, drawn, members = "month", current, current
            elif len(past_months) >= 2:
                source, drawn, members = "history", past, past
            else:
                continue
            drawn = np.unique(np.concatenate(drawn))
            polygon = outline(x[drawn], y[drawn], buffer_m)
            if source != "month" and recent:
                near = np.unique(np.concatenate(recent))
                polygon = polygon.union(outline(x[near], y[near], buffer_m)).convex_hull
                shapely.prepare(polygon)
            candidates.append(Candidate(group, source, polygon, np.unique(np.concatenate(members))))
    return _drop_explained(frame, candidates)


def _drop_explained(frame: pd.DataFrame, candidates: list[Candidate]) -> list[Candidate]:
    if not candidates:
        return candidates
    groups = frame["category_group"].to_numpy(dtype=object)
    tree = shapely.STRtree([candidate.polygon for candidate in candidates])
    kept = []
    for candidate in candidates:
        if candidate.group == ALL:
            names, counts = np.unique(groups[candidate.members], return_counts=True)
            top, share = names[np.argmax(counts)], counts.max() / len(candidate.members)
            others = (candidates[int(i)] for i in tree.query(candidate.polygon, predicate="intersects"))
            explained = any(
                other.group == top and (other.source == "history") == (candidate.source == "history")
                for other in others
            )
            if share >= EXPLAINED_SHARE and explained:
                continue
        kept.append(candidate)
    return kept
