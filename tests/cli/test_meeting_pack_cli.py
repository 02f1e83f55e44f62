"""`python -m dashboards.report`: the monthly meeting pack end to end on the Asse demo data.

The month is the latest demo month in which the CompStat table flags a category (computed here with
analytics.compstat, not written down); what the pack must say is checked against analytics computed
here and against what this file plants in a copy of the store: a citizen's description, reporter
pseudonyms and one warden's tracker with a known visit. The PDF is read back with poppler
(pdftotext, pdfinfo, pdftoppm), as a reader would see it.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import duckdb
import matplotlib.image
import pytest
from demo_store import END_MONTH

from analytics.compstat import compstat_table
from analytics.hotspots.runs import month_results
from analytics.periods import Period
from civ.store import reading
from dashboards.report.__main__ import main

pytestmark = pytest.mark.slow

MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
HEADINGS = [
    "1. Kerncijfers",
    "2. CompStat-tabel",
    "3. Opkomende hotspots",
    "4. Trends van de categorieën",
    "5. Dekking van de hotspots",
    "6. Lopende projecten",
    "Bijlage: gegevenskwaliteit",
]
PLANTED_DESCRIPTION = "Buurman Verhaegen laat zijn hond elke ochtend los in de Kerkstraat 14"
PLANTED_REPORTER = "m-5ec7e7p1a47ed00d"
DEVICE, WARDEN = "TRK-PLANT-0042", "GW-Q"
HOTSPOT = ("station-asse", 50.9114, 4.2035)  # a defined hot spot of the demo (hotspots.geojson)


def _flagged_month(db) -> tuple[str, list[dict]]:
    """The latest demo month whose CompStat table flags a category, and those rows."""
    period = Period.parse(END_MONTH)
    with reading(db) as con:
        for _ in range(12):
            table = compstat_table(con, period)
            flagged = table[table["flag"] != "none"]
            if len(flagged):
                return period.code, flagged.to_dict("records")
            period = period.previous()
    pytest.fail("no month of the demo flags a category: the test needs one")


def _plant(db, month: str) -> None:
    """A description and a reporter pseudonym on reports of the month, one warden's 15-minute visit."""
    start = Period.parse(month).start
    con = duckdb.connect(str(db))
    try:
        con.execute(
            """UPDATE reports SET description = ?, reporter_hash = ?
                       WHERE source_id IN (SELECT source_id FROM reports WHERE reported_at >= ? ORDER BY source_id
                                           LIMIT 5)""",
            [PLANTED_DESCRIPTION, PLANTED_REPORTER, datetime(start.year, start.month, 1, tzinfo=timezone.utc)],
        )
        batch = con.execute("""INSERT INTO import_batches (kind, file_name, file_sha256, format, load_key, started_at,
                                                           finished_at, rows_in, loaded, is_demo)
                               VALUES ('fixes', 'track.csv', 'x', 'csv', 'plant', now(), now(), 46, 46, true)
                               RETURNING batch_id""").fetchall()[0][0]
        con.execute("INSERT INTO wardens VALUES (?, 'Gemeenschapswacht Q')", [WARDEN])
        con.execute("INSERT INTO devices VALUES (?, ?, NULL, NULL, ?)", [DEVICE, WARDEN, batch])
        first = datetime(start.year, start.month, 12, 8, 0, tzinfo=timezone.utc)
        _, lat, lon = HOTSPOT
        con.executemany(
            "INSERT INTO fixes (device_id, ts, lat, lon, accuracy_m, batch_id) VALUES (?, ?, ?, ?, 5, ?)",
            [[DEVICE, first + timedelta(seconds=20 * i), lat + 0.00001 * (i % 3), lon, batch] for i in range(46)],
        )  # 15 minutes inside
    finally:
        con.close()


def _pdftext(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


@pytest.fixture(scope="module")
def pack(tmp_path_factory, demo_data):
    source, _truth = demo_data
    folder = tmp_path_factory.mktemp("pack")
    db = folder / "civ.duckdb"
    shutil.copy(source, db)
    month, flagged = _flagged_month(db)
    _plant(db, month)
    out, page = folder / "pakket.pdf", folder / "pakket.html"
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["--month", month, "--db", str(db), "--out", str(out), "--html", str(page)])
    with reading(db) as con:
        _run, results = month_results(con, month)
    return {
        "db": db,
        "month": month,
        "flagged": flagged,
        "code": code,
        "stdout": stdout.getvalue(),
        "pdf": out,
        "html": page,
        "text": _pdftext(out),
        "emerging": results[results["emerging"]].to_dict("records"),
        "folder": folder,
    }


def test_the_command_writes_the_pdf_and_the_html_and_prints_their_paths(pack):
    assert pack["code"] == 0
    assert pack["stdout"].split() == [str(pack["pdf"]), str(pack["html"])]
    assert pack["pdf"].read_bytes().startswith(b"%PDF")
    assert 5 <= _pages(pack["pdf"]) <= 14


