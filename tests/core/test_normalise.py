import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imvo.core import legal_forms, normalise
from imvo.core.legal_forms import INFIXES, PREFIXES, SUFFIXES, TRADE_WORDS, strip_legal_forms
from imvo.core.normalise import address_key, fold, name_key, postal_key, tokens

# Any text a spreadsheet cell can hold, surrogates aside: control characters, RTL marks, emoji.
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)


@pytest.mark.parametrize("module", [normalise, legal_forms])
def test_docstring_examples_hold(module):
    assert doctest.testmod(module).failed == 0


# --- fold -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đồng Nai", "dong nai"),
        ("İstanbul", "istanbul"),
        ("ISPARTA ılıca", "isparta ilica"),
        ("Çerkezköy/Tekirdağ", "cerkezkoy tekirdag"),
        ("Vila Nova de Famalicão", "vila nova de famalicao"),
        ("Москва", "moskva"),
        ("东莞", "dongguan"),
        ("Men's Wear", "mens wear"),
        ("Côte d’Ivoire", "cote divoire"),
        ("  Co.,\tLtd.\n", "co ltd"),
        ("ＡＢＣ　１２３", "abc 123"),  # full-width forms, as typed on Chinese keyboards
        ("ﬁne", "fine"),
        ("Straße", "strasse"),
    ],
)
def test_fold_transliterates_casefolds_and_turns_punctuation_into_spaces(text, folded):
    assert fold(text) == folded


def test_fold_drops_emoji_and_trademark_signs():
    assert fold("Sunny™ Garments 😀✨ ©") == "sunny garments"


def test_fold_drops_control_characters_and_direction_marks():
    assert fold("abc\x00\x07\u200f\u202edef") == "abc def"


@given(ANY_TEXT)
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(ANY_TEXT)
def test_fold_yields_lower_case_ascii_words_separated_by_single_spaces(text):
    folded = fold(text)
    assert folded.isascii()
    assert folded == " ".join(folded.split())
    assert all(word.isalnum() and word == word.lower() for word in folded.split())


# --- names ------------------------------------------------------------------------------------

SAME_FACILITY_NAMES = {
    "china": [
        "Dongguan Humen Garment Co., Ltd.",
        "DONGGUAN HUMEN GARMENT CO LTD",
        "Dongguan Humen Garment Company Limited",
        "Dongguan Humen Garment Youxian Gongsi",
        "dongguan humen garment co.,ltd",
    ],
    "china, in characters": ["东莞虎门服装有限公司", "东莞虎门服装股份有限公司", "东莞虎门服装"],
    "bangladesh": [
        "M/s. Rahman Knit & Dyeing Mills Ltd.",
        "Rahman Knit and Dyeing Mills Limited",
        "RAHMAN KNIT & DYEING MILLS",
    ],
    "bangladesh, abbreviated": ["Ananta Gmts. Ltd.", "Ananta Garments Limited"],
    "india": [
        "Shahi Exports Pvt. Ltd.",
        "Shahi Exports Private Limited",
        "SHAHI EXPORTS (P) LTD",
        "Shahi Exports Pvt Ltd",
    ],
    "vietnam": [
        "Công ty TNHH May Mặc Việt Thành",
        "CONG TY TNHH MAY MAC VIET THANH",
        "Cty TNHH May Mac Viet Thanh",
        "May Mac Viet Thanh Co., Ltd",
        "Công ty TNHH MTV May Mặc Việt Thành",
    ],
    "vietnam, joint stock": ["Garment 10 Corporation - JSC", "Garment 10 Corp", "GARMENT 10 JSC"],
    "türkiye": [
        "Mais Tekstil Sanayi ve Ticaret A.Ş.",
        "MAİS TEKSTİL SAN. VE TİC. A.Ş.",
        "Mais Tekstil San. Tic. Ltd. Şti.",
        "Mais Tekstil İthalat İhracat Sanayi ve Ticaret Limited Şirketi",
        "Mais Tekstil AS",
    ],
    "pakistan": [
        "Crystal Apparel (SMC-Private) Limited",
        "Crystal Apparel (Pvt.) Ltd.",
        "Crystal Apparel Private Ltd",
    ],
    "indonesia": ["PT. Pan Brothers Tbk", "PT Pan Brothers", "Pan Brothers Tbk.", "P.T. Pan Bros"],
    "indonesia, persero": ["PT Bank Negara Indonesia (Persero) Tbk", "Bank Negara Indonesia"],
    "portugal": [
        "Têxtil Manuel Gonçalves, S.A.",
        "TEXTIL MANUEL GONCALVES SA",
        "Têxtil Manuel Gonçalves, Lda.",
    ],
    "portugal, single owner": ["Confecções Lopes, Unipessoal Lda.", "Confeccoes Lopes Lda"],
    "europe": ["Textil Werke GmbH & Co. KG", "Textil Werke GmbH", "Textil Werke AG"],
    "malaysia": ["Hong Seng Knitting (M) Sdn. Bhd.", "Hong Seng Knitting Sdn Bhd"],
    "a branch": [
        "Ningbo Shenzhou Knitting Co., Ltd. Beilun Branch",
        "Ningbo Shenzhou Knitting Beilun Branch",
    ],
}


