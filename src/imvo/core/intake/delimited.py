"""CSV files: the text encoding and the delimiter are found from the content.

Encodings, in the order they are tried:

1. a byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. UTF-16 without a mark is recognised by its zero bytes in every other position;
3. any other file with a zero byte is binary and refused;
4. valid UTF-8 is UTF-8;
5. a multi-byte Asian encoding (GB18030, Big5, Shift-JIS, EUC-KR ...) when charset-normalizer
   recognises one: these it tells reliably;
6. otherwise Windows-1252, the encoding of Excel's "CSV" on Western European Windows. It is
   latin-1 with printable characters where latin-1 has unused control codes, so latin-1 files
   read the same. Single-byte guesses beyond that (Turkish, Central European) are unreliable on
   short files and are not attempted: such a file reads with a few wrong letters instead of
   failing, and the list's owner can save it as UTF-8 or XLSX.

Text with more than 1% control characters is binary data renamed `.csv` and refused.

The delimiter is the candidate (comma, semicolon, tab, pipe) that splits the header into at
least two columns and splits most of the following rows into as many; csv.Sniffer was tried
and dropped because it picks the comma in semicolon files whose addresses contain commas.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import charset_normalizer

from imvo.core.errors import ImvoError
from imvo.core.intake.messages import intake_error

DELIMITERS = (",", ";", "\t", "|")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MULTIBYTE = {
    "big5",
    "big5hkscs",
    "cp932",
    "cp949",
    "cp950",
    "euc_jis_2004",
    "euc_jisx0213",
    "euc_jp",
    "euc_kr",
    "gb18030",
    "gb2312",
    "gbk",
    "hz",
    "johab",
    "shift_jis",
    "shift_jis_2004",
    "shift_jisx0213",
}
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_MARKUP = re.compile(r"\s*<(?:!doctype|html|\?xml|table|meta|head|body)\b", re.IGNORECASE)
_SAMPLE_CHARS = 64 * 1024
_DETECTION_BYTES = 256 * 1024
_SAMPLE_RECORDS = 100


@dataclass(frozen=True)
class Text:
    """The decoded content of a delimited file."""

    content: str
    encoding: str


def decode(data: bytes, *, filename: str) -> Text:
    """The file's text, in the encoding it was written in; binary data is refused."""
    text = _decode(data, filename=filename)
    controls = len(_CONTROL.findall(text.content))
    if controls > len(text.content) / 100:
        raise _binary(filename)
    if _MARKUP.match(text.content):
        raise intake_error("file.markup", file=filename)
    return text


def _decode(data: bytes, *, filename: str) -> Text:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Text(data[len(bom) :].decode(encoding), encoding.removesuffix("-sig"))
            except UnicodeDecodeError:
                raise intake_error(
                    "file.bad_byte_order_mark",
                    file=filename,
                    encoding=encoding.removesuffix("-sig").upper(),
                ) from None
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise _binary(filename)
        try:
            return Text(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            raise _binary(filename) from None
    try:
        return Text(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    guess = charset_normalizer.from_bytes(data[:_DETECTION_BYTES]).best()
    if guess is not None and guess.encoding in _MULTIBYTE:
        try:
            return Text(data.decode(guess.encoding), guess.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return Text(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError:
        return Text(data.decode("latin-1"), "latin-1")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text of mostly Latin letters has a zero byte in every other position."""
    sample = data[: 64 * 1024]
    if len(sample) < 2:
        return None
    half = len(sample) // 2
    even_zeros, odd_zeros = sample[0::2].count(0), sample[1::2].count(0)
    if odd_zeros > 0.4 * half and even_zeros < 0.05 * half:
        return "utf-16-le"
    if even_zeros > 0.4 * half and odd_zeros < 0.05 * half:
        return "utf-16-be"
    return None


def _binary(filename: str) -> ImvoError:
    return intake_error("file.binary", file=filename)


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the header into columns and most rows into as many."""
    sample = text[:_SAMPLE_CHARS]
    if len(text) > _SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_score = ",", (-1, 0)
    for delimiter in DELIMITERS:
        records = []
        for values in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if any(value.strip() for value in values):
                records.append(len(values))
            if len(records) >= _SAMPLE_RECORDS:
                break
        if not records or records[0] < 2:
            continue
        score = (sum(1 for width in records[1:] if width == records[0]), records[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def records(text: str, delimiter: str, *, filename: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, values) per record; a quoted field may span lines but counts as one row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _csv_error(exc, number + 1, filename) from None
        number += 1
        yield number, values


def _csv_error(exc: csv.Error, row: int, filename: str) -> ImvoError:
    reason = str(exc)
    if "unexpected end of data" in reason:
        return intake_error("csv.unclosed_quote", file=filename, row=row)
    if "expected after" in reason:
        return intake_error("csv.text_after_quote", file=filename, row=row)
    if "field larger than field limit" in reason:
        return intake_error("csv.cell_too_long", file=filename, row=row)
    return intake_error("csv.unreadable_row", file=filename, row=row, reason=reason)
