"""The profile's `[file] skip_rows_matching` holds for every kind of table file, not only reports and
fixes: a totals row of a devices, hot-spot or projects export goes to the quarantine with the skip
reason, every row stays accounted for, and `quarantine retry` of the batch keeps it there."""

from __future__ import annotations

import re

import pytest

ASSE_CENTRE = (50.9100, 4.2000)
SKIP = "^Totaal"
REASON = f"rij overgeslagen: past bij skip_rows_matching '{SKIP}' van het profiel"

FILES = {
    "devices": (
        "koppelingen.csv",
        "device_id;warden;valid_from;valid_to\nT1;GW-A;01/01/2026;\nT2;GW-B;01/01/2026;\nTotaal;2 toestellen;;\n",
    ),
    "hotspots": (
        "lijst.csv",
        "Naam;Lat;Lon;Straal (m)\n"
        f"Station Asse;{ASSE_CENTRE[0]};{ASSE_CENTRE[1]};150\n"
        f"Markt Asse;{ASSE_CENTRE[0] + 0.001};{ASSE_CENTRE[1]};100\n"
        "Totaal;;;250\n",
    ),
    "projects": (
        "projecten.csv",
        "naam;type;start;einde;gebied\n"
        "Camera Asse;camera;01/02/2026;;Asse\n"
        "Totaal;2 projecten;01/02/2026;;Asse\n"
        "Buurtwerk Asse;buurtwerking;01/03/2026;;Asse\n",
    ),
}


def loader(kind: str):
    from etl.devices import load_devices_file
    from etl.hotspots import load_hotspots_file
    from etl.projects import load_projects_file

    return {"devices": load_devices_file, "hotspots": load_hotspots_file, "projects": load_projects_file}[kind]


@pytest.mark.parametrize("kind", sorted(FILES))
def test_a_totals_row_is_skipped_into_the_quarantine_and_retry_keeps_it_there(kind, tmp_path, db, query):
    from etl.batches import retry_quarantine
    from etl.profiles import load_profile

    name, text = FILES[kind]
    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "p.toml").write_text(f'[file]\nskip_rows_matching = "{SKIP}"\n', encoding="utf-8")
    data_lines = text.splitlines()[1:]
    skipped = [(number, line) for number, line in enumerate(data_lines, start=1) if re.search(SKIP, line)]

    result = loader(kind)(db, tmp_path / name, profile=load_profile(str(tmp_path / "p.toml"), kind))

    assert result.rows_in == len(data_lines) == result.loaded + result.quarantined + result.duplicates
    assert (result.loaded, result.quarantined) == (len(data_lines) - len(skipped), len(skipped))
    assert query("SELECT row_number, raw_text, reason FROM quarantine WHERE batch_id = ?", [result.batch_id]) == [
        (number, line, REASON) for number, line in skipped
    ]
    retry = retry_quarantine(db, result.batch_id, str(tmp_path / "p.toml")).as_json()
    assert (retry["rows_in"], retry["loaded"], retry["quarantined"]) == (len(skipped), 0, len(skipped))
    assert query("SELECT raw_text, reason FROM quarantine WHERE batch_id = ?", [retry["batch_id"]]) == [
        (line, REASON) for _, line in skipped
    ]
