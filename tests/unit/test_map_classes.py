"""The grid's colour classes: every count gets exactly one colour, change is symmetric around 0."""

from __future__ import annotations

import pytest

from dashboards.components.map import COUNT_COLOURS, FEWER, MORE, SAME, grid_classes


def colour_of(value, hideout):
    """The rule of civMap.gridStyle (assets/map.js), restated: breaks are exclusive upper bounds."""
    for bound, colour in zip(hideout["breaks"], hideout["colours"]):
        if value < bound:
            return colour
    return hideout["colours"][-1]


@pytest.mark.parametrize("top", [1, 2, 3, 7, 43, 380, 12000])
def test_count_classes_rise_from_the_lightest_to_the_darkest(top):
    hideout, legend = grid_classes([1, top], "count", "nl")
    assert hideout["field"] == "current"
    assert hideout["breaks"] == sorted(hideout["breaks"]) and len(hideout["colours"]) == len(hideout["breaks"]) + 1
    assert len(legend) == len(hideout["colours"]) <= 6
    assert all(colour in COUNT_COLOURS for colour in hideout["colours"])
    assert colour_of(top, hideout) == hideout["colours"][-1]
    if top > 1:
        assert colour_of(1, hideout) == hideout["colours"][0] != hideout["colours"][-1]


def test_count_legend_reads_as_ranges():
    _, legend = grid_classes([1, 4, 43], "count", "nl")
    labels = [label for _, label in legend]
    assert labels[0] == "1" and labels[-1].startswith("≥ ")
    assert all("…" in label for label in labels[1:-1] if label[0].isdigit() and not label.isdigit())


@pytest.mark.parametrize("widest", [0, 1, 2, 5, 31, 400])
def test_change_is_symmetric_and_no_change_is_grey(widest):
    hideout, legend = grid_classes([-widest, 0, widest], "change", "nl")
    assert hideout["field"] == "change"
    assert colour_of(0, hideout) == SAME
    colours = hideout["colours"]
    middle = colours.index(SAME)
    assert middle == len(colours) - 1 - middle  # as many classes below 0 as above
    assert all(c in FEWER for c in colours[:middle]) and all(c in MORE for c in colours[middle + 1 :])
    for v in range(1, widest + 1):  # +v and −v equally strong
        up, down = colours.index(colour_of(v, hideout)), colours.index(colour_of(-v, hideout))
        assert up - middle == middle - down
    assert [label for colour, label in legend if colour == SAME] == ["0"]


def test_change_labels_carry_their_sign():
    _, legend = grid_classes([-31, 31], "change", "en")
    assert [label for _, label in legend] == ["≤ −10", "−9 … −3", "−2 … −1", "0", "+1 … +2", "+3 … +9", "≥ +10"]
