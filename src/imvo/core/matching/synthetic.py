# ruff: noqa: E501, RUF001 - word lists in the languages suppliers write in, one per line
"""Synthetic facility registries and noisy supplier lists with ground truth.

Used to train the shipped model (`benchmarks/matching/train.py`), to measure it
(`benchmarks/matching/run.py`) and in the tests. Names and addresses follow the styles of the
main sourcing countries of the Dutch garment sector; supplier lists repeat registry facilities
the way companies really report them: typos, abbreviations, other legal forms, transliterations
(Bangalore/Bengaluru, Việt/Viet, Şahin/Sahin), reordered or dropped address parts, missing
fields and coordinates off by a street or by a province. The registry holds the hard cases:
the same name at another address, "… Unit 2" at the same address, sister companies of a group
at one address, and the same name in two countries.

Everything is drawn from one seeded `random.Random`, so a seed always gives the same data.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from imvo.core.matching.records import FacilityRecord

# --- country styles ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    city: str
    region: str
    postal: str  # a prefix; digits are added
    latitude: float
    longitude: float
    spellings: tuple[str, ...] = ()  # other names of the city in use


@dataclass(frozen=True)
class Style:
    country: str
    weight: float
    places: tuple[Place, ...]
    words: tuple[str, ...]  # distinctive name words
    industries: tuple[str, ...]
    legal_forms: tuple[str, ...]
    name: Callable[[random.Random, Style, Place], str]
    address: Callable[[random.Random, Style, Place], str]
    postal: Callable[[random.Random, Place], str]
    unit: tuple[str, ...] = ("Unit 2", "Unit-2", "Factory II", "Plant 2")


def _pick(rng: random.Random, items: Sequence[str]) -> str:
    return items[rng.randrange(len(items))]


def _num(rng: random.Random, top: int = 200) -> int:
    return rng.randint(1, top)


_PINYIN = [
    "an",
    "ao",
    "bai",
    "bao",
    "bei",
    "bin",
    "bo",
    "cai",
    "chang",
    "chen",
    "cheng",
    "chuang",
    "da",
    "de",
    "ding",
    "dong",
    "fa",
    "fang",
    "feng",
    "fu",
    "gang",
    "gao",
    "guang",
    "gui",
    "hai",
    "hang",
    "hao",
    "he",
    "heng",
    "hong",
    "hua",
    "huan",
    "hui",
    "jia",
    "jian",
    "jiang",
    "jin",
    "jing",
    "jiu",
    "kai",
    "kang",
    "li",
    "lian",
    "liang",
    "lin",
    "long",
    "lu",
    "mei",
    "ming",
    "nan",
    "ning",
    "pei",
    "peng",
    "ping",
    "qi",
    "qian",
    "qiang",
    "qing",
    "rong",
    "rui",
    "sen",
    "shan",
    "sheng",
    "shi",
    "shun",
    "tai",
    "tian",
    "tong",
    "wan",
    "wei",
    "wen",
    "xiang",
    "xin",
    "xing",
    "xu",
    "ya",
    "yang",
    "yi",
    "ying",
    "yong",
    "you",
    "yu",
    "yuan",
    "yue",
    "zhan",
    "zhen",
    "zheng",
    "zhi",
    "zhong",
    "zhou",
]


def _cn_word(rng: random.Random) -> str:
    return (_pick(rng, _PINYIN) + _pick(rng, _PINYIN)).capitalize()


def _cn_name(rng: random.Random, style: Style, place: Place) -> str:
    core = _cn_word(rng)
    industry = _pick(rng, style.industries)
    legal = _pick(rng, style.legal_forms)
    form = rng.random()
    if form < 0.6:
        return f"{place.city} {core} {industry} {legal}"
    if form < 0.8:
        return f"{place.region} {core} {industry} {legal}"
    return f"{core} {industry} ({place.city}) {legal}"


def _cn_address(rng: random.Random, style: Style, place: Place) -> str:
    town = _cn_word(rng)
    if rng.random() < 0.5:
        return (
            f"No. {_num(rng, 999)} {_cn_word(rng)} Road, {town} Town, {place.city} City, "
            f"{place.region} Province"
        )
    if rng.random() < 0.5:
        return f"{_cn_word(rng)} Industrial Zone, {town} Town, {place.city}, {place.region}"
    return (
        f"Building {_num(rng, 20)}, No. {_num(rng, 999)} {_cn_word(rng)} Avenue, "
        f"{town} District, {place.city}"
    )


def _digits_postal(width: int) -> Callable[[random.Random, Place], str]:
    def postal(rng: random.Random, place: Place) -> str:
        rest = width - len(place.postal)
        return place.postal + (f"{rng.randrange(10**rest):0{rest}d}" if rest > 0 else "")

    return postal


def _bd_name(rng: random.Random, style: Style, place: Place) -> str:
    words = _pick(rng, style.words)
    if rng.random() < 0.5:
        words += " " + _pick(rng, style.words)
    return f"{words} {_pick(rng, style.industries)} {_pick(rng, style.legal_forms)}"


_BD_AREAS = (
    "BSCIC Industrial Area",
    "Dhaka Export Processing Zone",
    "Kashimpur",
    "Konabari",
    "Bhogra Bypass",
    "Chandra",
    "Kanchpur",
    "Fatullah",
    "Kalurghat Heavy Industrial Area",
    "Mirpur",
    "Tejgaon Industrial Area",
    "Zirani Bazar",
    "Baipayl",
    "Nischintapur",
)


def _bd_address(rng: random.Random, style: Style, place: Place) -> str:
    if rng.random() < 0.6:
        return (
            f"Plot {_num(rng)}, Road {_num(rng, 30)}, {_pick(rng, _BD_AREAS)}, "
            f"{place.city}, {place.region}"
        )
    return (
        f"Holding {_num(rng, 500)}, Ward {_num(rng, 20)}, Village {_pick(rng, style.words)}, "
        f"{_pick(rng, _BD_AREAS)}, {place.city}"
    )


def _in_name(rng: random.Random, style: Style, place: Place) -> str:
    prefix = _pick(rng, ("Sri ", "Shree ", "New ", "", "", "", ""))
    words = _pick(rng, style.words)
    if rng.random() < 0.4:
        words += " " + _pick(rng, style.words)
    return f"{prefix}{words} {_pick(rng, style.industries)} {_pick(rng, style.legal_forms)}"


def _in_address(rng: random.Random, style: Style, place: Place) -> str:
    form = rng.random()
    if form < 0.35:
        return (
            f"{_num(rng, 300)}, {_pick(rng, style.words)} Nagar, {_pick(rng, style.words)} Road, "
            f"{place.city}, {place.region}"
        )
    if form < 0.6:
        return (
            f"SF No. {_num(rng, 900)}/{_num(rng, 9)}, {_pick(rng, style.words)} Road, {place.city}"
        )
    if form < 0.8:
        return f"Plot No. {_num(rng, 300)}, Sector {_num(rng, 90)}, {place.city}, {place.region}"
    return (
        f"{_num(rng, 99)}/{_num(rng, 9)}, {_pick(rng, style.words)} Industrial Estate, {place.city}"
    )


def _vn_name(rng: random.Random, style: Style, place: Place) -> str:
    core = _pick(rng, style.words) + " " + _pick(rng, style.words)
    industry = _pick(rng, style.industries)
    form = rng.random()
    if form < 0.5:
        return f"Công ty TNHH {industry} {core}"
    if form < 0.75:
        return f"Công ty Cổ phần {industry} {core}"
    return f"{core} {industry} Co., Ltd."


def _vn_address(rng: random.Random, style: Style, place: Place) -> str:
    if rng.random() < 0.55:
        return (
            f"Lô {_pick(rng, 'ABCDEFGH')}{_num(rng, 30)}, KCN {_pick(rng, style.words)}, "
            f"{place.city}, {place.region}"
        )
    return (
        f"Số {_num(rng, 400)} Đường {_pick(rng, style.words)}, Phường {_pick(rng, style.words)}, "
        f"{place.city}, {place.region}"
    )


def _tr_name(rng: random.Random, style: Style, place: Place) -> str:
    words = _pick(rng, style.words)
    if rng.random() < 0.5:
        words += " " + _pick(rng, style.words)
    return f"{words} {_pick(rng, style.industries)} {_pick(rng, style.legal_forms)}"


def _tr_address(rng: random.Random, style: Style, place: Place) -> str:
    if rng.random() < 0.6:
        return (
            f"{_pick(rng, style.words)} Mah. {_num(rng, 999)}. Sok. No:{_num(rng, 120)} "
            f"{place.city}/{place.region}"
        )
    return (
        f"{place.region} Organize Sanayi Bölgesi {_num(rng, 30)}. Cad. No: {_num(rng, 90)} "
        f"{place.city} / {place.region}"
    )


def _pk_name(rng: random.Random, style: Style, place: Place) -> str:
    words = _pick(rng, style.words)
    if rng.random() < 0.4:
        words += " " + _pick(rng, style.words)
    return f"{words} {_pick(rng, style.industries)} {_pick(rng, style.legal_forms)}"


def _pk_address(rng: random.Random, style: Style, place: Place) -> str:
    form = rng.random()
    if form < 0.4:
        return f"{_num(rng, 40)} KM {_pick(rng, style.words)} Road, {place.city}"
    if form < 0.7:
        return f"Plot {_num(rng, 400)}, Sector {_num(rng, 30)}, Industrial Area, {place.city}"
    return f"P-{_num(rng, 300)}, Small Industrial Estate, {place.city}, {place.region}"


def _id_name(rng: random.Random, style: Style, place: Place) -> str:
    core = _pick(rng, style.words) + " " + _pick(rng, style.words)
    if rng.random() < 0.5:
        core += " " + _pick(rng, style.industries)
    return f"{_pick(rng, style.legal_forms)} {core}"


def _id_address(rng: random.Random, style: Style, place: Place) -> str:
    if rng.random() < 0.6:
        return (
            f"Jl. {_pick(rng, style.words)} No. {_num(rng, 300)}, Desa {_pick(rng, style.words)}, "
            f"Kec. {_pick(rng, style.words)}, {place.city}, {place.region}"
        )
    return f"Jalan Raya {_pick(rng, style.words)} Km {_num(rng, 40)}, {place.city}, {place.region}"


def _pt_name(rng: random.Random, style: Style, place: Place) -> str:
    form = rng.random()
    legal = _pick(rng, style.legal_forms)
    if form < 0.35:
        return f"{_pick(rng, style.words)} & {_pick(rng, style.words)}, {legal}"
    if form < 0.7:
        return f"{_pick(rng, style.industries)} {_pick(rng, style.words)}, {legal}"
    return f"{_pick(rng, style.words)} {_pick(rng, style.words)} - Indústria Têxtil, {legal}"


def _pt_address(rng: random.Random, style: Style, place: Place) -> str:
    if rng.random() < 0.6:
        return f"Rua {_pick(rng, style.words)} {_pick(rng, style.words)}, {_num(rng, 900)}, {place.city}"
    if rng.random() < 0.5:
        return f"Avenida {_pick(rng, style.words)}, n.º {_num(rng, 400)}, {place.city}"
    return f"Zona Industrial de {place.city}, Lote {_num(rng, 80)}"


def _generic_name(rng: random.Random, style: Style, place: Place) -> str:
    words = _pick(rng, style.words)
    if rng.random() < 0.5:
        words += " " + _pick(rng, style.words)
    return f"{words} {_pick(rng, style.industries)} {_pick(rng, style.legal_forms)}"


def _generic_address(rng: random.Random, style: Style, place: Place) -> str:
    if rng.random() < 0.5:
        return f"No. {_num(rng, 300)}, {_pick(rng, style.words)} Street, {place.city}"
    return f"Plot {_num(rng, 200)}, {place.region} Industrial Zone, {place.city}"


def _places(
    *rows: tuple[str, str, str, float, float] | tuple[str, str, str, float, float, str],
) -> tuple[Place, ...]:
    return tuple(
        Place(*row[:5], tuple(str(row[5]).split("|")) if len(row) > 5 else ()) for row in rows
    )


_GARMENT_WORDS = (
    "Star",
    "Sun",
    "Moon",
    "Delta",
    "Eastern",
    "Western",
    "Northern",
    "Southern",
    "Unique",
    "Modern",
    "Royal",
    "Golden",
    "Silver",
    "Pacific",
    "Global",
    "Prime",
    "Premier",
    "Pioneer",
    "Crystal",
    "Diamond",
    "Pearl",
    "Ocean",
    "River",
    "Lotus",
    "Orchid",
    "Jasmine",
    "Phoenix",
    "Dragon",
    "Tiger",
    "Lion",
    "Eagle",
    "Falcon",
    "Crown",
    "Empire",
    "Victory",
    "Unity",
    "Harmony",
    "Liberty",
    "Apex",
    "Zenith",
)

STYLES: tuple[Style, ...] = (
    Style(
        "CN",
        0.30,
        _places(
            ("Dongguan", "Guangdong", "523", 23.02, 113.75),
            ("Guangzhou", "Guangdong", "510", 23.13, 113.26),
            ("Shenzhen", "Guangdong", "518", 22.54, 114.06),
            ("Foshan", "Guangdong", "528", 23.02, 113.12),
            ("Shantou", "Guangdong", "515", 23.35, 116.68),
            ("Zhongshan", "Guangdong", "5284", 22.52, 113.39),
            ("Ningbo", "Zhejiang", "315", 29.87, 121.54),
            ("Hangzhou", "Zhejiang", "310", 30.27, 120.15),
            ("Shaoxing", "Zhejiang", "312", 30.0, 120.58),
            ("Wenzhou", "Zhejiang", "325", 28.0, 120.7),
            ("Huzhou", "Zhejiang", "313", 30.87, 120.09),
            ("Jiaxing", "Zhejiang", "314", 30.75, 120.76),
            ("Suzhou", "Jiangsu", "215", 31.3, 120.62),
            ("Wuxi", "Jiangsu", "214", 31.49, 120.31),
            ("Changzhou", "Jiangsu", "213", 31.81, 119.97),
            ("Nantong", "Jiangsu", "226", 32.0, 120.86),
            ("Changshu", "Jiangsu", "2155", 31.65, 120.75),
            ("Jinjiang", "Fujian", "3622", 24.78, 118.55),
            ("Xiamen", "Fujian", "361", 24.48, 118.09),
            ("Quanzhou", "Fujian", "362", 24.87, 118.68),
            ("Fuzhou", "Fujian", "350", 26.07, 119.3),
            ("Qingdao", "Shandong", "266", 36.07, 120.38),
            ("Yantai", "Shandong", "264", 37.46, 121.45),
            ("Weifang", "Shandong", "261", 36.7, 119.1),
            ("Wuhan", "Hubei", "430", 30.59, 114.31),
            ("Nanchang", "Jiangxi", "330", 28.68, 115.86),
            ("Shijiazhuang", "Hebei", "050", 38.04, 114.51),
        ),
        (),
        (
            *[
                "Garment",
                "Garments",
                "Textile",
                "Knitting",
                "Apparel",
                "Clothing",
                "Fashion",
                "Weaving",
                "Dyeing",
                "Shoes",
                "Footwear",
                "Toys",
                "Silk",
                "Sweater",
                "Embroidery",
                "Accessories",
                "Industrial",
                "Trading",
            ],
            "Printing and Dyeing",
            "Leather Products",
            "Home Textile",
            "Down Products",
            "Industry and Trade",
            "Import and Export",
        ),
        ("Co., Ltd.", "Co.,Ltd", "Company Limited", "Co. Ltd", "Group Co., Ltd.", "Limited"),
        _cn_name,
        _cn_address,
        _digits_postal(6),
        ("Branch", "No. 2 Factory", "Factory II", "Plant 2"),
    ),
    Style(
        "BD",
        0.12,
        _places(
            ("Gazipur", "Dhaka Division", "17", 24.0, 90.42),
            ("Dhaka", "Dhaka Division", "12", 23.81, 90.41),
            ("Narayanganj", "Dhaka Division", "14", 23.62, 90.5),
            ("Chattogram", "Chattogram Division", "40", 22.36, 91.78, "Chittagong|Ctg"),
            ("Savar", "Dhaka Division", "134", 23.85, 90.26),
            ("Ashulia", "Dhaka Division", "1341", 23.9, 90.3),
            ("Tongi", "Dhaka Division", "171", 23.89, 90.40),
            ("Mymensingh", "Mymensingh Division", "22", 24.75, 90.4),
        ),
        (
            "Rahman",
            "Karim",
            "Hossain",
            "Anwar",
            "Shanta",
            "Akij",
            "Mondol",
            "Hamim",
            "Square",
            "Envoy",
            "Ananta",
            "Fakir",
            "Tarasima",
            "Babylon",
            "Opex",
            "Masco",
            "Snowtex",
            "Rupali",
            "Sonali",
            "Padma",
            "Meghna",
            "Jamuna",
            "Karnaphuli",
            "Chowdhury",
            "Islam",
            "Alam",
            "Uddin",
            "Ahmed",
            "Siddique",
            "Khan",
            "Noor",
            "Nahar",
            "Bengal",
            "Desh",
            "Bangla",
            "Abedin",
            "Haque",
            "Mollah",
            "Sarker",
            "Talukder",
            "Bhuiyan",
            "Mridha",
            "Shikder",
            "Akter",
            "Begum",
            "Zaman",
            "Kabir",
            "Latif",
            "Rashid",
            "Sattar",
            "Jalal",
            "Kamal",
            "Faruk",
            "Nasir",
            "Mostafa",
            "Habib",
            "Monir",
            "Shafi",
            "Tanvir",
            "Emam",
            "Dulal",
            "Nabil",
            "Reza",
            "Ruposhi",
            "Shapla",
            "Doel",
            "Kushum",
            "Bokul",
            "Shimul",
            "Palash",
            "Golap",
            "Aziz",
            "Mahmud",
            "Sadia",
            *_GARMENT_WORDS,
        ),
        (
            "Knit",
            "Knitwear",
            "Apparels",
            "Garments",
            "Fashions",
            "Sweaters",
            "Textiles",
            "Denim",
            "Composite",
            "Dyeing",
            "Washing",
            "Designs",
            "Attire",
            "Wear",
            "Knit Composite",
            "Spinning Mills",
            "Knit Fabrics",
        ),
        ("Ltd.", "Limited", "Ltd", "(Pvt.) Ltd."),
        _bd_name,
        _bd_address,
        _digits_postal(4),
    ),
    Style(
        "IN",
        0.12,
        _places(
            ("Tiruppur", "Tamil Nadu", "6416", 11.11, 77.34, "Tirupur"),
            ("Bengaluru", "Karnataka", "560", 12.97, 77.59, "Bangalore"),
            ("Noida", "Uttar Pradesh", "2013", 28.54, 77.39),
            ("Gurugram", "Haryana", "1220", 28.46, 77.03, "Gurgaon"),
            ("Ludhiana", "Punjab", "1410", 30.9, 75.85),
            ("Chennai", "Tamil Nadu", "600", 13.08, 80.27, "Madras"),
            ("Mumbai", "Maharashtra", "400", 19.08, 72.88, "Bombay"),
            ("Jaipur", "Rajasthan", "302", 26.91, 75.79),
            ("Kolkata", "West Bengal", "700", 22.57, 88.36, "Calcutta"),
            ("Ahmedabad", "Gujarat", "380", 23.02, 72.57),
            ("Panipat", "Haryana", "1321", 29.39, 76.97),
            ("Karur", "Tamil Nadu", "6390", 10.96, 78.08),
            ("Erode", "Tamil Nadu", "6380", 11.34, 77.72),
        ),
        (
            "Lakshmi",
            "Balaji",
            "Ganesh",
            "Murugan",
            "Shahi",
            "Gokaldas",
            "Arvind",
            "Vardhman",
            "Raymond",
            "Welspun",
            "Trident",
            "Alok",
            "Kitex",
            "Eastman",
            "Poppys",
            "Richa",
            "Orient",
            "Texport",
            "Radnik",
            "Matrix",
            "Laxmi",
            "Saravana",
            "Annai",
            "Vel",
            "Kumaran",
            "Senthil",
            "Krishna",
            "Durga",
            "Shiva",
            "Jay",
            "Mahalaxmi",
            "Raghav",
            "Aditya",
            "Bharat",
            "Hindustan",
            "Indo",
            "Madura",
            "Nandi",
            "Siddharth",
            "Sunrise",
            "Swastik",
            "Tulsi",
            "Vijay",
            "Ambika",
            "Bhavani",
            "Chandra",
            "Deepa",
            "Gayathri",
            "Hari",
            "Jothi",
            "Kamakshi",
            "Lalitha",
            "Meena",
            "Nithya",
            "Padma",
            "Ramya",
            "Sakthi",
            "Thirumalai",
            "Uma",
            "Vasantha",
            "Yamuna",
            "Anand",
            "Bala",
            "Dinesh",
            "Gopal",
            "Kannan",
            "Mohan",
            "Prakash",
            "Rajesh",
            "Sundar",
            "Venkat",
            "Amman",
            "Angel",
            "Apex",
            "Classic",
            "Colour",
            "Cotton",
            "Fine",
            "Grace",
            "Elegant",
            "Harvest",
            "Heritage",
            "Jupiter",
            *_GARMENT_WORDS,
        ),
        (
            "Exports",
            "Overseas",
            "Apparels",
            "Textiles",
            "Knitwear",
            "Fabrics",
            "Creations",
            "Clothing",
            "Garments",
            "Processors",
            "Industries",
            "International",
            "Fashions",
            "Impex",
            "Knits",
            "Mills",
            "Spinning Mills",
            "Home Furnishings",
            "Knit Fabs",
        ),
        ("Pvt. Ltd.", "Private Limited", "Pvt Ltd", "Ltd.", "Limited", "(P) Ltd"),
        _in_name,
        _in_address,
        _digits_postal(6),
    ),
    Style(
        "VN",
        0.10,
        _places(
            ("Thủ Dầu Một", "Bình Dương", "75", 11.0, 106.65),
            ("Dĩ An", "Bình Dương", "75", 10.9, 106.77),
            ("Thuận An", "Bình Dương", "75", 10.93, 106.71),
            ("Biên Hòa", "Đồng Nai", "76", 10.95, 106.82),
            ("Nhơn Trạch", "Đồng Nai", "76", 10.7, 106.9),
            ("Quận 12", "Hồ Chí Minh", "70", 10.87, 106.64, "District 12"),
            ("Tân Bình", "Hồ Chí Minh", "70", 10.8, 106.65),
            ("Củ Chi", "Hồ Chí Minh", "70", 11.0, 106.5),
            ("Long Biên", "Hà Nội", "10", 21.04, 105.89),
            ("Nam Định", "Nam Định", "42", 20.42, 106.17),
            ("Hải Phòng", "Hải Phòng", "18", 20.86, 106.68),
            ("Tân An", "Long An", "82", 10.54, 106.41),
            ("Bắc Giang", "Bắc Giang", "26", 21.27, 106.19),
        ),
        (
            "Việt",
            "Tiến",
            "Nhà",
            "Bè",
            "Phong",
            "Phú",
            "Thành",
            "Công",
            "Hòa",
            "Thọ",
            "Đức",
            "Giang",
            "Hưng",
            "Yên",
            "Tiến",
            "Thuận",
            "Phú",
            "Thịnh",
            "Hoàng",
            "Long",
            "Minh",
            "Anh",
            "Sao",
            "Mai",
            "Tân",
            "Hồng",
            "Phát",
            "Nam",
            "An",
            "Phước",
            "Thắng",
            "Bình",
            "Kim",
            "Lộc",
            "Hải",
            "Sơn",
            "Trường",
            "Giang",
            "Quang",
            "Huy",
            "Hòa",
            "Bình",
            "Đông",
            "Tây",
            "Bắc",
            "Hưng",
            "Thái",
            "Dương",
            "Ngọc",
            "Xuân",
            "Thu",
            "Hạ",
            "Đông",
            "Lâm",
            "Vinh",
            "Hiệp",
            "Lực",
            "Tài",
            "Đức",
            "Nghĩa",
            "Trí",
            "Hoa",
            "Mai",
            "Lan",
            "Cúc",
            "Trúc",
            "Tùng",
            "Bách",
            "Hansae",
            "Pouyuen",
            "Changshin",
            "Taekwang",
            "Youngone",
            "Shinwon",
            "Poongin",
            "Esquel",
            "Regina",
            "Chutex",
            "Vina",
        ),
        ("May", "Dệt May", "Dệt", "Thời Trang", "Giày", "May Mặc", "Sợi"),
        ("Công ty TNHH", "Co., Ltd."),
        _vn_name,
        _vn_address,
        _digits_postal(6),
        ("Chi nhánh 2", "Nhà máy 2", "Factory 2"),
    ),
    Style(
        "TR",
        0.09,
        _places(
            ("Esenyurt", "İstanbul", "345", 41.03, 28.67),
            ("Bağcılar", "İstanbul", "342", 41.04, 28.85),
            ("Güngören", "İstanbul", "341", 41.02, 28.87),
            ("Zeytinburnu", "İstanbul", "340", 40.99, 28.9),
            ("Başakşehir", "İstanbul", "344", 41.09, 28.8),
            ("Osmangazi", "Bursa", "160", 40.2, 29.06),
            ("Nilüfer", "Bursa", "161", 40.21, 28.98),
            ("Torbalı", "İzmir", "358", 38.16, 27.36),
            ("Merkezefendi", "Denizli", "200", 37.77, 29.06),
            ("Şehitkamil", "Gaziantep", "270", 37.09, 37.36),
            ("Onikişubat", "Kahramanmaraş", "460", 37.58, 36.93),
            ("Çorlu", "Tekirdağ", "598", 41.16, 27.8),
            ("Çerkezköy", "Tekirdağ", "595", 41.28, 28.0),
        ),
        (
            "Akın",
            "Yılmaz",
            "Öztürk",
            "Kaya",
            "Demir",
            "Şahin",
            "Çelik",
            "Aydın",
            "Özdemir",
            "Arslan",
            "Doğan",
            "Kılıç",
            "Aslan",
            "Çetin",
            "Koç",
            "Kurt",
            "Özkan",
            "Şimşek",
            "Polat",
            "Erdoğan",
            "Güneş",
            "Yıldız",
            "Ak",
            "Ege",
            "Marmara",
            "Anadolu",
            "Boyteks",
            "Kipaş",
            "Sanko",
            "Taypa",
            "Menderes",
            "Bossa",
            "Karsu",
            "Söktaş",
            "Yeşim",
            "Ayhan",
            "Ersoy",
            "Mavi",
            "Işık",
            "Gül",
            "Bahar",
            "Deniz",
            "Yıldırım",
            "Tuna",
            "Akdeniz",
            "Karadeniz",
            "Toros",
            "Uludağ",
            "Erciyes",
            "Kartal",
            "Şimşir",
            "Çınar",
            "Elif",
            "Nur",
            "Sena",
            "Zeynep",
            "Emre",
            "Mert",
            "Burak",
            "Can",
            "Ozan",
            "Serkan",
            "Hakan",
            "Murat",
            "Ufuk",
            "Umut",
        ),
        (
            "Tekstil",
            "Konfeksiyon",
            "Örme",
            "Dokuma",
            "Boya",
            "İplik",
            "Giyim",
            "Hazır Giyim",
            "Çorap",
            "Denim",
            "Triko",
            "Ev Tekstili",
        ),
        ("Sanayi ve Ticaret A.Ş.", "San. ve Tic. A.Ş.", "San. Tic. Ltd. Şti.", "Ltd. Şti.", "A.Ş."),
        _tr_name,
        _tr_address,
        _digits_postal(5),
        ("2. Fabrika", "Fabrika 2", "Şube 2"),
    ),
    Style(
        "PK",
        0.06,
        _places(
            ("Faisalabad", "Punjab", "380", 31.42, 73.08),
            ("Lahore", "Punjab", "540", 31.52, 74.36),
            ("Karachi", "Sindh", "742", 24.86, 67.0),
            ("Sialkot", "Punjab", "513", 32.49, 74.52),
            ("Multan", "Punjab", "600", 30.16, 71.52),
        ),
        (
            "Nishat",
            "Masood",
            "Kohinoor",
            "Sapphire",
            "Crescent",
            "Interloop",
            "Artistic",
            "Lucky",
            "Yunus",
            "Chenab",
            "Sitara",
            "Fazal",
            "Ittehad",
            "Naveena",
            "Arzoo",
            "Zahidjee",
            "Kamal",
            "Ibrahim",
            "Mehran",
            "Indus",
            "Ravi",
            "Punjab",
            "Usman",
            "Hussain",
            "Faisal",
            "Javed",
            "Tariq",
            "Shahzad",
            "Al-Karam",
            "Al-Rehman",
            "Gul",
            "Din",
            "Bilal",
            "Hamza",
            "Imran",
            "Junaid",
            "Kashif",
            "Nadeem",
            "Rizwan",
            "Saleem",
            "Waqar",
            "Zubair",
            "Anwar",
            "Akhtar",
            "Siddiqui",
            *_GARMENT_WORDS,
        ),
        (
            "Textile Mills",
            "Industries",
            "Apparel",
            "Fabrics",
            "Hosiery",
            "Knitwear",
            "Denim",
            "Towels",
            "Sports",
            "Garments",
        ),
        ("(Pvt) Ltd", "(Pvt.) Limited", "Pvt Ltd", "Limited", "Ltd."),
        _pk_name,
        _pk_address,
        _digits_postal(5),
    ),
    Style(
        "ID",
        0.06,
        _places(
            ("Kabupaten Bandung", "Jawa Barat", "40", -6.95, 107.6, "Kab. Bandung|Bandung"),
            ("Bogor", "Jawa Barat", "16", -6.6, 106.8),
            ("Bekasi", "Jawa Barat", "17", -6.24, 106.99),
            ("Tangerang", "Banten", "15", -6.18, 106.63),
            ("Semarang", "Jawa Tengah", "50", -6.97, 110.42),
            ("Sukoharjo", "Jawa Tengah", "57", -7.68, 110.84),
            ("Boyolali", "Jawa Tengah", "573", -7.53, 110.6),
            ("Surabaya", "Jawa Timur", "60", -7.25, 112.75),
            ("Sidoarjo", "Jawa Timur", "612", -7.45, 112.72),
            ("Karawang", "Jawa Barat", "413", -6.3, 107.3),
            ("Purwakarta", "Jawa Barat", "411", -6.56, 107.44),
        ),
        (
            "Eratex",
            "Djaja",
            "Bintang",
            "Mas",
            "Sentosa",
            "Jaya",
            "Abadi",
            "Makmur",
            "Sejahtera",
            "Mandiri",
            "Utama",
            "Indah",
            "Karya",
            "Cahaya",
            "Mulia",
            "Agung",
            "Nusantara",
            "Maju",
            "Lestari",
            "Perkasa",
            "Prima",
            "Sinar",
            "Surya",
            "Dinamika",
            "Mega",
            "Andalan",
            "Kahatex",
            "Golden",
            "Ungaran",
            "Sari",
            "Trisula",
            "Busana",
            "Kencana",
            "Permata",
            "Anugerah",
            "Berkah",
            "Harapan",
            "Cipta",
            "Daya",
            "Gemilang",
            "Indo",
            "Kurnia",
            "Lancar",
            "Murni",
            "Pratama",
            "Raya",
            "Setia",
            "Tunas",
            "Wijaya",
            "Bersama",
            "Santosa",
            "Rejeki",
            "Intan",
            "Mutiara",
            "Pelangi",
            "Bumi",
            "Samudra",
        ),
        ("Tekstil", "Garmen", "Busana", "Apparel", "Industri", "Knitting", "Sandang", "Textile"),
        ("PT", "PT.", "P.T."),
        _id_name,
        _id_address,
        _digits_postal(5),
        ("Unit 2", "Plant 2", "II"),
    ),
    Style(
        "PT",
        0.04,
        _places(
            ("Barcelos", "Braga", "475", 41.53, -8.62),
            ("Guimarães", "Braga", "48", 41.44, -8.29),
            ("Braga", "Braga", "47", 41.55, -8.42),
            ("Vila Nova de Famalicão", "Braga", "476", 41.41, -8.52),
            ("Santo Tirso", "Porto", "478", 41.34, -8.47),
            ("Felgueiras", "Porto", "461", 41.36, -8.2),
            ("Covilhã", "Castelo Branco", "62", 40.28, -7.5),
            ("Vizela", "Braga", "4815", 41.38, -8.3),
            ("Paços de Ferreira", "Porto", "459", 41.27, -8.38),
        ),
        (
            "Silva",
            "Santos",
            "Ferreira",
            "Pereira",
            "Oliveira",
            "Costa",
            "Rodrigues",
            "Martins",
            "Jesus",
            "Sousa",
            "Fernandes",
            "Gonçalves",
            "Gomes",
            "Lopes",
            "Marques",
            "Alves",
            "Almeida",
            "Ribeiro",
            "Pinto",
            "Carvalho",
            "Teixeira",
            "Moreira",
            "Correia",
            "Mendes",
            "Nunes",
            "Soares",
            "Vieira",
            "Monteiro",
            "Cardoso",
            "Rocha",
            "Neves",
            "Coelho",
            "Cruz",
            "Cunha",
            "Pires",
            "Ramos",
            "Reis",
            "Simões",
            "Antunes",
            "Matos",
            "Fonseca",
            "Machado",
            "Araújo",
            "Barbosa",
            "Tavares",
            "Lourenço",
            "Castro",
            "Figueiredo",
            "Azevedo",
            "Freitas",
        ),
        ("Confecções", "Malhas", "Têxteis", "Bordados", "Estamparia", "Tinturaria", "Calçado"),
        ("Lda.", "Lda", "S.A.", "Unipessoal Lda."),
        _pt_name,
        _pt_address,
        lambda rng, place: (
            f"{place.postal}{rng.randrange(10 ** (4 - len(place.postal))):0{4 - len(place.postal)}d}-{rng.randrange(1000):03d}"
        ),
        ("Unidade 2", "Fábrica 2"),
    ),
    Style(
        "KH",
        0.03,
        _places(
            ("Phnom Penh", "Phnom Penh", "12", 11.55, 104.92),
            ("Kandal", "Kandal", "08", 11.48, 104.95),
            ("Kampong Speu", "Kampong Speu", "05", 11.45, 104.52),
        ),
        (*_GARMENT_WORDS, "Angkor", "Mekong", "Tonle", "Bayon", "Khmer", "Sokha", "Chea"),
        ("Garment", "Apparel", "Knitting", "Textile", "Fashion", "Footwear"),
        ("Co., Ltd.", "Co. Ltd", "Limited"),
        _generic_name,
        _generic_address,
        _digits_postal(5),
    ),
    Style(
        "MM",
        0.02,
        _places(
            ("Hlaing Tharyar", "Yangon", "11", 16.87, 96.05),
            ("Shwe Pyi Thar", "Yangon", "11", 16.97, 96.08),
        ),
        (*_GARMENT_WORDS, "Myanmar", "Golden Land", "Shwe", "Aung", "Myint", "Thant", "Zaw"),
        ("Garment", "Apparel", "Knitting", "Textile", "Fashion"),
        ("Co., Ltd.", "Company Limited"),
        _generic_name,
        _generic_address,
        _digits_postal(5),
    ),
    Style(
        "LK",
        0.02,
        _places(
            ("Katunayake", "Western Province", "113", 7.17, 79.88),
            ("Biyagama", "Western Province", "116", 6.95, 80.0),
            ("Colombo", "Western Province", "00", 6.93, 79.85),
        ),
        (*_GARMENT_WORDS, "Lanka", "Ceylon", "Serendib", "Perera", "Fernando", "Silva"),
        ("Apparel", "Garments", "Intimates", "Clothing", "Textiles"),
        ("(Pvt) Ltd", "PLC", "Limited"),
        _generic_name,
        _generic_address,
        _digits_postal(5),
    ),
    Style(
        "MA",
        0.02,
        _places(
            ("Tanger", "Tanger-Tétouan-Al Hoceïma", "90", 35.76, -5.83, "Tangier|Tangiers"),
            ("Casablanca", "Casablanca-Settat", "20", 33.57, -7.59),
            ("Fès", "Fès-Meknès", "30", 34.03, -5.0, "Fez"),
        ),
        (*_GARMENT_WORDS, "Atlas", "Maghreb", "Sahara", "Rif", "Chaouia", "Benali", "Tazi"),
        ("Confection", "Textile", "Jeans", "Bonneterie", "Mode"),
        ("SARL", "S.A.R.L.", "SA"),
        _generic_name,
        _generic_address,
        _digits_postal(5),
    ),
    Style(
        "ET",
        0.01,
        _places(
            ("Hawassa", "Sidama", "", 7.05, 38.47), ("Addis Ababa", "Addis Ababa", "", 9.0, 38.75)
        ),
        (*_GARMENT_WORDS, "Abyssinia", "Awash", "Tana", "Entoto", "Selam", "Tsehay"),
        ("Garment", "Textile", "Apparel", "Knitting"),
        ("PLC", "Share Company", "S.C."),
        _generic_name,
        _generic_address,
        lambda rng, place: "",
    ),
    Style(
        "IT",
        0.01,
        _places(
            ("Prato", "Toscana", "591", 43.88, 11.1),
            ("Carpi", "Emilia-Romagna", "410", 44.78, 10.88),
            ("Biella", "Piemonte", "139", 45.57, 8.05),
        ),
        (
            "Rossi",
            "Russo",
            "Ferrari",
            "Esposito",
            "Bianchi",
            "Romano",
            "Colombo",
            "Ricci",
            "Marino",
            "Greco",
            "Bruno",
            "Gallo",
            "Conti",
        ),
        ("Tessuti", "Maglificio", "Confezioni", "Lanificio", "Filati"),
        ("S.r.l.", "Srl", "S.p.A."),
        _generic_name,
        _generic_address,
        _digits_postal(5),
    ),
)
_BY_COUNTRY = {style.country: style for style in STYLES}


# --- facilities ---------------------------------------------------------------------------------


def _place_coordinates(rng: random.Random, place: Place) -> tuple[float, float]:
    return (
        round(place.latitude + rng.gauss(0, 0.08), 6),
        round(place.longitude + rng.gauss(0, 0.08), 6),
    )


def _facility(rng: random.Random, facility_id: str, style: Style) -> FacilityRecord:
    place = style.places[rng.randrange(len(style.places))]
    latitude, longitude = _place_coordinates(rng, place)
    return FacilityRecord(
        record_id=f"{facility_id}/1",
        facility_id=facility_id,
        country=style.country,
        name=style.name(rng, style, place),
        address=style.address(rng, style, place),
        city=place.city,
        postal_code=style.postal(rng, place),
        latitude=latitude,
        longitude=longitude,
    )


def _with_unit(name: str, unit: str, style: Style) -> str:
    """`name` with a unit designation before its legal form ("X Garment Unit 2 Co., Ltd.")."""
    for legal in sorted(style.legal_forms, key=len, reverse=True):
        for separator in (", ", " "):
            if name.endswith(separator + legal):
                return f"{name[: -len(legal) - len(separator)]} {unit}{separator}{legal}"
    return f"{name} {unit}"


def _neighbour(rng: random.Random, facility_id: str, of: FacilityRecord) -> FacilityRecord:
    """Another facility next to `of` that a careless matcher would merge with it."""
    style = _BY_COUNTRY[of.country]
    kind = rng.random()
    if kind < 0.55:  # another unit at the same address
        name = _with_unit(of.name, _pick(rng, style.unit), style)
        address = of.address
    elif kind < 0.8 and style.industries:  # a sister company of the group at the same address
        other = _pick(rng, style.industries)
        name = next(
            (
                of.name.replace(industry, other, 1)
                for industry in style.industries
                if industry in of.name and industry != other
            ),
            _with_unit(of.name, _pick(rng, style.unit), style),
        )
        address = of.address
    else:  # the same name at another address in the same city (a second site)
        name = of.name
        place = next((p for p in style.places if p.city == of.city), style.places[0])
        address = style.address(rng, style, place)
    latitude = None if of.latitude is None else round(of.latitude + rng.gauss(0, 0.0005), 6)
    longitude = None if of.longitude is None else round(of.longitude + rng.gauss(0, 0.0005), 6)
    if address != of.address and latitude is not None and longitude is not None:
        latitude, longitude = (
            round(latitude + rng.gauss(0, 0.02), 6),
            round(longitude + rng.gauss(0, 0.02), 6),
        )
    return replace(
        of,
        record_id=f"{facility_id}/1",
        facility_id=facility_id,
        name=name,
        address=address,
        latitude=latitude,
        longitude=longitude,
    )


def _abroad(rng: random.Random, facility_id: str, of: FacilityRecord) -> FacilityRecord:
    """A facility of the same name in another country (a group with sites in several)."""
    style = _pick_style(rng, exclude=of.country)
    facility = _facility(rng, facility_id, style)
    return replace(facility, name=of.name)


def _pick_style(rng: random.Random, exclude: str = "") -> Style:
    styles = [style for style in STYLES if style.country != exclude]
    return rng.choices(styles, weights=[style.weight for style in styles])[0]


# --- noise ----------------------------------------------------------------------------------------

_KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"


def typo(rng: random.Random, text: str) -> str:
    """`text` with one slip of the keyboard in one of its longer words."""
    words = text.split(" ")
    long_words = [i for i, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
    if not long_words:
        return text
    i = _pick_index(rng, long_words)
    word = words[i]
    at = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        word = word[:at] + word[at + 1 :]
    elif kind == 1:
        word = word[:at] + _pick(rng, _KEYBOARD) + word[at:]
    elif kind == 2:
        word = word[:at] + _pick(rng, _KEYBOARD) + word[at + 1 :]
    else:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    words[i] = word
    return " ".join(words)


def _pick_index(rng: random.Random, items: Sequence[int]) -> int:
    return items[rng.randrange(len(items))]


_ABBREVIATIONS = (
    ("Garments", "Gmts"),
    ("Garment", "Gmt"),
    ("Industries", "Inds"),
    ("International", "Intl"),
    ("Manufacturing", "Mfg"),
    ("Textiles", "Tex"),
    ("Textile Mills", "Tex Mills"),
    ("Company", "Co"),
    ("Road", "Rd."),
    ("Street", "St."),
    ("Avenue", "Ave"),
    ("Industrial Area", "Ind. Area"),
    ("Industrial Zone", "Ind. Zone"),
    ("Industrial Estate", "Ind. Estate"),
    ("Export Processing Zone", "EPZ"),
    ("Building", "Bldg"),
    ("District", "Dist."),
    ("Sector", "Sec."),
    ("Village", "Vill."),
    ("Province", "Prov."),
    ("Plot No.", "Plot #"),
    ("Mah.", "Mahallesi"),
    ("Sok.", "Sokak"),
    ("Cad.", "Caddesi"),
    ("Organize Sanayi Bölgesi", "OSB"),
    ("Jl.", "Jalan"),
    ("Kec.", "Kecamatan"),
    ("KCN", "Khu công nghiệp"),
    ("Avenida", "Av."),
    ("Number", "No."),
)


def _abbreviate(rng: random.Random, text: str) -> str:
    present = [pair for pair in _ABBREVIATIONS if pair[0] in text]
    if not present:
        return text
    long, short = present[rng.randrange(len(present))]
    return text.replace(long, short)


def strip_accents(text: str) -> str:
    """`text` without diacritics and with dotless i as i, as keyboards without them type it."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("İ", "I"))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.replace("đ", "d").replace("Đ", "D")


_TRANSLITERATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "BD": (
        ("Chowdhury", "Chowdhuri"),
        ("Hossain", "Hussain"),
        ("Rahman", "Rahaman"),
        ("Uddin", "Uddeen"),
        ("Islam", "Eslam"),
        ("Siddique", "Siddiqui"),
    ),
    "IN": (
        ("Sri ", "Shri "),
        ("Shree ", "Sri "),
        ("Lakshmi", "Laxmi"),
        ("Murugan", "Murugun"),
        ("Krishna", "Krishnaa"),
        ("Nagar", "Ngr"),
    ),
    "PK": (
        ("Al-Karam", "Alkaram"),
        ("Al-Rehman", "Al Rahman"),
        ("Textile Mills", "Textiles"),
        ("Usman", "Osman"),
        ("Hussain", "Hussein"),
    ),
    "ID": (("Djaja", "Jaya"), ("Sentosa", "Santosa"), ("Jl.", "Jln."), ("Kabupaten", "Kab.")),
}


def _transliterate(rng: random.Random, record: FacilityRecord) -> FacilityRecord:
    if record.country in ("VN", "TR", "PT", "MA", "IT") or rng.random() < 0.3:
        return replace(
            record,
            name=strip_accents(record.name),
            address=strip_accents(record.address),
            city=strip_accents(record.city),
        )
    if record.country == "CN":
        # pinyin written syllable by syllable: "Xinghui" as "Xing Hui"
        words = record.name.split(" ")
        for i, word in enumerate(words):
            for syllable in sorted(_PINYIN, key=len, reverse=True):
                rest = word[len(syllable) :].lower()
                if word.lower().startswith(syllable) and rest in _PINYIN:
                    words[i] = word[: len(syllable)] + " " + rest.capitalize()
                    return replace(record, name=" ".join(words))
        return record
    pairs = [
        pair
        for pair in _TRANSLITERATIONS.get(record.country, ())
        if pair[0] in record.name + record.address
    ]
    if not pairs:
        return record
    old, new = pairs[rng.randrange(len(pairs))]
    return replace(
        record, name=record.name.replace(old, new), address=record.address.replace(old, new)
    )


