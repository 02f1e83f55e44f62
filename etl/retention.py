"""How long raw tracker fixes are kept.

Following a warden's every position is proportionate only for a short time: raw fixes older than
the retention period (setting `fixes_retention_days`, default 90) are deleted. What was computed
from them — visits per hot spot, duty days, presence per grid cell — stays, so the coverage figures
of past months remain. Deleting is refused while fixes exist whose visits were not yet computed,
and the cut-off is recorded (setting `fixes_retained_from`) so no later recomputation mistakes the
gap for an absence. Every deletion is written to the audit log.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone

from civ import accounts as users
from civ import reference, store
from civ.errors import UnusableInput

DEFAULT_DAYS = 90


@dataclass
class RetentionPlan:
    days: int
    cutoff: str  # ISO instant, UTC: fixes before it go
    fixes_to_delete: int
    devices: int
    oldest: str | None
    applied: bool = False

    def as_json(self) -> dict:
        return asdict(self)


def retention_days(con) -> int:
    return int(reference.setting(con, "fixes_retention_days") or DEFAULT_DAYS)


def plan_or_apply(
    db: str | os.PathLike,
    days: int | None = None,
    apply: bool = False,
    actor: str | None = None,
    now: datetime | None = None,
) -> RetentionPlan:
    if days is not None and days < 1:  # checked before the store is opened: a refusal writes nothing
        raise UnusableInput("de bewaartermijn moet minstens 1 dag zijn")
    con = store.open_for_writing(db)
    try:
        days = retention_days(con) if days is None else days
        cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
        count, devices, oldest = store.first_row(
            con, "SELECT count(*), count(DISTINCT device_id), min(ts) FROM fixes WHERE ts < ?", [cutoff]
        )
        plan = RetentionPlan(days, cutoff.isoformat(), count, devices, oldest.isoformat() if oldest else None)
        if not apply or count == 0:
            return plan
        pending = store.scalar(
            con,
            """
            SELECT count(DISTINCT f.batch_id) FROM fixes f
            WHERE f.ts < ? AND f.batch_id NOT IN (SELECT batch_id FROM coverage_batches)""",
            [cutoff],
        )
        if pending:
            raise UnusableInput(
                f"{pending} import(s) van GPS-punten zijn nog niet verwerkt tot bezoeken; "
                "laat eerst `python -m analytics coverage` lopen of start de app"
            )
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DELETE FROM fixes WHERE ts < ?", [cutoff])
            previous = reference.setting(con, "fixes_retained_from")
            if previous is None or previous < plan.cutoff:
                con.execute("INSERT OR REPLACE INTO settings VALUES ('fixes_retained_from', ?)", [plan.cutoff])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        plan.applied = True
    finally:
        con.close()
    users.audit(
        db,
        actor,
        "retention",
        f"{plan.fixes_to_delete} GPS-punten van vóór {plan.cutoff} verwijderd (bewaartermijn {plan.days} dagen)",
    )
    return plan
