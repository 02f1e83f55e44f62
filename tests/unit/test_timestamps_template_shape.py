"""The template's dd/mm/jjjj uu:mm is read by one strptime (etl/timestamps.py): the same instants, the
same NULLs, as the formats tried one after the other, and '16u23' still reads as 16:23."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from etl.timestamps import hours_minutes_sql, timestamp_sql

UTC = dt.timezone.utc


def read(texts: list[str]) -> list:
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(
            "CREATE TABLE t AS SELECT unnest(?::VARCHAR[]) AS c, generate_subscripts(?::VARCHAR[], 1) AS i",
            [texts, texts],
        )
        expression = timestamp_sql(f"({hours_minutes_sql('c')})", "Europe/Brussels", day_first=True, excel_serial=True)
        return [row[0] for row in con.execute(f"SELECT {expression} FROM t ORDER BY i").fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize(
    "text, instant",
    [
        ("01/12/2021 00:00", dt.datetime(2021, 11, 30, 23, 0, tzinfo=UTC)),  # winter: UTC+1
        ("15/07/2026 14:05", dt.datetime(2026, 7, 15, 12, 5, tzinfo=UTC)),  # summer: UTC+2
        ("29/03/2026 02:30", dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),  # does not exist: standard time
        ("31/02/2026 10:00", None),  # no 31 February
        ("01/12/2021 0a:00", None),
        ("01/12/2021 24:00", None),
        ("1/12/2021 10:00", dt.datetime(2021, 12, 1, 9, 0, tzinfo=UTC)),  # 15 characters: the general path
        ("01/12/2021 16u23", dt.datetime(2021, 12, 1, 15, 23, tzinfo=UTC)),
        ("2021-12-01 10:00", dt.datetime(2021, 12, 1, 9, 0, tzinfo=UTC)),
    ],
)
def test_template_dates_read_as_brussels_local_time(text, instant):
    assert read([text]) == [instant]


def test_a_column_of_many_shapes_reads_each_as_alone():
    texts = ["01/12/2021 00:00", "31/02/2026 10:00", "2021-12-01T10:00:00Z", "", "12/01/2021 10:00", "x/yz/2021 10:00"]
    assert read(texts) == [read([t])[0] for t in texts]
    assert read(texts)[4] == dt.datetime(2021, 1, 12, 9, 0, tzinfo=UTC)  # day first
