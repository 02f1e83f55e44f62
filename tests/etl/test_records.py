"""etl/records.py reads a CSV in DuckDB with exactly the records of Python's csv.reader: the same rows,
row numbers (blank lines take none) and raw texts, also for quoted fields over several lines, quotes in
the middle of a field, Windows-1252, carriage returns alone. Each test compares with the rule written
out here with csv.reader itself."""

from __future__ import annotations

import csv
import random
import re

import duckdb
import pytest

from etl import records


def expected_records(text: str, separator: str = ";") -> tuple[list[tuple], list[tuple]]:
    """The rule as the coordinator sees it: csv.reader's records after the header line (a quote left open:
    its lines one by one, see below); blank records
    (nothing, or one field of spaces) are skipped and take no number; a record with the header's number of
    fields (empty fields after the last one dropped) is a row, its raw text the fields joined; any other
    record is malformed with its count."""
    physical = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
    taken: list[str] = []

    def lines():
        for line in physical:
            taken.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=separator)
    width = len(next(reader))
    taken.clear()  # the header's lines

    def fits(fields):
        return len(fields) == width or (len(fields) > width and not any(v.strip() for v in fields[width:]))

    read = []
    for record in reader:
        given = [re.sub(r"(\r\n|\r|\n)$", "", line) for line in taken]
        taken.clear()
        # a quote that opens a field and is never closed where the file meant it: a record over several
        # lines whose first line alone has the header's fields, while the record has not or its quotes do
        # not pair up; its lines are read one by one
        odd_quotes = sum(line.count('"') for line in given) % 2 == 1
        if len(given) > 1 and fits(given[0].split(separator)) and (not fits(record) or odd_quotes):
            read.extend(line.split(separator) for line in given)
        else:
            read.append(record)
    rows, malformed, number = [], [], 0
    for record in read:
        if not record or (len(record) == 1 and not record[0].strip()):
            continue
        number += 1
        if len(record) > width and not any(v.strip() for v in record[width:]):
            record = record[:width]
        if len(record) == width:
            rows.append((number, separator.join(record), *record))
        else:
            malformed.append((number, separator.join(record), f"rij heeft {len(record)} velden in plaats van {width}"))
    return rows, malformed


def read(path) -> tuple[list[tuple], list[tuple]]:
    con = duckdb.connect()
    try:
        file = records.inspect(path, known={"id", "datum", "cat", "omschrijving"})
        records.read_records(con, file, "rd")
        rows = con.execute("SELECT * FROM rd ORDER BY row_number").fetchall()
        malformed = con.execute("SELECT * FROM rd_malformed ORDER BY row_number").fetchall()
        file.remove_copy()
        return rows, malformed
    finally:
        con.close()


def test_quoted_fields_blank_lines_and_wrong_counts_read_as_csv_reader_does(tmp_path):
    text = (
        "id;datum;omschrijving\r\n"
        "M1;01/12/2021 10:00;gewoon\r\n"
        "\r\n"
        "   \r\n"
        'M2;01/12/2021 11:00;"met ; erin"\r\n'
        'M3;01/12/2021 12:00;"eerste regel\r\n'
        "tweede; met scheidingsteken\r\n"
        '\r\nderde"\r\n'
        'M4;01/12/2021 13:00;5" scherm\r\n'
        "M5;te weinig\r\n"
        "M6;01/12/2021 14:00;x;;\r\n"
        "M7;01/12/2021 15:00;x;;y\r\n"
    )
    path = tmp_path / "m.csv"
    path.write_bytes(text.encode("utf-8"))
    rows, malformed = read(path)
    assert (rows, malformed) == expected_records(text)
    # the multi-line record is one row: row 3, and the lines it spans take no number
    assert rows[2][:2] == (3, "M3;01/12/2021 12:00;eerste regel\r\ntweede; met scheidingsteken\r\n\r\nderde")
    assert [r[0] for r in malformed] == [5, 7]


def test_a_file_without_quotes_or_blank_lines_numbers_rows_by_line(tmp_path):
    text = "id;cat\n" + "".join(f"M{i};c{i % 3}\n" for i in range(1, 2001))
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8")
    rows, malformed = read(path)
    assert malformed == []
    assert rows == [(i, f"M{i};c{i % 3}", f"M{i}", f"c{i % 3}") for i in range(1, 2001)]


