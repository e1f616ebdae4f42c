"""A second noise model: supplier lists as brands write them, made without the normaliser's tables.

    .venv/bin/python benchmarks/matching/noise.py [--registry 1000000] [--rows 10000]
        [--seed 2017] [--out var/benchmarks/matching]

The project's own generator (`imvo.core.matching.synthetic`) draws its noise from the same
spellings the normaliser knows, so a matcher tuned on it is judged on what it already knows.
This model starts from the same clean registry (the first known spelling of each facility of
`generate.py`'s registry) and writes each row as brands publish it: a name, ONE address string
(street, zone, city, postal code and often the country, in varying order and punctuation) and a
country, with no city or postal-code column. Its noise is written here from scratch: spaces lost
between words and doubled, case, a typo in one word of the name, a dropped postcode, a dropped
city prefix of the name, older romanisations of Chinese places, Turkish dotted and dotless i,
Vietnamese without diacritics, unit designations, house-number ranges and abbreviations of its
own. About a quarter of the rows are facilities the registry does not have: wholly new ones,
look-alikes with the same name in another city, and the same brand making another product
elsewhere. It does not import `imvo.core.normalise`, `imvo.core.legal_forms` or the generator's
noise functions.

Writes `brand-list-<N>-<rows>-<seed>.parquet` beside the registry: the row's values plus
`true_facility_id` (empty for a facility the registry does not have) and `kind` (how the row was
made: "known", "new", "namesake elsewhere", "other product").
"""

from __future__ import annotations

import argparse
import random
import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from imvo.core.matching.records import FacilityRecord
from imvo.core.matching.synthetic import synthetic_registry

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "var/benchmarks/matching"

# How brands write the country at the end of an address (a code, the English name, a local one).
COUNTRY_WRITTEN: dict[str, tuple[str, ...]] = {
    "CN": ("China", "P.R. China", "PRC", "P.R.C.", "CHINA"),
    "BD": ("Bangladesh", "BD", "BANGLADESH"),
    "IN": ("India", "IND", "INDIA"),
    "VN": ("Vietnam", "Viet Nam", "VN", "Việt Nam"),
    "TR": ("Turkey", "Türkiye", "Turkiye", "TR"),
    "ID": ("Indonesia", "INDONESIA", "ID"),
    "PK": ("Pakistan", "PAK"),
    "PT": ("Portugal", "PT"),
    "KH": ("Cambodia", "Kingdom of Cambodia", "KH"),
    "MA": ("Morocco", "Maroc"),
    "LK": ("Sri Lanka", "SRI LANKA"),
    "MM": ("Myanmar", "Burma"),
}

# Older (Postal and Wade-Giles) spellings of Chinese places, as still found on letterheads.
OLD_ROMANISATIONS: dict[str, str] = {
    "suzhou": "Soochow",
    "quanzhou": "Chuanchow",
    "guangzhou": "Canton",
    "tianjin": "Tientsin",
    "beijing": "Peking",
    "nanjing": "Nanking",
    "xiamen": "Amoy",
    "hangzhou": "Hangchow",
    "fuzhou": "Foochow",
    "qingdao": "Tsingtao",
    "ningbo": "Ningpo",
    "shantou": "Swatow",
    "chongqing": "Chungking",
    "changzhou": "Changchow",
    "wuxi": "Wusih",
    "zhenjiang": "Chinkiang",
    "guangdong": "Kwangtung",
    "fujian": "Fukien",
    "zhejiang": "Chekiang",
    "jiangsu": "Kiangsu",
    "shandong": "Shantung",
    "shenyang": "Mukden",
    "dalian": "Dairen",
    "yantai": "Chefoo",
    "wenzhou": "Wenchow",
    "shaoxing": "Shaohsing",
    "jiaxing": "Kashing",
    "nantong": "Nantung",
}

