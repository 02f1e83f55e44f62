"""tools/i18n_from_tuples.py: a text written in the old form (nl, en) becomes the same text keyed by
language, strings, line breaks and fields kept."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from i18n_from_tuples import SECTIONS, convert_section, old_entries, old_sections  # tools/ is on the path only now

OLD = """
TEXTS: dict[str, tuple[str, str]] = {
    # a comment stays
    "nav.home": ("Overzicht", "Overview"),
    "long.one": ("Een lange zin over {count} "
                 "meldingen", "A long sentence about {count} "
                 "reports"),
}

TEXTS.update({
    "trend.up": ("{label} stijgt", "{label} is rising",),
})
"""


def test_old_entries_become_entries_keyed_by_language_in_their_section():
    entries = old_entries(OLD)
    assert [(section, key) for section, key, _ in entries] == [
        (SECTIONS[0], "nav.home"),
        (SECTIONS[0], "long.one"),
        (SECTIONS[1], "trend.up"),
    ]
    for _, key, entry in entries:
        converted = ast.literal_eval("{" + entry.strip().rstrip(",") + "}")[key]
        expected = dict(zip(("nl", "en"), ast.literal_eval(OLD.split(f'"{key}": ', 1)[1].split("),\n")[0] + ")")))
        assert converted == expected


def test_a_whole_section_converts_with_its_comments():
    body = convert_section(OLD, old_sections(OLD)[0])
    assert "# a comment stays" in body
    assert ast.literal_eval("{" + body + "}") == {
        "nav.home": {"nl": "Overzicht", "en": "Overview"},
        "long.one": {"nl": "Een lange zin over {count} meldingen", "en": "A long sentence about {count} reports"},
    }