@pytest.mark.parametrize("style", sorted(SAME_FACILITY_NAMES))
def test_name_key_agrees_on_spellings_of_one_name(style):
    keys = {name_key(name) for name in SAME_FACILITY_NAMES[style]}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Dongguan Humen Garment Co., Ltd.", "dongguan humen garment"),
        ("Saigon Garment Mfg. Co., Ltd.", "saigon garment manufacturing"),
        ("Beximco Intl Textiles Ltd", "beximco international textiles"),
        ("Lee & Fung Co Garments Ltd", "lee and fung company garments"),
        ("The Himalayan Knitting Ltd", "himalayan knitting"),
        ("Smith & Co.", "smith"),
        ("Johnson & Johnson", "johnson and johnson"),
        ("Tổng Công ty May 10 - CTCP", "may 10"),
        ("OOO Romashka", "romashka"),
    ],
)
def test_name_key_examples(name, key):
    assert name_key(name) == key


def test_name_key_keeps_common_trade_words():
    assert name_key("Sunrise Garments Textile Factory Ltd") == "sunrise garments textile factory"


def test_name_key_keeps_numbered_sites_apart_and_reads_roman_numerals():
    assert name_key("Epyllion Knitwear Factory II") == name_key("Epyllion Knitwear Factory 2")
    assert name_key("Epyllion Knitwear Factory II") != name_key("Epyllion Knitwear Factory")


def test_name_key_of_a_name_that_is_only_a_legal_form_is_not_empty():
    assert name_key("Co., Ltd.") == "company ltd"
    assert name_key("Sanayi ve Ticaret A.Ş.") == "sanayi ve ticaret a s"


def test_name_key_drops_courtesy_prefix_only_when_a_name_follows():
    assert name_key("M/s Rahman Mills") == "rahman mills"
    assert name_key("M/S") == "m s"


def test_name_key_keeps_a_leading_the_when_it_is_the_whole_name():
    assert name_key("The") == "the"


