"""The extract's fast path (Arrow, by blocks) against a simple reference parser, on generated files.

Files of French amounts (thousands separated by spaces, no-break spaces or narrow no-break spaces, decimal
comma), "NS" and other cells that are not numbers, empty cells, dates in both formats, CRLF or LF, UTF-8 (with
or without BOM) or Windows-1252: the reference reads each line with plain Python; the fast path must give the
same lines and values, or refuse the file naming the same lines and columns (the amounts with the same French
message). The binary COPY encoding of amounts is checked against PostgreSQL's numeric format, decoded by hand.
"""

import datetime
import re
import struct
from decimal import Decimal
from unittest import mock

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stats.extract.binary import _numeric
from stats.extract.reading import EXTRACT_COLUMNS, REGIME_CODES, ChunkReader, extract_table
from stats.parsing import THOUSANDS_SPACES, FileRejected
from stats.territories import normalise_territory

HEADER = ";".join(EXTRACT_COLUMNS)
TERRITORIES = ["13", "013", "2A", "2b", "R93", "r 93", "974", "83", " 06 ", "FR"]
LETTERS = "abcdefghijklmnopqrstuvwxyzéèàçôœ ABCDÉ'-"
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


# --- The reference: plain Python, one line at a time ------------------------------------------------------


def _reference_date(text: str):
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _reference_amount(text: str):
    """(value, problem): a Decimal to the cent or None for an empty cell, else the French problem."""
    cleaned = text.strip()
    for space in THOUSANDS_SPACES:
        cleaned = cleaned.replace(space, "")
    cleaned = cleaned.replace(",", ".")
    if cleaned == "":
        return None, None
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", cleaned):
        return None, f"« {text.strip()} » n'est pas un nombre."
    return Decimal(cleaned).quantize(Decimal("0.01")), None


def reference_read(text: str):
    """(lines, problems): the cleaned lines as tuples, the problems as (line, column, message or None)."""
    lines, problems = [], []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines()[1:], start=2):
        start, end, territory, poste, regime, amount, previous = line.split(";")
        row_problems = []
        start_date, end_date = _reference_date(start), _reference_date(end)
        if start_date is None:
            row_problems.append((number, "periode_debut", None))
        if end_date is None:
            row_problems.append((number, "periode_fin", None))
        code = normalise_territory(territory) if territory.strip() else ""
        if not code or len(code) > 10:
            row_problems.append((number, "territoire", None))
        if not poste.strip():
            row_problems.append((number, "poste", None))
        regime_code = REGIME_CODES.get(regime.strip().lower())
        if regime_code is None:
            row_problems.append((number, "regime", None))
        value, problem = _reference_amount(amount)
        if problem is None and value is None:
            problem = "montant vide."
        if problem:
            row_problems.append((number, "montant", problem))
        previous_value, previous_problem = _reference_amount(previous)
        if previous_problem:
            row_problems.append((number, "montant_n_1", previous_problem))
        problems += row_problems
        if not row_problems:
            lines.append((number, start_date, end_date, code, poste.strip(), regime_code, value, previous_value))
    return lines, problems


# --- Generated files ------------------------------------------------------------------------------------------


@st.composite
def french_amount(draw, spaces: str):
    units = draw(st.integers(min_value=0, max_value=99_999_999_999))
    groups = f"{units:,}".split(",")
    text = draw(st.sampled_from(spaces)).join(groups)
    decimals = draw(st.sampled_from(["", ",5", ",25", ",07", ",00"]))
    sign = draw(st.sampled_from(["", "", "-"]))
    return sign + text + decimals


