"""The README cannot drift from the command lines: every sub-command is documented and has help."""

from __future__ import annotations

import argparse

import pytest
from project_paths import ROOT

from analytics.cli import build_parser as analytics_parser
from dashboards.report.__main__ import build_parser as report_parser
from etl.cli import build_parser

README = (ROOT / "README.md").read_text(encoding="utf-8")


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_readme_opens_with_the_two_commands():
    head = README[:400]
    assert "make run" in head and "make test" in head


@pytest.mark.parametrize("name", sorted(subcommands(build_parser())))
def test_every_etl_command_is_in_the_readme_with_help_and_an_example(name):
    command = subcommands(build_parser())[name]
    assert f"python -m etl {name}" in README
    assert command.description and "voorbeeld:" in command.description
    for action in command._actions:
        if action.option_strings and action.dest != "help":
            assert action.help or action.choices, f"{name} {action.option_strings} has no help"
            assert action.option_strings[0] in README, f"{name} {action.option_strings[0]} not in README"


@pytest.mark.parametrize("name", sorted(subcommands(analytics_parser())))
def test_every_analytics_command_is_in_the_readme_with_help_and_an_example(name):
    command = subcommands(analytics_parser())[name]
    assert f"python -m analytics {name}" in README
    assert command.description and "voorbeeld:" in command.description
    for action in command._actions:
        if action.option_strings and action.dest != "help":
            assert action.help, f"{name} {action.option_strings} has no help"
            assert action.option_strings[0] in README, f"{name} {action.option_strings[0]} not in README"


def test_the_meeting_pack_command_is_in_the_readme_with_help_and_an_example():
    parser = report_parser()
    assert "python -m dashboards.report" in README
    assert parser.description and "voorbeeld:" in parser.description
    for action in parser._actions:
        if action.option_strings and action.dest != "help":
            assert action.help, f"{action.option_strings} has no help"
            assert action.option_strings[0] in README.split("python -m dashboards.report", 1)[1], action.option_strings[
                0
            ]