# --- legal forms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folded", "stripped"),
    [
        ("abc co ltd", "abc"),
        ("abc pvt ltd", "abc"),
        ("abc company limited", "abc"),
        ("abc ltd", "abc"),
        ("abc limited", "abc"),
        ("abc llc", "abc"),
        ("abc inc", "abc"),
        ("abc corp", "abc"),
        ("pt abc", "abc"),
        ("cv abc", "abc"),
        ("abc tbk", "abc"),
        ("abc s a", "abc"),
        ("abc sa", "abc"),
        ("abc s l", "abc"),
        ("abc s p a", "abc"),
        ("abc s r l", "abc"),
        ("abc gmbh", "abc"),
        ("abc ag", "abc"),
        ("abc kg", "abc"),
        ("abc b v", "abc"),
        ("abc bv", "abc"),
        ("abc n v", "abc"),
        ("abc s r o", "abc"),
        ("abc a s", "abc"),
        ("abc sdn bhd", "abc"),
        ("abc bhd", "abc"),
        ("abc ltda", "abc"),
        ("abc lda", "abc"),
        ("abc s a de c v", "abc"),
        ("abc jsc", "abc"),
        ("abc llp", "abc"),
        ("abc pte ltd", "abc"),
        ("abc pty ltd", "abc"),
        ("abc co", "abc"),
        ("abc tekstil sanayi ve ticaret a s", "abc tekstil"),
        ("abc tekstil san ve tic a s", "abc tekstil"),
        ("abc tekstil ic ve dis ticaret ltd sti", "abc tekstil"),
        ("pt abc tbk", "abc"),
        ("cong ty co phan abc", "abc"),
        ("abc co ltd dongguan branch", "abc dongguan branch"),
    ],
)
def test_strip_legal_forms_removes_them_where_names_carry_them(folded, stripped):
    assert strip_legal_forms(folded) == stripped


@pytest.mark.parametrize("folded", ["co ltd", "limited", "pt tbk", "sanayi ve ticaret a s", "as"])
def test_strip_legal_forms_leaves_a_name_that_is_only_legal_forms_as_it_is(folded):
    assert strip_legal_forms(folded) == folded


def test_strip_legal_forms_removes_trade_words_only_before_a_legal_form():
    assert strip_legal_forms("istanbul ticaret") == "istanbul ticaret"
    assert strip_legal_forms("istanbul ticaret a s") == "istanbul"
    assert strip_legal_forms("marks and") == "marks and"


def test_strip_legal_forms_leaves_legal_form_words_inside_a_name():
    assert strip_legal_forms("shoes as you like") == "shoes as you like"
    assert strip_legal_forms("sa textile mills ltd") == "sa textile mills"


def test_legal_forms_are_written_folded():
    for form in SUFFIXES | PREFIXES | INFIXES | TRADE_WORDS:
        assert fold(form) == form, form


WRITTEN_FORMS = [
    "Co., Ltd.",
    "Co Ltd",
    "Company Limited",
    "Pvt. Ltd.",
    "(Pvt) Ltd",
    "Private Limited",
    "Ltd",
    "Limited",
    "LLC",
    "Inc.",
    "Corp.",
    "Tbk",
    "S.A.",
    "SA",
    "S.L.",
    "S.p.A.",
    "Srl",
    "S.r.l.",
    "GmbH",
    "AG",
    "KG",
    "B.V.",
    "N.V.",
    "s.r.o.",
    "a.s.",
    "Sdn Bhd",
    "Bhd",
    "Ltda",
    "Lda",
    "S.A. de C.V.",
    "JSC",
    "LLP",
    "A.Ş.",
    "Sanayi ve Ticaret A.Ş.",
    "San. ve Tic. A.Ş.",
    "Co.",
    "Pte Ltd",
    "Pty Ltd",
]
BASE_NAMES = ["Rahman Knit Mills", "Viet Thanh Garment", "Mais Tekstil", "Têxtil Gonçalves"]


@pytest.mark.parametrize("form", WRITTEN_FORMS)
@pytest.mark.parametrize("base", BASE_NAMES)
def test_name_key_ignores_each_legal_form_of_the_brief(base, form):
    assert name_key(f"{base} {form}") == name_key(base)


@pytest.mark.parametrize("form", ["PT", "PT.", "CV", "Công ty TNHH", "Cty CP"])
def test_name_key_ignores_legal_forms_that_begin_a_name(form):
    assert name_key(f"{form} Sinar Jaya") == name_key("Sinar Jaya")


