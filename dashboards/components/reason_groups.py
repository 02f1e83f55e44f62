"""Quarantine reasons grouped by their template: the reason with its values taken out.

19.903 refused rows are often one cause ("tijdstip '…' is geen geldige datum"); a list of rows hides
that. A reason may hold several parts ("a; b"): a row counts once under each part's template. For a
template with a quoted value (the label of "categorie 'Kapotte zitbank' is onbekend") the rows are
counted per value too, so the coordinator sees which labels to map. The values are shown only to roles
that may see reporter data; the template never holds one (dashboards/report/contents.summarise_reason).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from dashboards.report.contents import summarise_reason

_FIRST_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"|‘([^’]*)’")


@dataclass
class ReasonGroup:
    template: str
    rows: int = 0
    values: Counter = field(default_factory=Counter)  # quoted value -> rows

    def top_values(self, limit: int = 12) -> list[tuple[str, int]]:
        return sorted(self.values.items(), key=lambda item: (-item[1], item[0]))[:limit]


def parts(reason: str | None) -> list[str]:
    return [p.strip() for p in str(reason or "").split("; ") if p.strip()]


def template_of(part: str) -> str:
    return summarise_reason(part)


def group_reasons(reason_counts) -> list[ReasonGroup]:
    """[(reason, rows)] (one entry per distinct reason text) -> groups by template, most rows first."""
    groups: dict[str, ReasonGroup] = {}
    for reason, rows in reason_counts:
        for part in dict.fromkeys(parts(reason)):
            group = groups.setdefault(template_of(part), ReasonGroup(template_of(part)))
            group.rows += int(rows)
            quoted = _FIRST_QUOTED.search(part)
            if quoted:
                group.values[next(g for g in quoted.groups() if g is not None)] += int(rows)
    return sorted(groups.values(), key=lambda g: (-g.rows, g.template))


def has_template(reason: str | None, template: str) -> bool:
    return any(template_of(part) == template for part in parts(reason))
