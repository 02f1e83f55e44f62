"""The browser import's upload checks (etl/web_import.py) and the quarantine's reason templates
(dashboards/components/reason_groups.py)."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest

from civ.errors import UnusableInput
from dashboards.components.reason_groups import group_reasons, has_template
from etl import web_import


def _data_url(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_csv_lands_in_a_private_folder_and_is_removed_again():
    path = web_import.receive("../../etc/meldingen jan.csv", _data_url(b"datum;categorie\n05/01/2026;sluikstort\n"))
    try:
        assert path.name == "meldingen jan.csv"  # no path from the browser survives
        assert path.parent.name.startswith(web_import.UPLOAD_PREFIX)
        assert path.parent.stat().st_mode & 0o077 == 0  # only the server's user reads it
        assert path.read_bytes().startswith(b"datum;categorie")
    finally:
        web_import.discard(path)
    assert not path.parent.exists()


def test_a_file_over_the_limit_is_refused_with_the_limit_in_the_message_and_nothing_on_disk(tmp_path, monkeypatch):
    monkeypatch.setattr(web_import.tempfile, "tempdir", str(tmp_path))
    data = b"datum;categorie\n" + b"05/01/2026;sluikstort\n" * 60_000  # 1,3 MB
    with pytest.raises(UnusableInput, match="groter dan 1 MB"):
        web_import.receive("groot.csv", _data_url(data), limit=1024 * 1024)
    assert list(tmp_path.iterdir()) == []
    web_import.discard(web_import.receive("klein.csv", _data_url(data[:1000]), limit=1024 * 1024))


def test_a_zip_with_a_path_out_of_the_folder_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(web_import.tempfile, "tempdir", str(tmp_path))
    for name in ("../../home/evil.shp", "/etc/passwd", "ok/../../x.dbf", "C:/windows/x.shp"):
        with pytest.raises(UnusableInput, match="pad buiten de map"):
            web_import.receive("zones.zip", _data_url(_zip({"zones.shp": b"x", name: b"y"})))
    assert list(tmp_path.iterdir()) == []


def test_a_zip_bomb_is_refused():
    bomb = _zip({"zones.dbf": b"\0" * (20 * 1024 * 1024)})  # 20 MB of zeros packs to ~20 kB
    assert len(bomb) < 100_000
    with pytest.raises(UnusableInput, match="zip-bom"):
        web_import.receive("zones.zip", _data_url(bomb))


def test_a_file_that_is_not_what_its_name_claims_is_refused():
    with pytest.raises(UnusableInput, match="geen Excel-bestand"):
        web_import.receive("meldingen.xlsx", _data_url(b"datum;categorie\n"))
    with pytest.raises(UnusableInput, match="geen tekstbestand"):
        web_import.receive("meldingen.csv", _data_url(b"\x7fELF\x02\x01\x01\x00\x00\x00"))
    with pytest.raises(UnusableInput, match="geen GPX"):
        web_import.receive("rit.gpx", _data_url(b"<html></html>"))
    with pytest.raises(UnusableInput, match="andere extensie"):
        web_import.receive("meldingen.csv", _data_url(_zip({"a.txt": b"x"})))
    with pytest.raises(UnusableInput, match="kan niet"):
        web_import.receive("programma.exe", _data_url(b"MZ"))


def test_discard_removes_only_folders_it_made(tmp_path):
    other = tmp_path / "civ-upload-not-in-tmp" / "f.csv"
    other.parent.mkdir()
    other.write_text("x")
    web_import.discard(other)
    assert other.exists()


def test_reasons_group_by_template_with_rows_per_label():
    counts = [
        ("categorie 'Kapotte zitbank' is onbekend", 7),
        ("categorie 'Graffiti op gevel' is onbekend; meldingsdatum 31/02/2026 12:00 bestaat niet", 2),
        ("meldingsdatum 30/02/2026 08:00 bestaat niet", 19_200),
        ("categorie 'Kapotte zitbank' is onbekend; meldingsdatum 31/02/2026 09:00 bestaat niet", 1),
    ]
    groups = group_reasons(counts)
    assert [(g.template, g.rows) for g in groups] == [
        ("meldingsdatum … bestaat niet", 19_203),
        ("categorie '…' is onbekend", 10),
    ]
    assert groups[1].top_values() == [("Kapotte zitbank", 8), ("Graffiti op gevel", 2)]
    assert groups[0].values == {}
    assert has_template(counts[1][0], "meldingsdatum … bestaat niet")
    assert not has_template(counts[0][0], "meldingsdatum … bestaat niet")


def test_a_profile_written_from_the_page_reads_back_as_the_command_line_reads_it():
    text = web_import.profile_text(
        "reports",
        4,
        {"id": ["Nummer"], "reported_at": ["Ingevoerd op", "Om"], "category": ['Onderwerp "oud"']},
        {"category": {"Zwerfvuil op straat": "zwerfvuil", "Kapotte zitbank": None}},
    )
    profile = web_import.checked_profile(text, "reports")
    assert profile.file["header_row"] == 4
    assert profile.columns == {"id": ["Nummer"], "reported_at": ["Ingevoerd op", "Om"], "category": ['Onderwerp "oud"']}
    assert profile.values == {"category": {"zwerfvuil op straat": "zwerfvuil"}}  # an unmapped label is left out
    with pytest.raises(UnusableInput, match="reported_at"):
        web_import.checked_profile(web_import.profile_text("reports", 4, {"category": ["Onderwerp"]}), "reports")


def test_guessed_kind_by_form():
    assert [web_import.guessed_kind(n) for n in ("a.xlsx", "b.gpx", "c.geojson", "d.csv", "e.zip")] == [
        "reports",
        "fixes",
        "hotspots",
        "reports",
        "hotspots",
    ]


def test_uploads_nobody_loads_are_removed_after_their_time(tmp_path, monkeypatch):
    import os
    import time

    from dashboards.components.import_jobs import ImportJobs

    monkeypatch.setattr(web_import.tempfile, "tempdir", str(tmp_path))
    jobs = ImportJobs()
    old = web_import.receive("oud.csv", _data_url(b"datum;categorie\n"))
    os.utime(old.parent, (time.time() - 7 * 3600, time.time() - 7 * 3600))
    fresh = web_import.receive("nieuw.csv", _data_url(b"datum;categorie\n"))
    token = jobs.keep_upload(fresh, "coordinator", "reports")
    assert not old.parent.exists() and fresh.exists()
    assert jobs.upload(token, "coordinator").path == fresh and jobs.upload(token, "kerngroep") is None
    jobs.forget_upload(token)
    assert not fresh.parent.exists()
