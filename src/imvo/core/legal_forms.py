"""Legal forms of companies, and their removal from folded names for matching.

"Dongguan Humen Garment Co., Ltd.", "PT. Eratex Djaja Tbk", "Công ty TNHH May Mặc ABC",
"ABC Tekstil Sanayi ve Ticaret A.Ş.": the legal form says how a company is incorporated, not
which factory it is, and suppliers write it in many ways or leave it out. Matching compares
names without it.

The forms below are written folded (see `imvo.core.normalise.fold`): "Co., Ltd." folds to
"co ltd", "A.Ş." to "a s", "(Pvt.) Ltd." to "pvt ltd". Most forms end a name; some begin it
(Indonesian PT and CV, Vietnamese Công ty TNHH, Russian OOO); the most distinctive ones are
also removed from the middle ("ABC Co., Ltd. Dongguan Branch").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Forms = dict[int, frozenset[tuple[str, ...]]]

# Forms removed at the end of a name, repeatedly ("PT Bank X (Persero) Tbk").
SUFFIXES: frozenset[str] = frozenset(
    {
        # English, and its use across Asia and Africa
        "co",
        "company",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "co ltd",
        "co limited",
        "company ltd",
        "company limited",
        "ltd co",
        "limited company",
        "llc",
        "l l c",
        "limited liability company",
        # Indonesian lists often put the legal form last: "Eratex Djaja, PT"
        "pt",
        "limited liability co",
        "one member limited liability company",
        "one member co ltd",
        "one member company limited",
        "llp",
        "l l p",
        "lp",
        "plc",
        "p l c",
        "public co ltd",
        "public company limited",
        "public limited company",
        "pcl",
        "and co",
        "and company",
        # India, Pakistan, Bangladesh, Sri Lanka: "(Pvt.) Ltd.", "(P) Ltd", "(SMC-Private) Ltd"
        "pvt",
        "pvt ltd",
        "pvt limited",
        "private ltd",
        "private limited",
        "p ltd",
        "p limited",
        "opc pvt ltd",
        "opc private limited",
        "smc pvt",
        "smc pvt ltd",
        "smc private",
        "smc private limited",
        # Singapore, Australia
        "pte",
        "pte ltd",
        "pte limited",
        "pty",
        "pty ltd",
        "pty limited",
        # Malaysia
        "sdn bhd",
        "sdn berhad",
        "sendirian berhad",
        "m sdn bhd",
        "bhd",
        "berhad",
        # Indonesia
        "tbk",
        "persero",
        # Vietnam (English and Vietnamese)
        "jsc",
        "j s c",
        "joint stock company",
        "joint stock co",
        "public joint stock company",
        "pjsc",
        "ojsc",
        "cjsc",
        "tnhh",
        "ctcp",
        # China (pinyin of 有限公司 and relatives), Japan
        "gongsi",
        "gong si",
        "youxian gongsi",
        "youxiangongsi",
        "you xian gong si",
        "gufen youxian gongsi",
        "gufenyouxiangongsi",
        "gu fen you xian gong si",
        "youxian zeren gongsi",
        "youxianzerengongsi",
        "you xian ze ren gong si",
        "kabushiki kaisha",
        "kabushikigaisha",
        "godo kaisha",
        "yugen kaisha",
        # Türkiye: A.Ş., Ltd. Şti.
        "a s",
        "as",
        "anonim sirketi",
        "anonim sti",
        "ltd sti",
        "limited sti",
        "ltd sirketi",
        "limited sirketi",
        "sti",
        "koll sti",
        "kollektif sirketi",
        # Portugal, Spain, Latin America
        "lda",
        "ltda",
        "limitada",
        "unipessoal lda",
        "sociedade unipessoal lda",
        "sgps",
        "s a",
        "sa",
        "s a u",
        "sau",
        "s l",
        "sl",
        "s l u",
        "slu",
        "s a de c v",
        "sa de cv",
        "s de r l",
        "s de r l de c v",
        "s de rl de cv",
        "s a p i de c v",
        "eireli",
        "cia",
        "y cia",
        "e cia",
        "and cia",
        # Italy, France, Belgium, Romania
        "s p a",
        "spa",
        "s r l",
        "srl",
        "s r l s",
        "srls",
        "s n c",
        "snc",
        "sarl",
        "s a r l",
        "sarl au",
        "sas",
        "s a s",
        "sasu",
        "eurl",
        "cie",
        "et cie",
        "and cie",
        "bvba",
        "b v b a",
        "sprl",
        # Germany, Austria, Switzerland
        "gmbh",
        "g m b h",
        "mbh",
        "gesellschaft mbh",
        "ag",
        "kg",
        "kgaa",
        "gmbh co kg",
        "gmbh and co kg",
        "ohg",
        "gbr",
        "ug",
        "e k",
        # Netherlands
        "bv",
        "b v",
        "nv",
        "n v",
        "vof",
        "v o f",
        "cv",
        "c v",
        "besloten vennootschap",
        "naamloze vennootschap",
        # Central and Eastern Europe, Scandinavia, Russia, Egypt, the Gulf
        "sro",
        "s r o",
        "spol s r o",
        "spol sro",
        "sp z o o",
        "spzoo",
        "sp zoo",
        "kft",
        "zrt",
        "nyrt",
        "d o o",
        "doo",
        "asa",
        "aps",
        "oyj",
        "ooo",
        "zao",
        "oao",
        "pao",
        "tov",
        "sae",
        "s a e",
        "fze",
        "fzco",
        "fzc",
        "fz llc",
    }
)

# Forms removed at the start of a name.
PREFIXES: frozenset[str] = frozenset(
    {
        "pt",
        "p t",
        "cv",
        "c v",
        "ud",
        "cong ty",
        "cong ty tnhh",
        "cong ty tnhh mtv",
        "cong ty tnhh mot thanh vien",
        "cong ty tnhh hai thanh vien",
        "cong ty tnhh hai thanh vien tro len",
        "cong ty co phan",
        "tong cong ty",
        "cong ty cp",
        "cty",
        "cty tnhh",
        "cty tnhh mtv",
        "cty cp",
        "ctcp",
        "tnhh",
        "doanh nghiep tu nhan",
        "dntn",
        "ooo",
        "zao",
        "oao",
        "pao",
        "tov",
    }
)

# Forms removed wherever they stand: long or distinctive enough never to be part of a name.
INFIXES: frozenset[str] = frozenset(
    {
        "co ltd",
        "co limited",
        "company ltd",
        "company limited",
        "pvt ltd",
        "private limited",
        "pte ltd",
        "pty ltd",
        "sdn bhd",
        "gmbh",
        "ltd",
        "llc",
        "ltda",
        "tbk",
        "jsc",
        "ltd sti",
        "s a de c v",
        "youxian gongsi",
        "youxiangongsi",
    }
)

# Words that describe the trade rather than the company; removed from the end only when a legal
# form stood after them ("ABC Tekstil Sanayi ve Ticaret A.Ş.", "Smith & Co.").
TRADE_WORDS: frozenset[str] = frozenset(
    {
        "and",
        "ve",
        "sanayi ve ticaret",
        "sanayi ticaret",
        "san ve tic",
        "san tic",
        "sanayi",
        "san",
        "ticaret",
        "tic",
        "ic ve dis ticaret",
        "ic ve dis tic",
        "ic dis ticaret",
        "ic dis tic",
        "dis ticaret",
        "dis tic",
        "ithalat ihracat",
        "ithalat ve ihracat",
        "ith ihr",
        "ith ve ihr",
    }
)


def _by_length(forms: Iterable[str]) -> Forms:
    grouped: dict[int, set[tuple[str, ...]]] = {}
    for form in forms:
        words = tuple(form.split())
        grouped.setdefault(len(words), set()).add(words)
    return {size: frozenset(grouped[size]) for size in sorted(grouped, reverse=True)}


_SUFFIXES = _by_length(SUFFIXES)
_PREFIXES = _by_length(PREFIXES)
_INFIXES = _by_length(INFIXES)
_TRADE_WORDS = _by_length(TRADE_WORDS)


def _at_end(words: Sequence[str], start: int, end: int, forms: Forms) -> int:
    for size, group in forms.items():
        if size <= end - start and tuple(words[end - size : end]) in group:
            return size
    return 0


def _at_start(words: Sequence[str], start: int, end: int, forms: Forms) -> int:
    for size, group in forms.items():
        if size <= end - start and tuple(words[start : start + size]) in group:
            return size
    return 0


def _without_infixes(words: Sequence[str]) -> list[str]:
    kept: list[str] = []
    i, n = 0, len(words)
    while i < n:
        size = _at_start(words, i, n, _INFIXES)
        if size:
            i += size
        else:
            kept.append(words[i])
            i += 1
    return kept


def strip_legal_forms(folded: str) -> str:
    """`folded` (a folded name) without its legal forms; a name that is only one stays as is.

    >>> strip_legal_forms("dongguan humen garment co ltd")
    'dongguan humen garment'
    >>> strip_legal_forms("pt bank negara indonesia persero tbk")
    'bank negara indonesia'
    >>> strip_legal_forms("abc tekstil san ve tic ltd sti")
    'abc tekstil'
    >>> strip_legal_forms("cong ty tnhh may mac viet thanh")
    'may mac viet thanh'
    >>> strip_legal_forms("co ltd")
    'co ltd'
    """
    words = folded.split()
    start, end = 0, len(words)
    stripped = False
    while start < end:
        size = _at_end(words, start, end, _SUFFIXES)
        if size:
            end -= size
            stripped = True
            continue
        size = _at_end(words, start, end, _TRADE_WORDS) if stripped else 0
        if size:
            end -= size
            continue
        size = _at_start(words, start, end, _PREFIXES)
        if size:
            start += size
            stripped = True
            continue
        break
    kept = _without_infixes(words[start:end])
    return " ".join(kept) if kept else folded
