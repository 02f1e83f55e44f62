"""After retention deleted old raw fixes, the coverage page says that visits up to the cut-off stay
as they were computed, for a period that reaches back before it, and says nothing for a later one."""

from __future__ import annotations

import json

import pytest

from app import create_app
from civ.store import open_for_writing

from .served_app import callback_body, fill_store, logged_in_client


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("retained") / "civ.duckdb"
    fill_store(db, is_demo=True)
    con = open_for_writing(db)
    try:  # what `python -m etl retention --apply` records (tests/etl/test_retention.py runs the real thing)
        con.execute("INSERT OR REPLACE INTO settings VALUES ('fixes_retained_from', '2026-10-10T22:00:00+00:00')")
    finally:
        con.close()
    return create_app(db)


def _caption(app, period: str, lang: str = "nl") -> str:
    client = logged_in_client(app, "kerngroep")
    body = callback_body(
        app,
        "coverage-map-caption.children",
        {
            "coverage-period.value": period,
            "coverage-warden.value": "all",
            "coverage-colour.value": "days",
            "coverage-lang.data": lang,
        },
    )
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return json.dumps(
        json.loads(response.get_data(as_text=True))["response"]["coverage-map-caption"], ensure_ascii=False
    )


def test_a_period_before_the_cut_off_says_visits_stay_as_computed(app):
    caption = _caption(app, "2026-10")
    assert "GPS-punten tot 11/10/2026 zijn verwijderd" in caption  # 22:00 UTC is the 11th in Brussels
    assert "deleted" in _caption(app, "2026-10", "en")


def test_a_period_after_the_cut_off_has_no_notice(app):
    assert "verwijderd" not in _caption(app, "2026-11")