@given(ANY_TEXT)
def test_strip_legal_forms_never_empties_a_non_empty_name(text):
    folded = fold(text)
    assert bool(strip_legal_forms(folded)) == bool(folded)


@given(st.lists(st.sampled_from(sorted(SUFFIXES | PREFIXES | TRADE_WORDS)), min_size=1))
def test_strip_legal_forms_never_empties_a_name_made_of_legal_forms(forms):
    folded = " ".join(forms)
    assert strip_legal_forms(folded)


@given(ANY_TEXT)
def test_name_key_is_not_empty_when_the_name_has_letters_or_digits(text):
    assert name_key(text) or not fold(text)


# --- addresses --------------------------------------------------------------------------------

SAME_ADDRESSES = {
    "china": [
        "No. 8, Xinghua Road, Humen Town, Dongguan City, Guangdong Province",
        "No.8 Xinghua Rd., Humen Town, Dongguan City, Guangdong Prov.",
        "#8 XINGHUA ROAD HUMEN TOWN DONGGUAN CITY GUANGDONG PROVINCE",
    ],
    "bangladesh": [
        "Plot No. 12, Sector 7, Dhaka Export Processing Zone, Savar",
        "Plot No-12, Sector-7, Dhaka EPZ, Savar",
        "plot nr 12 sec 7 dhaka epz savar",
    ],
    "india": [
        "Plot No. 4, Sipcot Industrial Park, Phase II, Sriperumbudur",
        "Plot #4, SIPCOT Ind. Park, Phase 2, Sriperumbudur",
        "Plot Number 4, Sipcot Industrial Estate, Phase-II, Sriperumbudur",
    ],
    "vietnam": [
        "Lô A2, KCN Tân Đông Hiệp B, Dĩ An, Bình Dương",
        "Lo A2, Khu cong nghiep Tan Dong Hiep B, Di An, Binh Duong",
        "Lô A-2, Industrial Zone Tan Dong Hiep B, Di An, Binh Duong",
    ],
    "türkiye": [
        "Akçaburgaz Mah. 3114. Sok. No:5 Esenyurt/İstanbul",
        "Akcaburgaz Mahallesi 3114 Sokak No 5 Esenyurt Istanbul",
        "AKÇABURGAZ MH. 3114. SK. NO: 5 ESENYURT / İSTANBUL",
    ],
    "türkiye, organised industrial zone": [
        "Çerkezköy OSB, 3. Cad. No:12 Çerkezköy/Tekirdağ",
        "Cerkezkoy Organize Sanayi Bolgesi, 3 Caddesi No 12, Cerkezkoy, Tekirdag",
    ],
    "pakistan": [
        "Plot No. 5, Sector 12-C, North Karachi Industrial Area, Karachi",
        "Plot No 5, Sect. 12 C, North Karachi Ind. Area, Karachi",
    ],
    "indonesia": [
        "Jl. Raya Industri No. 3, Kawasan Industri Jababeka, Kec. Cikarang Utara, Kab. Bekasi",
        "Jalan Raya Industri No. 3, Industrial Estate Jababeka, Kecamatan Cikarang Utara, "
        "Kabupaten Bekasi",
    ],
    "portugal": [
        "Rua da Indústria, nº 45, Zona Industrial de Famalicão",
        "Rua da Industria n.º 45, Z.I. de Famalicao",
        "RUA DA INDUSTRIA N° 45 ZONA INDUSTRIAL DE FAMALICAO",
    ],
}


@pytest.mark.parametrize("style", sorted(SAME_ADDRESSES))
def test_address_key_agrees_on_spellings_of_one_address(style):
    keys = {address_key(address) for address in SAME_ADDRESSES[style]}
    assert len(keys) == 1, keys


def test_address_key_of_vietnamese_and_english_spellings_shares_every_word():
    in_vietnamese = address_key("Số 12, Quận 7, TP. Hồ Chí Minh")
    in_english = address_key("No. 12, District 7, Ho Chi Minh City")
    assert set(tokens(in_vietnamese)) == set(tokens(in_english))