def _other_legal_form(rng: random.Random, record: FacilityRecord) -> str:
    style = _BY_COUNTRY[record.country]
    for legal in sorted(style.legal_forms, key=len, reverse=True):
        if legal in record.name:
            if rng.random() < 0.35:
                return record.name.replace(legal, "").strip(" ,")
            return record.name.replace(legal, _pick(rng, style.legal_forms), 1)
    return record.name


def _renumber(rng: random.Random, text: str) -> str:
    """`text` with one digit mistyped."""
    digits = [i for i, char in enumerate(text) if char.isdigit()]
    if not digits:
        return text
    at = _pick_index(rng, digits)
    return text[:at] + str((int(text[at]) + rng.randint(1, 9)) % 10) + text[at + 1 :]


def _reorder_address(rng: random.Random, address: str) -> str:
    parts = [part.strip() for part in address.split(",") if part.strip()]
    if len(parts) < 3:
        return address
    if rng.random() < 0.5:  # a part left out (never the first: it holds the number)
        del parts[rng.randrange(1, len(parts))]
    else:  # the place first, the street last
        parts = parts[::-1]
    return ", ".join(parts)


def noisy(rng: random.Random, record: FacilityRecord, *, level: float = 1.0) -> FacilityRecord:
    """`record` as one company would report it: `level` scales how often each kind of noise is."""

    def chance(p: float) -> bool:
        return rng.random() < p * level

    out = record
    if chance(0.3):
        out = replace(out, name=_other_legal_form(rng, out))
    if chance(0.2):
        out = _transliterate(rng, out)
    if chance(0.2):
        out = replace(out, name=_abbreviate(rng, out.name))
    if chance(0.35):
        out = replace(out, address=_abbreviate(rng, out.address))
    if chance(0.15):
        out = replace(out, name=typo(rng, out.name))
    if chance(0.03):
        out = replace(out, name=typo(rng, out.name))
    if chance(0.15):
        out = replace(out, address=typo(rng, out.address))
    if chance(0.2):
        out = replace(out, address=_reorder_address(rng, out.address))
    if chance(0.2):
        out = replace(out, name=out.name.upper(), address=out.address.upper())
    if chance(0.08) and (out.country in ("BD", "IN", "PK")):
        out = replace(out, name="M/s. " + out.name)
    if chance(0.03):
        out = replace(out, address=_renumber(rng, out.address))
    if out.postal_code and chance(0.03):
        out = replace(out, postal_code=_renumber(rng, out.postal_code))
    style = _BY_COUNTRY[out.country]
    place = next((p for p in style.places if p.city == record.city), None)
    if place is not None and place.spellings and chance(0.3):
        out = replace(out, city=_pick(rng, place.spellings))
    if chance(0.3):
        out = replace(out, city="")
    if chance(0.4):
        out = replace(out, postal_code="")
    elif out.postal_code and chance(0.1):
        out = replace(out, postal_code=out.postal_code[:3] + " " + out.postal_code[3:])
    if out.latitude is not None and out.longitude is not None:
        latitude, longitude = out.latitude, out.longitude
        if chance(0.5):
            out = replace(out, latitude=None, longitude=None)
        elif chance(0.05):  # geocoded to the wrong place in the province
            out = replace(
                out,
                latitude=round(latitude + rng.uniform(-0.5, 0.5), 6),
                longitude=round(longitude + rng.uniform(-0.5, 0.5), 6),
            )
        else:  # another geocoder, another corner of the site
            out = replace(
                out,
                latitude=round(latitude + rng.gauss(0, 0.0007), 6),
                longitude=round(longitude + rng.gauss(0, 0.0007), 6),
            )
    return out