def test_the_pdf_names_the_month_the_sections_and_every_flagged_category(pack):
    text = pack["text"]
    year, month = pack["month"].split("-")
    assert f"{MONTHS_NL[int(month) - 1]} {year}" in text
    for heading in HEADINGS:
        assert heading in text, heading
    assert "DEMOGEGEVENS" in text
    assert re.search(r"pagina 1 van \d+", text)
    body = text.split("\f", 1)[1]  # after the cover and its contents list
    trends = body[body.index("4. Trends van de categorieën") :]
    for row in pack["flagged"]:
        arrow = "▲ gestegen" if row["flag"] == "up" else "▼ gedaald"
        assert f"{row['category_label']} — {arrow}" in trends  # the trend chart's heading
        assert re.search(rf"{re.escape(row['category_label'])}\s.*{arrow}", text)  # the table's row


def _in_order(words: list[str], tokens: list[str], gap: int = 12) -> bool:
    """`words` appear in `tokens` in this order, each within `gap` tokens of the one before (a table
    cell wraps over lines that pdftotext interleaves with the other columns)."""
    for begin in (i for i, token in enumerate(tokens) if token == words[0]):
        at, found = begin, True
        for word in words[1:]:
            following = [i for i in range(at + 1, min(at + 1 + gap, len(tokens))) if tokens[i] == word]
            if not following:
                found = False
                break
            at = following[0]
        if found:
            return True
    return False


def test_the_pdf_gives_every_emerging_hot_spot_with_its_reason(pack):
    assert pack["emerging"], "the month has no emerging hot spot to check"
    text = pack["text"]
    body = text.split("\f", 1)[1]
    section = body[body.index("3. Opkomende hotspots") : body.index("5. Dekking van de")]
    tokens = section.split()
    for spot in pack["emerging"]:
        assert _in_order(spot["reason"].split(), tokens), spot["reason"]


def test_the_pdf_shows_the_planted_visit_per_hot_spot_and_nothing_personal(pack):
    text, page = pack["text"], pack["html"].read_text(encoding="utf-8")
    for document in (text, page):
        assert PLANTED_DESCRIPTION not in document and "Verhaegen" not in document
        assert PLANTED_REPORTER not in document
        assert not re.search(r"\bm-[0-9a-f]{16}\b", document)  # no reporter pseudonym at all
        assert DEVICE not in document and WARDEN not in document and "Gemeenschapswacht Q" not in document
    # the visit is there as a total of its hot spot: days since (from the 12th to the month's last day),
    # 1 visit, 1 of 10 minutes or more, 15 minutes, 1 tracker
    month = Period.parse(pack["month"])
    days = (month.end - timedelta(days=1)).day - 12
    row = next(line for line in text.splitlines() if re.match(r"\s*\d+\s+Station Asse\s", line))
    assert row.split()[3:8] == [str(days), "1", "1", "15", "1"]


def test_the_first_page_is_not_blank(pack):
    target = pack["folder"] / "cover"
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(pack["pdf"]), str(target)], check=True
    )
    pixels = matplotlib.image.imread(str(target) + ".png")[..., :3]
    ink = (pixels.min(axis=2) < 0.9).mean()
    assert 0.02 < ink < 0.6


def test_the_html_is_self_contained_and_holds_the_same_sections(pack):
    page = pack["html"].read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page, re.I)
    images = re.findall(r"<img\s[^>]*src=\"([^\"]*)\"", page)
    assert len(images) >= 2 and all(src.startswith("data:image/png;base64,") for src in images)
    headings = re.findall(r"<h1 id=\"section-\d+\">([^<]*)</h1>", page)
    assert len(headings) == len(HEADINGS)
    for expected, heading in zip(HEADINGS, headings):
        assert heading.startswith(expected)
        assert heading in pack["text"]


def test_the_pack_in_english(pack, tmp_path, capsys):
    out = tmp_path / "pack-en.pdf"
    assert main(["--month", pack["month"], "--db", str(pack["db"]), "--out", str(out), "--lang", "en"]) == 0
    assert capsys.readouterr().out.split() == [str(out)]
    text = _pdftext(out)
    assert "CompStat meeting pack" in text and "1. Key figures" in text and "DEMO DATA" in text


@pytest.mark.parametrize("month", ["2026-13", "oktober", "2026-10-01", "2026-W43"])
def test_a_bad_month_exits_2_with_one_line(month, pack, capsys, tmp_path):
    assert main(["--month", month, "--db", str(pack["db"]), "--out", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("fout: ") and "JJJJ-MM" in err[0]
    assert not (tmp_path / "x.pdf").exists()


def test_a_month_without_reports_exits_2_and_says_which_months_there_are(pack, capsys, tmp_path):
    assert main(["--month", "2031-01", "--db", str(pack["db"]), "--out", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("fout: geen meldingen in januari 2031")
    year, month = END_MONTH.split("-")
    assert f"{MONTHS_NL[int(month) - 1]} {year}" in err[0]
    assert not (tmp_path / "x.pdf").exists()


def test_a_missing_store_exits_2_with_one_line(tmp_path, capsys):
    assert main(["--month", "2026-10", "--db", str(tmp_path / "nergens.duckdb")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("fout: ") and "bestaat niet" in err[0]
    assert not (tmp_path / "nergens.duckdb").exists()


def test_without_out_the_pdf_lands_in_the_current_folder(pack, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["--month", pack["month"], "--db", str(pack["db"])]) == 0
    name = f"meeting-pack-{pack['month']}.pdf"
    assert capsys.readouterr().out.split() == [name]
    assert (tmp_path / name).read_bytes().startswith(b"%PDF")
