"""What the hot-spot page shows of a run: a selection of its results, the candidates for the wardens'
list, and how the defined hot spots fared. Plain functions over the results frame (no Dash here).
"""

from __future__ import annotations

import pandas as pd

from analytics.hotspots.candidates import ALL
from analytics.hotspots.classes import CLASSES

# Classes that say "reports keep coming here": worth a place on the wardens' list when not on it yet.
LIST_WORTHY = ("new", "intensifying", "persistent")


def select(results: pd.DataFrame, group: str | None = None, klass: str | None = None) -> pd.DataFrame:
    """Results of one category group (its own search, and all-categories results in which the group
    has reports this month) and/or one class, in the run's order (most significant first)."""
    chosen = results
    if group:
        in_group = chosen["category_group"] == group
        mixed = (chosen["category_group"] == ALL) & chosen["categories"].map(
            lambda mix: any(item.get("group") == group for item in mix)
        )
        chosen = chosen[in_group | mixed]
    if klass:
        if klass not in CLASSES:
            raise ValueError(f"klasse '{klass}' onbekend; kies uit {', '.join(CLASSES)}")
        chosen = chosen[chosen["class"] == klass]
    return chosen.reset_index(drop=True)


def is_candidate(row) -> bool:
    """A detected concentration that lies on no defined hot spot: a candidate for the wardens' list."""
    defined = row["on_defined_hotspot"]
    return row["class"] in LIST_WORTHY and (defined is None or (isinstance(defined, float) and pd.isna(defined)))


def wardens_candidates(results: pd.DataFrame) -> pd.DataFrame:
    if results.empty:
        return results
    return results[results.apply(is_candidate, axis=1)].reset_index(drop=True)


def class_counts(results: pd.DataFrame) -> dict[str, int]:
    counts = results["class"].value_counts() if not results.empty else pd.Series(dtype=int)
    return {klass: int(counts.get(klass, 0)) for klass in CLASSES}


def defined_overview(defined_names: list[str], results: pd.DataFrame) -> pd.DataFrame:
    """Per defined hot spot: the classes detected on it this month (most significant first), or none."""
    rows = []
    for name in defined_names:
        on = results[results["on_defined_hotspot"] == name] if not results.empty else results
        rows.append(
            {
                "name": name,
                "classes": list(dict.fromkeys(on["class"])) if len(on) else [],
                "emerging": bool(len(on) and on["emerging"].any()),
                "current": int(on["current"].max()) if len(on) else 0,
            }
        )
    return pd.DataFrame(rows, columns=["name", "classes", "emerging", "current"])
