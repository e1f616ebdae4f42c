"""The Transparency Pledge bands of a facility's number of workers.

The pledge asks for the number of workers in four bands: fewer than 1,000; 1,001-5,000;
5,001-10,000; more than 10,000. A facility of exactly 1,000 workers goes in the first band (the
pledge leaves it out; the smallest band is the only one it can belong to without overlap).
"""

from __future__ import annotations

# As the pledge writes them, with en dashes.
PLEDGE_BANDS: tuple[str, ...] = ("<1,000", "1,001\u20135,000", "5,001\u201310,000", ">10,000")
_BOUNDS = (1000, 5000, 10000)

# The finer bands the supplier-list intake stores (`imvo.core.exports.workers_band`), each of
# which falls in exactly one pledge band.
_FROM_INTAKE = {
    "1-100": PLEDGE_BANDS[0],
    "101-500": PLEDGE_BANDS[0],
    "501-1000": PLEDGE_BANDS[0],
    "1001-5000": PLEDGE_BANDS[1],
    "5001-10000": PLEDGE_BANDS[2],
    "more than 10000": PLEDGE_BANDS[3],
}


def pledge_band(low: int, high: int | None) -> str:
    """The pledge band of a number of workers, or of a reported range by its middle.

    An open-ended report ("1000+") is placed by its lower bound.

    >>> pledge_band(1000, 1000), pledge_band(12000, None)
    ('<1,000', '>10,000')
    >>> pledge_band(800, 1400) == PLEDGE_BANDS[1]
    True
    """
    middle = low if high is None else (low + high) / 2
    for bound, label in zip(_BOUNDS, PLEDGE_BANDS, strict=False):
        if middle <= bound:
            return label
    return PLEDGE_BANDS[-1]


def pledge_band_of(intake_band: str) -> str | None:
    """The pledge band of a band stored by the intake ("501-1000"); None for none or unknown.

    >>> pledge_band_of("501-1000"), pledge_band_of("")
    ('<1,000', None)
    """
    return _FROM_INTAKE.get(intake_band.strip())