# Abbreviations as list writers use them (word, folded, to its short form).
SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "road": ("Rd", "Rd.", "RD"),
    "street": ("St", "St.", "Str."),
    "avenue": ("Ave", "Av."),
    "industrial": ("Ind.", "Indl", "Industry"),
    "zone": ("Z.", "Zn"),
    "district": ("Dist.", "Distt", "Dt."),
    "province": ("Prov.", "Pr."),
    "village": ("Vill.", "Vil."),
    "building": ("Bldg", "Bldg."),
    "development": ("Dev.", "Devt"),
    "number": ("No.", "#"),
    "company": ("Co", "Co.", "Comp."),
    "limited": ("Ltd", "Ltd.", "LTD"),
    "garment": ("Gmt", "Garm."),
    "garments": ("Gmts", "Garm."),
    "textile": ("Tex", "Text."),
    "textiles": ("Tex", "Texs"),
    "knitting": ("Knit", "Kntg"),
    "manufacturing": ("Mfg", "Mfg."),
    "international": ("Intl", "Int'l"),
    "mahallesi": ("Mah.", "Mh."),
    "caddesi": ("Cad.", "Cd."),
    "sokak": ("Sok.", "Sk."),
    "soka\u011f\u0131": ("Sk.",),
    "organize": ("Org.",),
    "sanayi": ("San.",),
    "phường": ("P.",),
    "quận": ("Q.",),
    "đường": ("Đ.",),
    "huyện": ("H.",),
    "kecamatan": ("Kec.",),
    "kabupaten": ("Kab.",),
    "jalan": ("Jl.", "Jln"),
    "desa": ("Ds.",),
}

# Products a brand may make in another facility (a look-alike that is not the same facility).
PRODUCTS = (
    "Garment",
    "Knitting",
    "Textile",
    "Dyeing",
    "Printing",
    "Shoes",
    "Weaving",
    "Spinning",
    "Embroidery",
    "Apparel",
    "Socks",
    "Leather",
)

_UNIT_DESIGNATIONS = ("Unit 2", "Unit-3", "Plant B", "Building 4", "Block C", "Factory 2")
_NUMBER = re.compile(r"\b(\d{1,4})\b")


@dataclass(frozen=True)
class BrandRow:
    record: FacilityRecord
    true_facility_id: str | None
    kind: str  # "known", "new", "namesake elsewhere", "other product"


