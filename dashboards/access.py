"""Who may see what: the one place the pages ask before showing an individual warden's whereabouts.

Individual tracks, live positions and overview lists of passages are personal data of the wardens
(domain.md: only pseudonymous codes, and individual tracks for the coordinator only). Roles arrive
with a later issue; until then this answers True, and the security work changes only this module.
Aggregates per hot spot (the coverage page) are not individual tracks and need no check.
"""
from __future__ import annotations


def can_see_individual_tracks() -> bool:
    """Whether the current request may see individual tracks, positions and passages of wardens."""
    return True
