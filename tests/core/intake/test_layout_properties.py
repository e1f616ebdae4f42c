"""Properties of finding the list: whatever title and notes stand above it, the header is found
and every facility is read with its spreadsheet row number; no facility is taken for a note."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from imvo.core.countries import country_code
from imvo.core.intake import map_headers, read_table, validate_rows
from imvo.core.intake.files import HEADER_SEARCH_ROWS
from imvo.core.intake.headers import header_score

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=30)
# Titles and notes: free text, which may by chance name one field, never two.
NOTE_LINES = st.lists(
    st.lists(WORDS, min_size=1, max_size=2).filter(lambda cells: header_score(cells)[1] < 2),
    max_size=HEADER_SEARCH_ROWS - 1,
)
FACILITIES = st.lists(
    st.tuples(
        WORDS.map(lambda word: f"{word.strip() or 'mill'} Ltd"),
        WORDS.map(lambda word: f"Road {len(word)}, {word.strip() or 'town'}"),
        st.sampled_from(["Bangladesh", "CN", "Türkiye", "Viet Nam", "India"]),
    ),
    min_size=1,
    max_size=20,
)


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


@settings(max_examples=200, deadline=None)
@given(notes=NOTE_LINES, blank=st.integers(0, 3), facilities=FACILITIES)
def test_the_header_below_any_notes_is_found_and_rows_keep_their_numbers(
    notes: list[list[str]], blank: int, facilities: list[tuple[str, str, str]]
) -> None:
    above = [*notes, *[[""]] * blank]
    header = ["Name", "Address", "Country"]
    data = as_csv([*above, header, *[list(row) for row in facilities]])
    table = read_table(data, filename="list.csv")
    written_header = len(above) + 1
    assert table.header_row == written_header
    assert len(table.above) == sum(1 for line in notes if any(c.strip() for c in line))
    result = validate_rows(table, map_headers(table.header), country_code=country_code)
    assert [row.number for row in result.accepted] == [
        written_header + 1 + index for index in range(len(facilities))
    ]
    assert result.errors == ()


TOTAL_WORDS = {"total", "totals", "totaal", "subtotal", "subtotaal", "eindtotaal", "grand"}
TOTAL_WORDS |= {"sub", "eind", "overall", "sum", "som", "summe", "gesamt"}
NOT_TOTALS = WORDS.filter(lambda text: not set(text.split()[:1]) & TOTAL_WORDS)


@settings(max_examples=200, deadline=None)
@given(facilities=FACILITIES, note=NOT_TOTALS)
def test_a_line_of_text_below_the_list_is_a_note_and_nothing_else(
    facilities: list[tuple[str, str, str]], note: str
) -> None:
    rows = [["Name", "Address", "Country"], *[list(row) for row in facilities], [note]]
    table = read_table(as_csv(rows), filename="list.csv")
    result = validate_rows(table, map_headers(table.header), country_code=country_code)
    assert len(result.accepted) == len(facilities)
    if note.strip():
        assert [(e.row, e.code) for e in result.errors] == [(len(rows), "row.note")]