def _fold(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def without_diacritics(text: str) -> str:
    """Vietnamese (or any Latin text) as typed on a keyboard without its diacritics."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def turkish_upper(text: str) -> str:
    """Upper case by Turkish rules: dotted i to dotted capital I, dotless i to plain I."""
    return text.replace("i", "\u0130").replace("\u0131", "I").upper()


def turkish_ascii(text: str) -> str:
    """Turkish typed on a keyboard without Turkish letters (the dotless i becomes a dotted one)."""
    table = str.maketrans("\u0131\u0130şŞğĞçÇöÖüÜ", "iIsSgGcCoOuU")
    return text.translate(table)


def typo(rng: random.Random, word: str) -> str:
    """One keyboard slip in a word of four letters or more: a letter lost, doubled or swapped."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    slip = rng.randrange(3)
    if slip == 0:
        return word[:i] + word[i + 1 :]
    if slip == 1:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _name_typo(rng: random.Random, name: str) -> str:
    words = name.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not long:
        return name
    i = rng.choice(long)
    words[i] = typo(rng, words[i])
    return " ".join(words)


def _lose_spaces(rng: random.Random, text: str, count: int) -> str:
    spaces = [m.start() for m in re.finditer(r"(?<=\w) (?=\w)", text)]
    for position in sorted(rng.sample(spaces, min(count, len(spaces))), reverse=True):
        text = text[:position] + text[position + 1 :]
    return text


def _double_spaces(rng: random.Random, text: str) -> str:
    spaces = [m.start() for m in re.finditer(" ", text)]
    if not spaces:
        return text
    position = rng.choice(spaces)
    return text[:position] + " " + text[position:]


def _abbreviate(rng: random.Random, text: str, share: float) -> str:
    def short(match: re.Match[str]) -> str:
        forms = SHORT_FORMS.get(match.group(0).lower())
        return rng.choice(forms) if forms and rng.random() < share else match.group(0)

    return re.sub(r"[^\W\d_]+", short, text)


def _old_romanisation(text: str) -> str:
    def older(match: re.Match[str]) -> str:
        word = match.group(0)
        return OLD_ROMANISATIONS.get(word.lower(), word)

    return re.sub(r"[A-Za-z]+", older, text)


def _number_range(rng: random.Random, text: str) -> str:
    match = _NUMBER.search(text)
    if match is None:
        return text
    number = int(match.group(1))
    written = rng.choice(
        (f"{number}-{number + 2}", f"{number}/{number + 1}", f"{number} & {number + 2}")
    )
    return text[: match.start()] + written + text[match.end() :]


def _drop_city_prefix(name: str, city: str) -> str:
    words = name.split(" ")
    if len(words) > 2 and city and _fold(words[0]) == _fold(city):
        return " ".join(words[1:])
    return name


def _case(rng: random.Random, text: str, country: str) -> str:
    roll = rng.random()
    if roll < 0.25:
        return turkish_upper(text) if country == "TR" and rng.random() < 0.5 else text.upper()
    if roll < 0.32:
        return text.lower()
    if roll < 0.4:
        return text.title()
    return text


def one_string_address(rng: random.Random, clean: FacilityRecord) -> str:
    """The address as one string: street and zone, city, postal code, country, in some order."""
    street = clean.address.strip()
    parts = [street]
    if clean.city and _fold(clean.city) not in _fold(street):
        parts.append(clean.city)
    if clean.postal_code and rng.random() < 0.6:  # else the postcode is dropped
        postal = clean.postal_code
        roll = rng.random()
        if roll < 0.4 and len(parts) > 1:
            parts[-1] = f"{parts[-1]} {postal}"
        elif roll < 0.55:
            parts.insert(len(parts) - 1 if len(parts) > 1 else 1, postal)
        else:
            parts.append(postal)
    if rng.random() < 0.55:
        parts.append(rng.choice(COUNTRY_WRITTEN.get(clean.country, (clean.country,))))
    separator = rng.choice((", ", ", ", ",", " ", " - ", "; "))
    return separator.join(parts)


def brand_noise(rng: random.Random, clean: FacilityRecord) -> tuple[str, str]:
    """The name and one-string address of a clean facility as a brand writes them."""
    name, address = clean.name, one_string_address(rng, clean)
    if rng.random() < 0.3:
        name = _name_typo(rng, name)
    if clean.country == "CN":
        if rng.random() < 0.25:
            name = _drop_city_prefix(name, clean.city)
        if rng.random() < 0.15:
            address = _old_romanisation(address)
            if rng.random() < 0.5:
                name = _old_romanisation(name)
    if clean.country == "VN" and rng.random() < 0.6:
        name, address = without_diacritics(name), without_diacritics(address)
    if clean.country == "TR" and rng.random() < 0.5:
        name, address = turkish_ascii(name), turkish_ascii(address)
    if rng.random() < 0.35:
        address = _abbreviate(rng, address, 0.7)
    if rng.random() < 0.2:
        name = _abbreviate(rng, name, 0.6)
    if rng.random() < 0.1:
        address = f"{rng.choice(_UNIT_DESIGNATIONS)}, {address}"
    if rng.random() < 0.1:
        address = _number_range(rng, address)
    if rng.random() < 0.3:
        address = _lose_spaces(rng, address, rng.randint(1, 3))
    if rng.random() < 0.1:
        name = _lose_spaces(rng, name, 1)
    if rng.random() < 0.2:
        address = _double_spaces(rng, address)
    if rng.random() < 0.1:
        name = _double_spaces(rng, name)
    return _case(rng, name, clean.country), _case(rng, address, clean.country)


def _other_product(rng: random.Random, name: str) -> str | None:
    words = name.split(" ")
    products = [i for i, w in enumerate(words) if w.capitalize().rstrip("s") in PRODUCTS]
    if not products:
        return None
    i = rng.choice(products)
    current = words[i].capitalize().rstrip("s")
    words[i] = rng.choice([p for p in PRODUCTS if p != current])
    return " ".join(words)


def clean_sample(registry: pa.Table, size: int, seed: int) -> list[FacilityRecord]:
    """`size` facilities drawn from the registry, each by its first (clean) spelling."""
    first = registry.filter(pc.ends_with(registry.column("record_id"), "/1"))
    rng = random.Random(seed)
    picks = sorted(rng.sample(range(first.num_rows), min(size, first.num_rows)))
    fields = list(FacilityRecord.__dataclass_fields__)
    chosen = first.take(pa.array(picks)).select(fields).to_pylist()
    return [FacilityRecord(**row) for row in chosen]


def brand_list(
    registry: pa.Table,
    rows: int,
    *,
    seed: int = 1,
    new_share: float = 0.25,
) -> tuple[BrandRow, ...]:
    """`rows` rows as brands write them, about `new_share` of them facilities not registered."""
    if rows < 1:
        raise ValueError("rows must be at least 1")
    rng = random.Random(seed)
    sample = clean_sample(registry, max(rows * 3, 5_000), seed)
    by_country: dict[str, list[FacilityRecord]] = defaultdict(list)
    for record in sample:
        by_country[record.country].append(record)
    known_names = {
        (country, _fold(name))
        for country, name in zip(
            registry.column("country").to_pylist(),
            registry.column("name").to_pylist(),
            strict=True,
        )
    }
    fresh = [
        r
        for r in synthetic_registry(rows, seed=seed + 7919)
        if r.record_id.endswith("/1") and (r.country, _fold(r.name)) not in known_names
    ]
    made: list[BrandRow] = []
    for number in range(2, rows + 2):
        roll = rng.random()
        base = rng.choice(sample)
        truth: str | None = base.facility_id
        kind = "known"
        clean = base
        if roll < new_share:
            truth = None
            lookalike = _lookalike(rng, base, by_country[base.country], known_names)
            if lookalike is not None and roll < new_share * 0.6:
                clean, kind = lookalike
            elif fresh:
                clean, kind = fresh.pop(), "new"
            else:
                continue
        name, address = brand_noise(rng, clean)
        record = FacilityRecord(
            record_id=f"r{number}",
            facility_id=None,
            country=clean.country,
            name=name,
            address=address,
        )
        made.append(BrandRow(record, truth, kind))
    return tuple(made)


def _lookalike(
    rng: random.Random,
    base: FacilityRecord,
    same_country: Sequence[FacilityRecord],
    known_names: set[tuple[str, str]],
) -> tuple[FacilityRecord, str] | None:
    """A facility not registered that looks like `base`: its name in another city, or another
    product of the same brand elsewhere."""
    elsewhere = [r for r in same_country if r.city and _fold(r.city) != _fold(base.city)]
    if not elsewhere:
        return None
    place = rng.choice(elsewhere)
    if rng.random() < 0.5:
        product = _other_product(rng, base.name)
        if product is not None and (base.country, _fold(product)) not in known_names:
            return FacilityRecord(
                record_id="",
                facility_id=None,
                country=base.country,
                name=product,
                address=place.address,
                city=place.city,
                postal_code=place.postal_code,
            ), "other product"
    return FacilityRecord(
        record_id="",
        facility_id=None,
        country=base.country,
        name=base.name,
        address=place.address,
        city=place.city,
        postal_code=place.postal_code,
    ), "namesake elsewhere"


def brand_list_path(out: Path, registry: int, rows: int, seed: int) -> Path:
    return out / f"brand-list-{registry}-{rows}-{seed}.parquet"


def write_brand_list(registry_file: Path, out_file: Path, rows: int, seed: int) -> Path:
    """Write the brand list for the registry in `registry_file` as Parquet."""
    started = time.perf_counter()
    registry = pq.read_table(registry_file, columns=list(FacilityRecord.__dataclass_fields__))
    made = brand_list(registry, rows, seed=seed)
    columns: dict[str, list[object]] = {name: [] for name in FacilityRecord.__dataclass_fields__}
    for row in made:
        for name, value in asdict(row.record).items():
            columns[name].append(value)
    columns["true_facility_id"] = [row.true_facility_id for row in made]
    columns["kind"] = [row.kind for row in made]
    out_file.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), out_file)
    print(f"wrote {out_file} ({len(made):,} rows) in {time.perf_counter() - started:.1f} s")
    return out_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=int, default=1_000_000, help="facilities")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    # generate.py's registry is the clean base; it writes it when it is not there yet
    import generate

    registry_file = generate.registry_path(args.out, args.registry, args.seed)
    if not registry_file.exists():
        generate.generate(args.registry, 1, args.seed, args.out)
    write_brand_list(
        registry_file,
        brand_list_path(args.out, args.registry, args.rows, args.seed),
        args.rows,
        args.seed + 2,
    )


if __name__ == "__main__":
    main()