@pytest.mark.parametrize("line_end", ["\r", "\n\r\n"])
def test_lone_carriage_returns_and_mixed_line_ends_read_as_csv_reader_does(tmp_path, line_end):
    # (below the first 200 lines: a carriage return alone among them stops the header search, as before)
    head = "id;cat\n" + "".join(f"H{i};h\n" for i in range(200))
    text = head + f'M1;a{line_end}M2;b\nM3;c{line_end}"M4\nx";d{line_end}'
    path = tmp_path / "m.csv"
    path.write_bytes(text.encode("utf-8"))
    assert read(path) == expected_records(text)


def test_windows_1252_text_and_euro_sign_read_from_a_utf8_copy(tmp_path):
    text = 'id;omschrijving\nM1;"boete € 50, “zwaar”"\nM2;café\n'
    path = tmp_path / "m.csv"
    path.write_bytes(text.encode("cp1252"))
    rows, malformed = read(path)
    assert (rows, malformed) == expected_records(text)
    assert rows[0][3] == "boete € 50, “zwaar”"


def test_lines_a_quoted_header_name_spans_are_not_data(tmp_path):
    # the header is found on its first line (two names, as before); its record ends a line later
    text = 'id;"datum\nmelding";cat\nM1;01/12/2021;a\n'
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8")
    assert read(path) == ([], [(1, "M1;01/12/2021;a", "rij heeft 3 velden in plaats van 2")])


def test_random_files_of_awkward_fields_read_as_csv_reader_does(tmp_path):
    pieces = ["a", "b c", "", " ", '"q"', '"q;r"', '"x\ny"', '"x\r\ny"', 'd"e', '"f""g"', '"h"i', ";", "\t", "é€"]
    generator = random.Random(19)
    for trial in range(120):
        line_end = generator.choice(["\n", "\r\n"])
        lines = ["id;datum;cat"]
        for _ in range(generator.randint(0, 8)):
            lines.append(";".join(generator.choice(pieces) for _ in range(generator.choice([0, 1, 3, 3, 3, 4]))))
        text = line_end.join(lines) + (line_end if generator.random() < 0.7 else "")
        path = tmp_path / f"t{trial}.csv"
        path.write_bytes(text.encode("utf-8"))
        assert read(path) == expected_records(text), text


def test_a_control_character_in_a_field_stays_in_it(tmp_path):
    # \x01 is where DuckDB's line reader would cut: such a file is read by csv.reader whole
    text = "id;cat\nM1;a\x01b\nM2;c\n"
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8")
    assert read(path) == expected_records(text) == ([(1, "M1;a\x01b", "M1", "a\x01b"), (2, "M2;c", "M2", "c")], [])


def test_a_quote_never_closed_does_not_swallow_the_rows_after_it(tmp_path):
    text = (
        "id;datum;omschrijving\n"
        "M1;01/12/2021 10:00;gewoon\n"
        'M2;01/12/2021 11:00;"Grote hoop afval aan de glasbak\n'  # a quote that is a character of the text
        "M3;01/12/2021 12:00;zakken\n"
        "\n"
        "M4;01/12/2021 13:00;nog een\n"
    )
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8")
    rows, malformed = read(path)
    assert (rows, malformed) == expected_records(text)
    assert malformed == []
    assert [r[:2] for r in rows] == [
        (1, "M1;01/12/2021 10:00;gewoon"),
        (2, 'M2;01/12/2021 11:00;"Grote hoop afval aan de glasbak'),
        (3, "M3;01/12/2021 12:00;zakken"),
        (4, "M4;01/12/2021 13:00;nog een"),
    ]


def test_a_stray_quote_closed_by_a_later_quote_is_read_line_by_line_up_to_there(tmp_path):
    # the stray quote of M2 (one in the middle of a field, as in 5" scherm, is a character for csv.reader
    # already; this one opens the field) is closed by the first quote of M4: csv.reader would make one row
    # of M2, M3 and M4 with four fields; line by line M2 and M3 load and M4, whose quote pairing is lost, is refused with
    # its own text (before, all three were one refused row)
    text = (
        "id;datum;omschrijving\n"
        'M2;01/12/2021 11:00;"Grote hoop afval\n'
        "M3;01/12/2021 12:00;zakken\n"
        'M4;01/12/2021 13:00;"netjes; gequoot"\n'
        "M5;01/12/2021 14:00;laatste\n"
    )
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8")
    rows, malformed = read(path)
    assert (rows, malformed) == expected_records(text)
    assert [r[0] for r in rows] == [1, 2, 4] and [m[0] for m in malformed] == [3]
