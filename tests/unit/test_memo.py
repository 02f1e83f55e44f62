"""Answers kept per data version: the same question twice is one query, a new import is seen at once,
and what a caller does with its answer does not reach the next caller."""

from __future__ import annotations

from analytics.compstat import compstat_table, key_figures
from analytics.memo import by_data_version, data_version
from analytics.periods import Period
from civ.store import reading
from etl.reports import load_reports_file

OCTOBER = Period.parse("2026-10")


def _reports(folder, name: str, ids: range):
    path = folder / name
    path.write_text(
        "id;reported_at;category;lat;lon\n"
        + "".join(f"{name}-{i};{1 + i % 28:02d}/10/2026 10:00;sluikstort;50.9105;4.1982\n" for i in ids),
        encoding="utf-8",
    )
    return path


def test_a_new_import_is_seen_on_the_next_call_and_answers_are_copies(db, tmp_path):
    load_reports_file(db, _reports(tmp_path, "a.csv", range(5)), fmt="canonical")
    with reading(db) as con:
        first = compstat_table(con, OCTOBER)
        version = data_version(con)
        first.loc[:, "current"] = -1  # a caller spoils its own copy
        again = compstat_table(con, OCTOBER)
        assert int(again.loc[again["category"] == "sluikstort", "current"].iloc[0]) == 5
        assert key_figures(con, OCTOBER)["reports"] == 5

    load_reports_file(db, _reports(tmp_path, "b.csv", range(3)), fmt="canonical")
    with reading(db) as con:
        assert data_version(con) != version
        after = compstat_table(con, OCTOBER)
        assert int(after.loc[after["category"] == "sluikstort", "current"].iloc[0]) == 8
        assert key_figures(con, OCTOBER)["reports"] == 8


def test_the_same_question_on_the_same_data_is_asked_once(db, tmp_path):
    load_reports_file(db, _reports(tmp_path, "a.csv", range(2)), fmt="canonical")
    calls = []

    @by_data_version(maxsize=2)
    def count(con, category):
        calls.append(category)
        return con.execute("SELECT count(*) FROM reports WHERE category_code = ?", [category]).fetchall()[0][0]

    with reading(db) as con:
        assert [count(con, "sluikstort"), count(con, "sluikstort"), count(con, category="sluikstort")] == [2, 2, 2]
        assert calls == ["sluikstort", "sluikstort"]  # positional and keyword are different keys
        count(con, "graffiti"), count(con, "geluidshinder"), count(con, "sluikstort")  # only 2 kept
        assert calls[-1] == "sluikstort" and len(calls) == 5


def test_clear_all_forgets_every_kept_answer(db, tmp_path):
    from analytics import memo

    load_reports_file(db, _reports(tmp_path, "a.csv", range(2)), fmt="canonical")
    calls = []

    @by_data_version()
    def count(con):
        calls.append(1)
        return 0

    with reading(db) as con:
        count(con), count(con)
        memo.clear_all()
        count(con)
    assert len(calls) == 2
