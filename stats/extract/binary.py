"""PostgreSQL's binary COPY format built from a cleaned Arrow table with vectorised kernels (no Python per line).

Each field is an Arrow binary array of its length prefix and value (fixed-width fields packed together with
numpy); `binary_join_element_wise` then lays the fields of each row side by side, and the joined array's data
buffer is the rows' bytes as COPY reads them. The server then converts nothing from text: dates are days since
2000-01-01, amounts numerics already in base 10,000, texts taken as they are (their encoding checked).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
TRAILER = b"\xff\xff"
POSTGRES_EPOCH_DAYS = 10_957  # 2000-01-01 in days since 1970-01-01
NULL_FIELD = b"\xff\xff\xff\xff"
NUMERIC_DIGITS = 5  # base-10,000 digits: four for the integer part (under 10^16), one for the cents
NUMERIC_POSITIVE, NUMERIC_NEGATIVE = 0x0000, 0x4000
COLUMNS = ["extract_id", "line", "period_start", "period_end", "territory", "poste", "regime", "amount", "amount_n_1"]


def _fixed(array: np.ndarray) -> pa.Array:
    """A binary array whose every element is one record of a packed numpy structured array."""
    width = array.dtype.itemsize
    offsets = np.arange(0, width * (len(array) + 1), width, dtype=np.int32)
    return pa.Array.from_buffers(pa.binary(), len(array), [None, pa.py_buffer(offsets), pa.py_buffer(array)])


def _lengths(text) -> pa.Array:
    """Each text's length prefix (bytes, big-endian)."""
    lengths = pc.binary_length(text).to_numpy(zero_copy_only=False)
    return lengths.astype(">i4")


def _numeric(values) -> pa.Array:
    """Amounts (float64 rounded to the cent, possibly missing) as numeric(18, 2) fields, with length prefix."""
    count = len(values)
    missing = pc.is_null(values).to_numpy(zero_copy_only=False)
    floats = pc.fill_null(values, 0.0).to_numpy(zero_copy_only=False)
    cents = np.rint(floats * 100).astype(np.int64)
    negative = cents < 0
    cents = np.abs(cents)
    record = np.zeros(
        count,
        dtype=[("length", ">i4"), ("ndigits", ">i2"), ("weight", ">i2"), ("sign", ">u2"), ("dscale", ">i2")]
        + [(f"digit{index}", ">i2") for index in range(NUMERIC_DIGITS)],
    )
    record["length"] = 8 + 2 * NUMERIC_DIGITS
    record["ndigits"] = NUMERIC_DIGITS
    record["weight"] = NUMERIC_DIGITS - 2  # the first digit is 10,000^3
    record["sign"] = np.where(negative, NUMERIC_NEGATIVE, NUMERIC_POSITIVE)
    record["dscale"] = 2
    record[f"digit{NUMERIC_DIGITS - 1}"] = (cents % 100) * 100
    units = cents // 100
    for index in range(NUMERIC_DIGITS - 2, -1, -1):
        record[f"digit{index}"] = units % 10_000
        units //= 10_000
    fields = _fixed(record)
    if missing.any():
        fields = pc.if_else(pa.array(missing), pa.scalar(NULL_FIELD, pa.binary()), fields)
    return fields


def copy_rows(table, extract_id: int, first_id: int | None = None) -> pa.Buffer:
    """The rows of a cleaned table as binary COPY data (without the header and the trailer).

    Columns, in order: [id,] extract_id, line, period_start, period_end, territory, poste, regime, amount,
    amount_n_1 (`COLUMNS`).
    """
    count = table.num_rows
    with_id = first_id is not None
    head = [("fields", ">i2")]
    if with_id:
        head += [("id_length", ">i4"), ("id", ">i8")]
    head += [("extract_length", ">i4"), ("extract_id", ">i8"), ("line_length", ">i4"), ("line", ">i4")]
    head += [("start_length", ">i4"), ("start", ">i4"), ("end_length", ">i4"), ("end", ">i4")]
    head += [("territory_length", ">i4")]
    record = np.empty(count, dtype=head)
    record["fields"] = 10 if with_id else 9
    if with_id:
        record["id_length"] = 8
        record["id"] = np.arange(first_id, first_id + count, dtype=np.int64)
    record["extract_length"] = 8
    record["extract_id"] = extract_id
    record["line_length"] = 4
    record["line"] = table.column("line").to_numpy()
    for name, column in (("start", "period_start"), ("end", "period_end")):
        record[f"{name}_length"] = 4
        days = pc.cast(table.column(column), pa.int32()).to_numpy(zero_copy_only=False)
        record[name] = days - POSTGRES_EPOCH_DAYS
    territory, poste, regime = (table.column(name).combine_chunks() for name in ("territory", "poste", "regime"))
    record["territory_length"] = _lengths(territory)
    parts = [
        _fixed(record),
        territory.cast(pa.binary()),
        _fixed(_lengths(poste)),
        poste.cast(pa.binary()),
        _fixed(_lengths(regime)),
        regime.cast(pa.binary()),
        _numeric(table.column("amount").combine_chunks()),
        _numeric(table.column("amount_n_1").combine_chunks()),
    ]
    rows = pc.binary_join_element_wise(*parts, pa.scalar(b"", pa.binary()))
    offsets = rows.buffers()[1]
    start, end = np.frombuffer(offsets, dtype=np.int32)[[rows.offset, rows.offset + count]]
    return rows.buffers()[2][start:end]
