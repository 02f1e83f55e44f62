"""A project's verdict in words: 'Hondenpoepactie Zellik lijkt te werken: sinds de start ongeveer 56 %
minder meldingen hondenpoep in Zellik dan verwacht (95 %-interval: 32 % tot 72 % minder; p < 0,001).'

The pieces are Dutch here (the command line, the meeting pack); the pages pass the same pieces in
the user's language from dashboards/i18n.py (keys 'effect.<key>'), and a test keeps the Dutch ones
there equal to these. Numbers are Belgian whatever the language. The figures themselves come from
analytics/effects.py.
"""

from __future__ import annotations

from analytics.projects import Project
from analytics.wording import number, p_text
from civ.formatting import signed_pct
from civ.i18n import texts_of

# The words of an effect ('effect.<key>' in civ/messages/trends.py); the pages pass them in their language.
EFFECT_TEXTS_NL = texts_of("effect.")


def _amount(pct: float, texts: dict) -> str:
    """−41 → '41 % minder'; +35 → '35 % meer'; +310 → '4,1 keer zoveel'."""
    if pct >= 100:
        return texts["amount.times"].format(times=number(1 + pct / 100, 1))
    return texts["amount.less" if pct < 0 else "amount.more"].format(pct=number(abs(pct)))


def phase_words(project: Project, phase: str, texts: dict | None = None) -> str:
    """'tijdens het project'; an ongoing project's 'during' is 'sinds de start'."""
    texts = texts or EFFECT_TEXTS_NL
    return texts["phase." + ("since_start" if phase == "during" and project.end is None else phase)]


def effect_sentence(
    project: Project,
    row: dict,
    categories: str,
    level: float = 0.95,
    before_target: int | None = None,
    after: dict | None = None,
    texts: dict | None = None,
) -> str:
    """The verdict in words, e.g. 'Hondenpoepactie Zellik lijkt te werken: sinds de start ongeveer
    56 % minder meldingen hondenpoep in Zellik dan verwacht (95 %-interval: 33 % tot 71 % minder;
    p < 0,001).' `categories` is the targeted categories' names ('' for all); `after` the after
    phase's row when the headline is 'during'; `texts` the pieces in another language."""
    texts = texts or EFFECT_TEXTS_NL
    phase = phase_words(project, row["phase"], texts)
    where = texts[f"where.{project.design}"].format(area=project.area_name)
    what = texts["what"].format(categories=categories or texts["all_categories"], where=where).strip()
    fields = {"name": project.name, "what": what, "phase": phase, "level": number(level * 100)}
    code = row["verdict_code"]
    if project.design == "none":
        return texts["sentence.nothing_to_compare"].format(comparison=texts["comparison.none"], **fields)
    if code == "too_few":
        counted = [] if before_target is None else [texts["detail.before"].format(count=before_target)]
        if row.get("expected") is not None and row["phase"] != "before":
            counted.append(texts["detail.expected"].format(expected=number(row["expected"], 1), phase=phase))
        detail = f" ({', '.join(counted)})" if counted else ""
        return texts["sentence.too_few"].format(detail=detail, **fields)
    low, high, p = row["lower"], row["upper"], p_text(row["p_value"])
    if code == "none":
        sentence = texts["sentence.none"].format(low=signed_pct(low), high=signed_pct(high), p=p, **fields)
    elif code == "decrease":
        sentence = texts["sentence.decrease"].format(
            amount=_amount(row["effect_pct"], texts), from_pct=number(abs(high)), to_pct=number(abs(low)), p=p, **fields
        )
    else:
        if low >= 100:
            between = texts["between.times"].format(low=number(1 + low / 100, 1), high=number(1 + high / 100, 1))
        else:
            between = texts["between.pct"].format(low=_amount(low, texts), high=_amount(high, texts))
        key = "sentence.increase_times" if row["effect_pct"] >= 100 else "sentence.increase"
        sentence = texts[key].format(amount=_amount(row["effect_pct"], texts), between=between, p=p, **fields)
    if after is not None:
        if after["verdict_code"] in ("decrease", "increase"):
            sentence += texts["after.effect"].format(
                amount=_amount(after["effect_pct"], texts),
                low=signed_pct(after["lower"]),
                high=signed_pct(after["upper"]),
            )
        elif after["verdict_code"] == "none":
            sentence += texts["after.none"].format(low=signed_pct(after["lower"]), high=signed_pct(after["upper"]))
        else:
            sentence += texts["after.too_few"]
    return sentence


def category_names(con, project: Project, lang: str = "nl") -> str:
    """'hondenpoep', 'foutparkeren / verkeersoverlast' (lower case, as inside a sentence)."""
    columns = {
        name
        for (name,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'categories'"
        ).fetchall()
    }
    column = f"label_{lang}" if f"label_{lang}" in columns else "label_nl"  # a language without labels: Dutch
    names = dict(con.execute(f"SELECT code, lower({column}) FROM categories").fetchall())
    return " / ".join(names.get(c, c) for c in project.categories)


def result_sentence(project: Project, result: dict, categories: str, texts: dict | None = None) -> str:
    """The sentence of a `project_effect` result, from its rounded figures (so the command line and
    the page, in any language, say the same numbers)."""
    row = next((p for p in result["phases"] if p["phase"] == result["phase"]), None) or {"phase": result["phase"]}
    row = dict(row, verdict_code=result["verdict_code"])
    after = None
    if result["phase"] == "during":
        after = next((p for p in result["phases"] if p["phase"] == "after"), None)
    return effect_sentence(project, row, categories, result["level"], result["before_target"], after, texts)
