from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from imvo.core.covenants import STATUS_ORDER, StatusChange, in_force
from imvo.core.sectors import (
    SectorStatus,
    sector_status_on,
    sector_statuses_on,
    sectors_without_covenant,
)

SECTORS = ("textile", "metals", "food", "financial", "energy")
COVENANTS = {
    "textile": (
        frozenset({"textile"}),
        (StatusChange("negotiating", date(2015, 6, 1)), StatusChange("signed", date(2016, 7, 4))),
    ),
    "gold": (
        frozenset({"metals"}),
        (StatusChange("signed", date(2017, 6, 19)), StatusChange("ended", date(2020, 7, 13))),
    ),
    "metals": (
        frozenset({"metals"}),
        (StatusChange("planned", date(2018, 1, 1)), StatusChange("negotiating", date(2018, 9, 1))),
    ),
    "food": (
        frozenset({"food"}),
        (StatusChange("negotiating", date(2017, 1, 1)), StatusChange("signed", date(2018, 5, 1))),
    ),
    "insurance": (
        frozenset({"financial"}),
        (StatusChange("signed", date(2018, 7, 1)), StatusChange("terminated", date(2019, 7, 1))),
    ),
    "pension": (frozenset({"financial", "energy"}), (StatusChange("signed", date(2018, 12, 20)),)),
}


def test_sector_with_a_signed_covenant_has_a_covenant():
    status = sector_status_on(date(2017, 1, 1), "textile", COVENANTS)
    assert status == SectorStatus("textile", "covenant", ("textile",))


def test_sector_negotiating_a_covenant_is_negotiating():
    assert sector_status_on(date(2016, 1, 1), "textile", COVENANTS).state == "negotiating"


def test_planned_covenant_counts_as_negotiating():
    assert sector_status_on(date(2021, 1, 1), "metals", COVENANTS).state == "negotiating"
    status = sector_status_on(date(2018, 2, 1), "food", COVENANTS)
    assert status.state == "negotiating"


def test_sector_before_any_covenant_status_has_none():
    assert sector_status_on(date(2015, 1, 1), "textile", COVENANTS) == SectorStatus(
        "textile", "none", ()
    )


def test_sector_without_any_covenant_has_none():
    assert sector_status_on(date(2019, 1, 1), "tourism", COVENANTS) == SectorStatus(
        "tourism", "none", ()
    )


def test_sector_whose_covenants_all_ended_has_none_again():
    status = sector_status_on(date(2019, 10, 1), "financial", {"insurance": COVENANTS["insurance"]})
    assert status == SectorStatus("financial", "none", ("insurance",))


def test_signed_covenants_are_listed_first():
    status = sector_status_on(date(2019, 1, 1), "metals", COVENANTS)
    assert status == SectorStatus("metals", "covenant", ("gold", "metals"))
    later = sector_status_on(date(2021, 1, 1), "metals", COVENANTS)
    assert later.covenants == ("metals", "gold")


def test_covenant_in_several_sectors_counts_for_each():
    assert sector_status_on(date(2019, 1, 1), "energy", COVENANTS).state == "covenant"
    assert sector_status_on(date(2019, 8, 1), "financial", COVENANTS) == SectorStatus(
        "financial", "covenant", ("pension", "insurance")
    )


def test_sectors_without_covenant_keep_the_given_order_and_include_negotiating_ones():
    assert sectors_without_covenant(date(2018, 3, 1), SECTORS, COVENANTS) == (
        "food",
        "financial",
        "energy",
    )


def test_sector_statuses_follow_the_given_order():
    statuses = sector_statuses_on(date(2019, 1, 1), ("food", "textile"), COVENANTS)
    assert [s.sector for s in statuses] == ["food", "textile"]


histories = st.lists(
    st.builds(
        StatusChange,
        status=st.sampled_from(STATUS_ORDER),
        on=st.dates(min_value=date(2014, 1, 1), max_value=date(2022, 12, 31)),
    ),
    max_size=4,
)
landscapes = st.dictionaries(
    st.sampled_from(("a", "b", "c", "d")),
    st.tuples(st.frozensets(st.sampled_from(SECTORS), max_size=2), histories),
    max_size=4,
)


@given(landscapes, st.dates(min_value=date(2013, 1, 1), max_value=date(2023, 12, 31)))
def test_a_sector_has_a_covenant_exactly_when_one_of_its_covenants_is_in_force(landscape, day):
    for sector in SECTORS:
        status = sector_status_on(day, sector, landscape)
        mine = [changes for sectors, changes in landscape.values() if sector in sectors]
        assert (status.state == "covenant") == any(in_force(day, changes) for changes in mine)
        assert (sector in sectors_without_covenant(day, SECTORS, landscape)) == (
            status.state != "covenant"
        )