@st.composite
def cell_amount(draw, spaces: str, bad: bool):
    kinds = ["french", "french", "french", "plain", "empty"] + (["ns", "word"] if bad else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "french":
        return draw(french_amount(spaces))
    if kind == "plain":
        return str(draw(st.integers(min_value=-10_000, max_value=10_000)))
    if kind == "empty":
        return draw(st.sampled_from(["", " "]))
    if kind == "ns":
        return "NS"
    return draw(st.sampled_from(["12a", "1e5", "1,2,3", "n.s."]))


@st.composite
def extract_line(draw, spaces: str, bad: bool):
    start = draw(st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2025, 12, 31)))
    end = start + datetime.timedelta(days=draw(st.integers(min_value=0, max_value=400)))

    def written(day: datetime.date) -> str:
        return day.isoformat() if draw(st.booleans()) else day.strftime("%d/%m/%Y")

    poste = draw(st.text(alphabet=LETTERS, min_size=1, max_size=25))
    if not bad:
        poste = poste.strip() or "Orthèses"
    regime = draw(st.sampled_from([*REGIME_CODES, "RG ", " msa", "Régime Général"] + (["CNMSS"] if bad else [])))
    cells = [
        written(start),
        written(end),
        draw(st.sampled_from(TERRITORIES)),
        poste,
        regime,
        draw(cell_amount(spaces, bad)),
        draw(cell_amount(spaces, bad)),
    ]
    return ";".join(cells)


@st.composite
def extract_file(draw):
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    # Windows-1252 has the no-break space, not the narrow one nor the thin space.
    spaces = " \u00a0" if encoding == "cp1252" else THOUSANDS_SPACES
    bad = draw(st.booleans())
    lines = draw(st.lists(extract_line(spaces, bad), min_size=1, max_size=40))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join([HEADER, *lines]) + draw(st.sampled_from(["", newline]))
    return text, text.encode(encoding)


def _fast(data: bytes):
    with mock.patch.object(ChunkReader, "BLOCK_BYTES", 512):  # several blocks in most files
        table = extract_table(data, "extrait.csv")
    rows = []
    for row in table.to_pylist():
        amounts = [
            None if value is None else Decimal(repr(value)).quantize(Decimal("0.01"))
            for value in (row["amount"], row["amount_n_1"])
        ]
        rows.append(
            (
                row["line"],
                row["period_start"],
                row["period_end"],
                row["territory"],
                row["poste"],
                row["regime"],
                *amounts,
            )
        )
    return rows


@PROPERTY_SETTINGS
@given(extract_file())
def test_the_fast_path_reads_what_the_reference_reads(generated):
    text, data = generated
    expected, problems = reference_read(text)
    if not problems:
        assert _fast(data) == expected
        return
    with pytest.raises(FileRejected) as error:
        _fast(data)
    reported = error.value.problems
    expected_places = sorted({(line, EXTRACT_COLUMNS.index(column)) for line, column, _ in problems})[:50]
    assert sorted({(problem.line, problem.column) for problem in reported}) == expected_places
    messages = {(line, EXTRACT_COLUMNS.index(column)): message for line, column, message in problems if message}
    for problem in reported:
        if (problem.line, problem.column) in messages:
            assert problem.message == messages[(problem.line, problem.column)]


# --- The binary COPY of amounts, decoded as PostgreSQL reads a numeric ------------------------------------------


def _decode_numeric(field: bytes):
    length = struct.unpack(">i", field[:4])[0]
    if length == -1:
        return None
    ndigits, weight, sign, dscale = struct.unpack(">hhHh", field[4:12])
    digits = struct.unpack(f">{ndigits}h", field[12 : 12 + 2 * ndigits])
    assert length == 8 + 2 * ndigits and all(0 <= digit < 10_000 for digit in digits) and dscale == 2
    value = sum(Decimal(digit) * Decimal(10_000) ** (weight - index) for index, digit in enumerate(digits))
    return (-value if sign == 0x4000 else value).quantize(Decimal("0.01"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1)), min_size=1))
def test_amounts_are_laid_out_as_postgresql_numerics(cents):
    # Amounts under 10^13 € to the cent: 15 significant digits, what a float (the cleaned amount) holds exactly,
    # as the CSV text of the former COPY did.
    values = [None if value is None else value / 100 for value in cents]
    fields = _numeric(pa.array(values, pa.float64())).to_pylist()
    for value, field in zip(values, fields, strict=True):
        expected = None if value is None else Decimal(repr(value)).quantize(Decimal("0.01"))
        assert _decode_numeric(field) == expected
