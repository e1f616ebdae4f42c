"""Matching keys for facility names, addresses and postal codes from supplier lists.

Supplier lists spell the same factory in many ways: "Dongguan Humen Garment Co., Ltd.",
"DONGGUAN HUMEN GARMENT CO LTD", "东莞虎门服装有限公司"; "No. 12, Industrial Rd." and "12 Industrial
Road". The functions here turn such values into keys that compare equal when only spelling,
script, case, punctuation or legal form differ. They never replace the value a company reported:
callers keep the original and store the key beside it.

Every key is ASCII: lower-case letters and digits in words separated by single spaces. Words that
carry meaning stay, even common ones such as "garment" or "textile" (the matcher gives common
words less weight); only their spelling is made uniform ("mfg" becomes "manufacturing",
"Road" and "Rd." become "rd"). The order of words is kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from anyascii import anyascii

from imvo.core.legal_forms import strip_legal_forms

# Emoji and other pictographs carry no identity; transliterated they would become words
# (":grinning:"). Regional indicators (U+1F1E6..) stay: a flag transliterates to its country code.
_PICTOGRAPHS = re.compile(
    "[\u00a9\u00ae\u2122\u2600-\u27bf\ufe0f\u200d\U0001f000-\U0001f0ff\U0001f300-\U0001faff]"
)
_APOSTROPHES = re.compile(r"['`]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """The ASCII matching form of `text`: transliterated, lower case, punctuation as spaces.

    Unicode is normalised (NFKC), every script transliterated to ASCII, apostrophes dropped so
    that "Men's" and "Mens" agree, any other run of non-alphanumeric characters turned into one
    space. Folding a folded text changes nothing.

    >>> fold("Đồng Nai")
    'dong nai'
    >>> fold("  İSTANBUL / Türkiye ")
    'istanbul turkiye'
    >>> fold("Côte d'Ivoire")
    'cote divoire'
    >>> fold("东莞市")
    'dongguanshi'
    """
    if not text.isascii():
        text = anyascii(unicodedata.normalize("NFKC", _PICTOGRAPHS.sub(" ", text)))
    text = _APOSTROPHES.sub("", text.lower())
    return _NON_ALNUM.sub(" ", text).strip()


def tokens(key: str) -> tuple[str, ...]:
    """The words of a key, in order.

    >>> tokens("12 industrial rd")
    ('12', 'industrial', 'rd')
    """
    return tuple(key.split())


def postal_key(code: str) -> str:
    """A postal code without spaces, dashes or other punctuation, in upper case.

    >>> postal_key(" 1012 ab ")
    '1012AB'
    >>> postal_key("523-000")
    '523000'
    """
    return fold(code).replace(" ", "").upper()


Phrases = Mapping[tuple[str, ...], tuple[str, ...]]


def _phrase_table(spellings: Mapping[str, Sequence[str]]) -> Phrases:
    """{canonical: [folded spellings]} as {spelling words: canonical words}."""
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for canonical, variants in spellings.items():
        for variant in (canonical, *variants):
            words = tuple(variant.split())
            if words in table and table[words] != tuple(canonical.split()):
                raise ValueError(f"spelling {variant!r} has two canonical forms")
            table[words] = tuple(canonical.split())
    return table


def _replace_phrases(words: Sequence[str], table: Phrases, longest: int) -> list[str]:
    """Replace each phrase of `table` in `words`, trying longer phrases first."""
    out: list[str] = []
    i, n = 0, len(words)
    while i < n:
        for size in range(min(longest, n - i), 0, -1):
            replacement = table.get(tuple(words[i : i + size]))
            if replacement is not None:
                out.extend(replacement)
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


# Roman numerals that tell sites apart ("Factory II", "Phase III"). I, V and X are left alone:
# as single letters they are more often initials or block names than numbers.
_ROMAN = {
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "vi": "6",
    "vii": "7",
    "viii": "8",
    "ix": "9",
    "xi": "11",
    "xii": "12",
}


def _arabic_numerals(words: list[str]) -> list[str]:
    if len(words) < 2:
        return words
    return [_ROMAN.get(word, word) for word in words]


# --- names ------------------------------------------------------------------------------------

# "M/s" (messieurs), the courtesy prefix of company names in India, Bangladesh and Pakistan.
_COURTESY_PREFIX = re.compile(r"^\s*(?:m\s*/\s*s\b\.?|messrs\b\.?)\s*(?=\S)", re.IGNORECASE)
# Chinese, Japanese and Korean legal forms are written without spaces around them, so they are
# cut loose before transliteration glues them to the name ("...服装有限公司").
_CJK_LEGAL_FORMS = re.compile("股份有限公司|有限責任公司|有限责任公司|有限公司|株式会社|주식회사")

_NAME_SPELLINGS = _phrase_table(
    {
        "international": ["intl", "internatl", "internat"],
        "manufacturing": ["mfg", "mfng", "manufg"],
        "manufacturer": ["mfr"],
        "manufacturers": ["mfrs"],
        "company": ["co"],
        "companies": ["cos"],
        "cooperative": ["coop", "co op", "co operative", "cooperatives"],
        "brothers": ["bros"],
        "industries": ["inds"],
        "garments": ["gmts"],
        "garment": ["gmt"],
        "factory": ["fty"],
        "services": ["svcs"],
        "service": ["svc"],
        "enterprises": ["ents"],
        "department": ["dept"],
        "management": ["mgmt"],
        "national": ["natl"],
        "association": ["assn"],
    }
)
_NAME_LONGEST = max(len(words) for words in _NAME_SPELLINGS)


def name_key(name: str) -> str:
    """The matching key of a company or facility name: folded, legal forms removed.

    Abbreviations are written out ("Intl" -> "international", "Mfg" -> "manufacturing", "Co"
    that is not a legal form -> "company"), "&" becomes "and", Roman numerals after the first
    word become digits, and a leading "M/s" or "The" goes. Words such as "garment" stay.

    >>> name_key("M/s. Rahman Knit & Dyeing Mills (Pvt.) Ltd.")
    'rahman knit and dyeing mills'
    >>> name_key("PT. Eratex Djaja Tbk")
    'eratex djaja'
    >>> name_key("ABC Tekstil Sanayi ve Ticaret A.Ş.")
    'abc tekstil'
    >>> name_key("Saigon Garment Mfg. Co., Ltd. Factory II")
    'saigon garment manufacturing factory 2'
    """
    text = _COURTESY_PREFIX.sub("", name)
    text = _CJK_LEGAL_FORMS.sub(" co ltd ", text).replace("&", " and ")
    words = strip_legal_forms(fold(text)).split()
    words = _replace_phrases(words, _NAME_SPELLINGS, _NAME_LONGEST)
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(_arabic_numerals(words))


# --- addresses --------------------------------------------------------------------------------

# Chinese addresses run without spaces ("广东省东莞市虎门镇"); their administrative and street
# markers become the English words used when the same address is written in pinyin
# ("Humen Town, Dongguan City, Guangdong Province"). Longer markers come first.
_CJK_ADDRESS_MARKERS = {
    "工业园区": "industrial zone",
    "工業園區": "industrial zone",
    "工业园": "industrial zone",
    "工業園": "industrial zone",
    "工业区": "industrial zone",
    "工業區": "industrial zone",
    "开发区": "development zone",
    "開發區": "development zone",
    "大道": "avenue",
    "省": "province",
    "市": "city",
    "区": "district",
    "區": "district",
    "县": "county",
    "縣": "county",
    "镇": "town",
    "鎮": "town",
    "村": "village",
    "路": "road",
    "街": "street",
    "号": "number",
    "號": "number",
    "楼": "floor",
    "樓": "floor",
    "层": "floor",
    "層": "floor",
    "栋": "building",
    "棟": "building",
    "幢": "building",
}
_CJK_ADDRESS = re.compile("|".join(sorted(_CJK_ADDRESS_MARKERS, key=len, reverse=True)))
# "#12", "N° 12", "n.º 12": number signs, before folding turns them into spaces or "n o".
_NUMBER_SIGN = re.compile(r"#|\b[nN]\s?\.?\s?[°º]")
# "No12", "Sector-7A", "12A" -> separate words; ordinals (1st, 22nd, 3rd, 4th) stay whole.
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])(?!(?:st|nd|rd|th)\b)")

_ADDRESS_SPELLINGS = _phrase_table(
    {
        # streets and roads
        "rd": ["road", "roads", "marg", "lu", "estrada", "estr", "carretera", "ctra", "yolu"],
        "st": ["street", "str", "strasse", "straat", "jie", "rua", "rue", "calle"],
        "ave": ["avenue", "av", "avda", "avenida"],
        "blvd": ["boulevard", "bulvari", "bulvar", "blv", "bulv"],
        "hwy": ["highway", "quoc lo", "ql"],
        "ln": ["lane", "gali"],
        "jl": ["jalan", "jln"],
        "mah": ["mahallesi", "mahalle", "mh"],
        "cad": ["caddesi", "cadde", "cd"],
        "sk": ["sokak", "sokagi", "sok"],
        "no": ["number", "nr", "nos", "num", "numero", "hao"],
        # zones
        "iz": [
            "industrial zone",
            "industrial park",
            "industrial estate",
            "industrial area",
            "industrial district",
            "industrial cluster",
            "ind zone",
            "ind park",
            "ind estate",
            "ind area",
            "indl zone",
            "indl park",
            "indl estate",
            "indl area",
            "khu cong nghiep",
            "kcn",
            "cum cong nghiep",
            "ccn",
            "organize sanayi bolgesi",
            "organize sanayi",
            "osb",
            "o s b",
            "sanayi sitesi",
            "kawasan industri",
            "zona industrial",
            "zi",
            "z i",
            "poligono industrial",
            "pol ind",
            "gongyequ",
            "gongye qu",
            "gongyeyuan",
            "gongye yuan",
        ],
        "epz": ["export processing zone", "khu che xuat", "kcx"],
        "sez": ["special economic zone"],
        # administrative areas
        "district": ["dist", "distt", "quan", "huyen", "ilce", "ilcesi", "kecamatan", "kec", "qu"],
        "subdistrict": [
            "sub district",
            "sub dist",
            "subdist",
            "tambon",
            "upazila",
            "upazilla",
            "upozila",
            "tehsil",
            "taluk",
            "taluka",
        ],
        "ward": ["phuong"],
        "commune": ["xa"],
        "vill": ["village", "vil", "vlg", "thon", "desa", "cun", "koy", "koyu"],
        "town": ["township", "zhen", "thi tran"],
        "city": ["thanh pho", "tp", "shi", "kota"],
        "county": ["xian"],
        "regency": ["kabupaten", "kab"],
        "prov": ["province", "provinsi", "propinsi", "tinh", "sheng"],
        # buildings
        "bldg": ["building", "bld", "toa nha"],
        "fl": ["floor", "flr", "kat"],
        "blk": ["block", "blok"],
        "sec": ["sector", "sect"],
        "po": ["post office", "p o"],
    }
)
_ADDRESS_LONGEST = max(len(words) for words in _ADDRESS_SPELLINGS)


def address_key(address: str) -> str:
    """The matching key of an address: folded, with address words in one standard spelling.

    Road/Rd./Marg -> rd, Street/Str./Rua -> st, Number/No./Nr./# -> no, industrial zone/park/
    estate, KCN (Vietnamese khu công nghiệp), OSB (Turkish organize sanayi bölgesi) -> iz,
    district/quận/huyện/ilçe -> district, Mahallesi -> mah, Caddesi -> cad, Sokak -> sk, and so
    on (see `_ADDRESS_SPELLINGS`). Numbers are kept and split from letters ("No12" -> "no 12");
    the order of words is kept.

    >>> address_key("Plot No.12, Sector-7, Dhaka Export Processing Zone")
    'plot no 12 sec 7 dhaka epz'
    >>> address_key("Lô A2, KCN Tân Đông Hiệp B, Dĩ An, Bình Dương")
    'lo a 2 iz tan dong hiep b di an binh duong'
    >>> address_key("Akçaburgaz Mah. 3114. Sok. No:5 Esenyurt/İstanbul")
    'akcaburgaz mah 3114 sk no 5 esenyurt istanbul'
    >>> address_key("广东省东莞市虎门镇")
    'guangdong prov dongguan city humen town'
    """
    text = _CJK_ADDRESS.sub(lambda match: f" {_CJK_ADDRESS_MARKERS[match.group()]} ", address)
    text = _NUMBER_SIGN.sub(" no ", text)
    words = _LETTER_DIGIT.sub(" ", fold(text)).split()
    words = _replace_phrases(words, _ADDRESS_SPELLINGS, _ADDRESS_LONGEST)
    # Vietnamese "Số 12" is "No. 12"; "so" alone is left alone (it is an English word).
    words = [
        "no" if word == "so" and i + 1 < len(words) and words[i + 1].isdigit() else word
        for i, word in enumerate(words)
    ]
    return " ".join(_arabic_numerals(words))