# --- data sets --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticData:
    """A registry, a supplier list and which facility each row of the list really is."""

    registry: tuple[FacilityRecord, ...]  # one or more variants per facility
    incoming: tuple[FacilityRecord, ...]
    truth: dict[str, str | None]  # incoming record_id -> facility_id, or None for a new one


def synthetic_registry(facilities: int, *, seed: int = 0) -> tuple[FacilityRecord, ...]:
    """`facilities` facilities, some with a second known spelling, with hard neighbours."""
    rng = random.Random(seed)
    records: list[FacilityRecord] = []
    originals: list[FacilityRecord] = []
    for n in range(facilities):
        facility_id = f"F{n:07d}"
        roll = rng.random()
        if originals and roll < 0.04:
            facility = _neighbour(rng, facility_id, originals[rng.randrange(len(originals))])
        elif originals and roll < 0.05:
            facility = _abroad(rng, facility_id, originals[rng.randrange(len(originals))])
        else:
            facility = _facility(rng, facility_id, _pick_style(rng))
        records.append(facility)
        originals.append(facility)
        if rng.random() < 0.1:
            records.append(replace(noisy(rng, facility, level=0.6), record_id=f"{facility_id}/2"))
    return tuple(records)


def synthetic_list(
    registry: Sequence[FacilityRecord], rows: int, *, seed: int = 1, new_share: float = 0.15
) -> tuple[tuple[FacilityRecord, ...], dict[str, str | None]]:
    """A supplier list of `rows` rows: facilities of `registry`, noisy, and new ones."""
    rng = random.Random(seed)
    originals = [record for record in registry if record.record_id.endswith("/1")]
    incoming: list[FacilityRecord] = []
    truth: dict[str, str | None] = {}
    for row in range(2, rows + 2):
        record_id = f"r{row}"
        if originals and rng.random() >= new_share:
            facility = originals[rng.randrange(len(originals))]
            truth[record_id] = facility.facility_id
        else:
            new_id = f"N{row:07d}"
            if originals and rng.random() < 0.3:  # a new unit beside a known facility
                facility = _neighbour(rng, new_id, originals[rng.randrange(len(originals))])
            else:
                facility = _facility(rng, new_id, _pick_style(rng))
            truth[record_id] = None
        incoming.append(replace(noisy(rng, facility), record_id=record_id, facility_id=None))
    return tuple(incoming), truth


def synthetic_data(
    facilities: int, rows: int, *, seed: int = 0, new_share: float = 0.15
) -> SyntheticData:
    """A registry of `facilities` facilities and a list of `rows` rows against it."""
    registry = synthetic_registry(facilities, seed=seed)
    incoming, truth = synthetic_list(registry, rows, seed=seed + 1, new_share=new_share)
    return SyntheticData(registry, incoming, truth)
