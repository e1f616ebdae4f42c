"""The publication story: seven textile participants hand in their 2018 lists.

Zeeman and HEMA (of the web cast) and five more companies. HEMA consents to be named for 2018;
nobody else does, so six companies form the unnamed group. Dhaka Knitwear is shared by Zeeman
and HEMA; every company but HEMA sources at Tirupur Shared Mill. Zeeman gave coordinates for
its Bursa factory that lie in Bangladesh (flagged), and for Anhui Silk correct ones.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from imvo.web.publication.services import consent_give
from imvo.web.registry import models as m
from imvo.web.suppliers.services import supplier_list_import
from web.suppliers.cast import StandInMatcher, csv_bytes

HEADER = ["Name", "Address", "City", "Country", "Latitude", "Longitude", "Product type", "Workers"]
ZEEMAN = [
    ["Dhaka Knitwear Ltd.", "Plot 12, Road 7", "Dhaka", "BD", "", "", "T-shirts", "1200"],
    [
        "Anhui Silk Garment Co.",
        "88 Changjiang Road",
        "Hefei",
        "CN",
        "31.82",
        "117.23",
        "Scarves",
        "",
    ],
    ["Bursa Orme Tekstil", "3. Cadde No 14", "Bursa", "TR", "23.81", "90.41", "Knitwear", "300"],
    ["Tirupur Shared Mill", "5 Avinashi Road", "Tirupur", "IN", "", "", "Yarn", "6000"],
]
HEMA = [
    ["Dhaka Knitwear Ltd.", "Plot 12, Road 7", "Dhaka", "BD", "", "", "Polo shirts", "1200"],
    ["Coimbatore Spinning Mills", "SF No. 45", "Coimbatore", "IN", "", "", "Yarn", ""],
]
OTHERS = ["wibra", "bever", "we-fashion", "c-and-a", "score"]
NON_CONSENTING_NAMES = ["Zeeman", "Wibra", "Bever", "WE Fashion", "C&A", "Score"]


def story(cast: Any, *, year: int = 2018) -> dict[str, Any]:
    """Write the story's companies, lists and consent; return the companies by slug."""
    companies = {"zeeman": cast.zeeman, "hema": cast.hema}
    for slug, name in zip(OTHERS, NON_CONSENTING_NAMES[1:], strict=True):
        company = m.Organisation.objects.create(
            slug=slug, name=name, kind="company", sector=cast.textile_sector
        )
        m.Participation.objects.create(
            covenant=cast.textile, organisation=company, joined_on=date(2017, 1, 1)
        )
        companies[slug] = company
    matcher = StandInMatcher()
    for number, (slug, company) in enumerate(companies.items()):
        own = [
            f"Karnaphuli Denim {number}",
            "1 Export Zone",
            "Chittagong",
            "BD",
            "",
            "",
            "Jeans",
            "",
        ]
        rows = {"zeeman": ZEEMAN, "hema": HEMA}.get(slug, [ZEEMAN[3], own])
        supplier_list_import(
            company=company,
            year=year,
            data=csv_bytes([HEADER, *rows], delimiter=",", encoding="utf-8"),
            filename=f"{slug}.csv",
            matcher=matcher,
        )
    consent_give(company=cast.hema, year=year)
    return companies
