"""Warden coverage: visits to the defined hot spots, dosage, duty days, live positions, overview lists.

The package's modules: `detection` (the rules of a visit; visits from candidate fixes), `visits`
(materialising visits, duty days and presence cells; the incremental refresh), `outdated` (whether a
refresh is due), `background` (the refresh in a thread of the app), `footprint` (the exact inside
test), `dosage` (per hot spot and period, demand against dosage, the warden-hours estimate), `days`
(the daily overview), `live` (last positions, who is nearest) and `overview` (the *overzichtslijst*:
visits and reports near a point).
"""

from analytics.coverage.detection import DEFAULT_RULES, VisitRules
from analytics.coverage.outdated import is_pending, pending
from analytics.coverage.visits import RefreshResult, rebuild, refresh, refresh_visits

__all__ = [
    "DEFAULT_RULES",
    "RefreshResult",
    "VisitRules",
    "is_pending",
    "pending",
    "rebuild",
    "refresh",
    "refresh_visits",
]
