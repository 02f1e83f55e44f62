"""Dutch first, English second; Belgian numbers and Brussels dates whatever the language."""

from __future__ import annotations

import ast
import string
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from civ.i18n import LANGS
from civ.messages import CATALOGUE, DOMAINS
from dashboards import i18n
from dashboards.i18n import (
    fmt_date,
    fmt_datetime,
    fmt_float,
    fmt_int,
    fmt_month,
    fmt_pct,
    lang_of,
    t,
)

ROOT = Path(__file__).resolve().parents[2]


def test_every_text_is_there_in_every_language_with_the_same_fields():
    assert LANGS[0] == "nl" and "en" in LANGS
    for key, entry in CATALOGUE.items():
        assert set(entry) == set(LANGS), key  # a new language: in every key, or the test says which
        assert all(text.strip() for text in entry.values()), key
        fields = {lang: sorted(f for _, f, _, _ in string.Formatter().parse(text) if f) for lang, text in entry.items()}
        assert len({tuple(v) for v in fields.values()}) == 1, (key, fields)


def _used_keys_and_prefixes() -> tuple[set[str], set[str]]:
    """Every string constant of the product's code, and the fixed starts of keys it builds
    (f"group.{g}", "trend." + key, key.startswith("grid."))."""
    constants, prefixes = set(), set()
    for folder in ("civ", "analytics", "dashboards", "etl"):
        for path in (ROOT / folder).rglob("*.py"):
            if "messages" in path.relative_to(ROOT).parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    constants.add(node.value)
                elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                    prefixes.add(node.values[0].value)
                elif (
                    isinstance(node, ast.BinOp)
                    and isinstance(node.left, ast.Constant)
                    and isinstance(node.left.value, str)
                ):
                    prefixes.add(node.left.value)
    prefixes |= {c for c in constants if c.endswith(".")}
    return constants, {p for p in prefixes if len(p) >= 3 and " " not in p}


def test_no_text_is_left_unused():
    constants, prefixes = _used_keys_and_prefixes()
    unused = [key for key in CATALOGUE if key not in constants and not any(key.startswith(p) for p in prefixes)]
    assert unused == []


def test_the_catalogues_do_not_share_keys():
    seen: dict[str, str] = {}
    for module in DOMAINS:
        for key in module.MESSAGES:
            assert key not in seen, f"{key} in {module.__name__} and {seen[key]}"
            seen[key] = module.__name__
    assert len(seen) == len(CATALOGUE) == len(i18n.TEXTS)


def test_dutch_is_the_default_and_english_on_request():
    assert t("nav.home") == "Overzicht"
    assert t("nav.home", "nl") == "Overzicht"
    assert t("nav.home", "en") == "Overview"
    assert t("nav.home", "fr") == "Overzicht"  # unknown languages fall back to Dutch
    assert lang_of(None) == "nl" and lang_of("EN") == "en" and lang_of("en-GB") == "en"


def test_fields_are_filled_in():
    assert t("quarantine.count", "nl", count="1.234") == "1.234 rijen in quarantaine"
    assert t("quarantine.count", "en", count="3") == "3 rows in quarantine"


@pytest.mark.parametrize(
    "value, text",
    [(0, "0"), (7, "7"), (1234, "1.234"), (1234567, "1.234.567"), (-1234, "-1.234"), (None, "–"), (float("nan"), "–")],
)
def test_fmt_int_uses_a_point_for_thousands(value, text):
    assert fmt_int(value) == text


def test_fmt_float_and_pct_use_a_decimal_comma():
    assert fmt_float(1234.56) == "1.234,6"
    assert fmt_float(0.5, 2) == "0,50"
    assert fmt_float(1234567.891, 2) == "1.234.567,89"
    assert fmt_pct(0.5) == "50,0 %"
    assert fmt_pct(0.8734) == "87,3 %"
    assert fmt_pct(None) == "–"


def test_dates_are_shown_in_brussels_time():
    late = datetime(2026, 10, 31, 23, 30, tzinfo=timezone.utc)
    assert fmt_date(late) == "01/11/2026"
    assert fmt_datetime(late) == "01/11/2026 00:30"
    summer = pd.Timestamp("2026-07-14 12:05", tz="UTC")  # UTC+2
    assert fmt_datetime(summer) == "14/07/2026 14:05"
    assert fmt_date(pd.Timestamp("2026-10-31 10:00")) == "31/10/2026"  # naive: stored UTC
    assert fmt_date(date(2026, 2, 3)) == "03/02/2026"
    assert fmt_date(None) == "–" and fmt_datetime(pd.NaT) == "–"


def test_month_labels():
    assert fmt_month(pd.Timestamp("2026-10-01"), "nl") == "okt 2026"
    assert fmt_month(pd.Timestamp("2026-03-01"), "nl") == "mrt 2026"
    assert fmt_month(pd.Timestamp("2026-10-01"), "en") == "Oct 2026"


def test_grid_locale_speaks_the_language():
    assert i18n.grid_locale("nl")["noRowsToShow"] == "Geen rijen"
    assert i18n.grid_locale("en")["noRowsToShow"] == "No rows"


def test_import_kinds_have_labels():
    assert i18n.kind_label("fixes", "nl") == "GPS-punten"
    assert i18n.kind_label("reports", "en") == "reports"
    assert i18n.kind_label("iets-nieuws", "nl") == "iets-nieuws"


@pytest.mark.parametrize(
    "value, text",
    [(0.5, "0,50"), (0.024, "0,024"), (0.0031, "0,0031"), (0.00002, "< 0,0001"), (1.0, "1,00"), (None, "–")],
)
def test_fmt_p_keeps_small_p_values_readable(value, text):
    assert i18n.fmt_p(value) == text


def test_every_audit_event_the_code_writes_has_words_in_both_languages():
    import pathlib
    import re

    from dashboards.i18n import audit_kind

    root = pathlib.Path(__file__).resolve().parents[2]
    written = set()
    for path in [*root.glob("civ/**/*.py"), *root.glob("etl/**/*.py"), *root.glob("dashboards/**/*.py")]:
        # calls may span lines (ruff format): whitespace, newlines included, between the arguments
        written |= set(re.findall(r"""audit\(\s*(?:con|db),\s*[^,]+,\s*"([a-z_]+)\"""", path.read_text()))
        written |= set(re.findall(r"""access\.audit\(\s*"([a-z_]+)\"""", path.read_text()))
    assert {"login", "login_failed", "export", "track_view", "user_added"} <= written
    for event in written:
        assert audit_kind(event, "nl") != event or event == "export", event
        assert audit_kind(event, "en"), event
    assert audit_kind("something_new") == "something_new"
