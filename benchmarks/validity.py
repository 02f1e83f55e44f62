"""Analytical validity (issue 22) for the suite: the hot-spot detector over many realisations
(analytics/evaluation/quality.py) on the seeds looked at while tuning (1–20) and on held-back seeds
(1001–1020), and CompStat's power curve (analytics/evaluation/compstat_power.py). The full run takes
long on a shared machine (about 20 minutes per 20 seeds on a quiet one); `--quick` runs one seed of the second
generator each and 10 simulated tables per change (a smoke test of the code path)."""

from __future__ import annotations

import time

from analytics.evaluation.compstat_power import format_curve, power_curve
from analytics.evaluation.quality import (
    HELD_BACK_FIRST_SEED,
    evaluate_many,
    format_report,
)


def section(quick: bool) -> list[str]:
    seeds = 1 if quick else 20
    began = time.perf_counter()
    lines = ["", "## Analytical validity (issue 22)", ""]
    for title, first in (("seeds looked at while tuning", 1), ("held-back seeds", HELD_BACK_FIRST_SEED)):
        result = evaluate_many(
            list(range(first, first + seeds)), generators=("shapes",) if quick else ("demo", "shapes")
        )
        lines += (
            [f"Hot-spot detector, {title} (`python -m analytics evaluate --seeds {seeds} --first-seed {first}`):", ""]
            + [f"    {line}" for line in format_report(result)]
            + [""]
        )
    lines += [
        "CompStat flag, power by simulation (share of runs in which a row of about 30 reports a month, "
        "among 15 rows, is flagged up; `analytics/evaluation/compstat_power.py`):",
        "",
    ]
    lines += format_curve(power_curve(runs=10 if quick else 200))
    lines += ["", f"(measured in {(time.perf_counter() - began) / 60:.1f} minutes)"]
    return lines