def test_address_key_of_chinese_characters_meets_the_pinyin_spelling_in_its_words():
    in_characters = address_key("广东省东莞市虎门镇")
    in_pinyin = address_key("Humen Town, Dongguan City, Guangdong Province")
    assert set(tokens(in_characters)) == set(tokens(in_pinyin))


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("12 Industrial Road", "12 industrial rd"),
        ("Station Str. 4", "station st 4"),
        ("5th Avenue", "5th ave"),
        ("Building 3, Floor 2", "bldg 3 fl 2"),
        ("Bldg. 3, 2nd Fl.", "bldg 3 2nd fl"),
        ("Village Kashimpur, Gazipur District", "vill kashimpur gazipur district"),
        ("Huyện Củ Chi", "district cu chi"),
        ("Tambon Bang Phli, Samut Prakan Province", "subdistrict bang phli samut prakan prov"),
        ("Atatürk Cad. No 1", "ataturk cad no 1"),
        ("KCN Nhơn Trạch 3, Đồng Nai", "iz nhon trach 3 dong nai"),
    ],
)
def test_address_key_examples(address, key):
    assert address_key(address) == key


def test_address_key_keeps_numbers_and_the_order_of_words():
    assert tokens(address_key("House 27, Road 4, Block C")) == (
        "house",
        "27",
        "rd",
        "4",
        "blk",
        "c",
    )


def test_address_key_splits_numbers_from_letters_but_keeps_ordinals():
    assert address_key("No12 Sector7 3rd Cross 21st Lane") == "no 12 sec 7 3rd cross 21st ln"


def test_address_key_reads_vietnamese_so_as_number_only_before_a_number():
    assert address_key("Đường Số 5") == "duong no 5"
    assert address_key("So Hong Street") == "so hong st"


# --- postal codes and tokens ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("1012 ab", "1012AB"),
        ("523-000", "523000"),
        (" sw1a 1aa ", "SW1A1AA"),
        ("34522", "34522"),
        ("１２３４５", "12345"),
    ],
)
def test_postal_key_is_upper_case_without_spaces_or_dashes(code, key):
    assert postal_key(code) == key


def test_tokens_are_the_words_of_a_key_in_order():
    assert tokens("no 8 xinghua rd") == ("no", "8", "xinghua", "rd")
    assert tokens("") == ()


# --- every key, on any text -------------------------------------------------------------------

KEYS = [fold, name_key, address_key, postal_key]


@pytest.mark.parametrize("key", KEYS, ids=lambda key: key.__name__)
@given(text=ANY_TEXT)
def test_keys_are_ascii_and_never_raise(key, text):
    assert key(text).isascii()


@pytest.mark.parametrize("key", [name_key, address_key], ids=lambda key: key.__name__)
@given(words=st.lists(st.text(st.characters(exclude_categories=["Cs"]), max_size=12)))
def test_keys_are_single_spaced_lower_case_words(key, words):
    result = key(" ".join(words))
    assert result == " ".join(result.split())
    assert result == result.lower()


@pytest.mark.parametrize("key", KEYS, ids=lambda key: key.__name__)
@pytest.mark.parametrize(
    "text",
    [
        "Dongguan Humen Garment Co., Ltd. No. 8 Road " * 25_000,
        "東莞虎門服裝有限公司號路" * 90_000,
        "\u202eابجد\u200f 😀 \x00 Đồng Nai " * 60_000,
        "a" * 1_000_000,
    ],
    ids=["latin", "cjk", "mixed", "one-word"],
)
def test_keys_handle_megabyte_strings(key, text):
    assert len(text) >= 1_000_000
    assert key(text).isascii()


def test_indonesian_legal_form_written_last_is_stripped() -> None:
    assert name_key("Eratex Djaja, PT") == name_key("PT Eratex Djaja") == "eratex djaja"
    assert name_key("Eratex Djaja Tbk, PT") == "eratex djaja"
