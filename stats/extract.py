"""National extracts in long format: vectorised reading and cleaning, bulk storage, derivation of `montants` tables.

Header: periode_debut;periode_fin;territoire;poste;regime;montant;montant_n_1
Reading and cleaning are vectorised with pandas (pyarrow engine); storage uses
PostgreSQL COPY, or bulk_create on SQLite.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Min, Q, Sum
from django.utils import timezone

from .models import ExtractLine, NationalExtract, StatTable
from .parsing import MAX_EXTRACT_BYTES, THOUSANDS_SPACES, FileRejected, Problem, column_letter, decode_text
from .territories import FRANCE, REGION_DEPARTMENTS, normalise_territory, region_of

EXTRACT_COLUMNS = ["periode_debut", "periode_fin", "territoire", "poste", "regime", "montant", "montant_n_1"]
REGIME_CODES = {
    "rg": "RG",
    "regime general": "RG",
    "régime général": "RG",
    "msa": "MSA",
    "autres": "Autres",
    "rsi": "Autres",
    "rsi autres": "Autres",
    "autres regimes": "Autres",
    "autres régimes": "Autres",
}
REGIME_ORDER = ["RG", "MSA", "Autres"]
MAX_ERRORS = 50

Progress = Callable[[int, str], None]


def _problem(line: int, column: str, message: str) -> Problem:
    return Problem(message, line=line, column=EXTRACT_COLUMNS.index(column), header=column)


def extract_read(data: bytes, file_name: str = "extrait.csv", progress: Progress | None = None):
    """The cleaned extract as a pandas DataFrame (FileRejected with French problems by line and column)."""
    import pandas as pd

    if not data.strip():
        raise FileRejected("Le fichier est vide.")
    if len(data) > MAX_EXTRACT_BYTES:
        raise FileRejected("Le fichier dépasse la taille autorisée pour un extrait national.")
    if data[:4] == b"PK\x03\x04" or not file_name.lower().endswith((".csv", ".txt")):
        raise FileRejected("Un extrait national se dépose au format CSV (séparateur point-virgule).")
    # The encoding check decodes the whole file once; pandas then reads the bytes in that encoding.
    _, encoding = decode_text(data)
    data = data.rstrip(b"\r\n\t ")
    first_line = data.split(b"\n", 1)[0].decode(encoding).lstrip("\ufeff").strip()
    delimiter = ";" if ";" in first_line else ","
    header = [name.strip().lower() for name in first_line.split(delimiter)]
    if header != EXTRACT_COLUMNS:
        raise FileRejected(
            Problem(
                "en-tête attendu « " + ";".join(EXTRACT_COLUMNS) + " », trouvé « " + first_line[:200] + " ».", line=1
            )
        )
    blank = re.search(rb"\n[ \t\r]*\n", data)
    if blank:
        raise FileRejected(Problem("ligne vide au milieu du fichier.", line=data.count(b"\n", 0, blank.start()) + 2))
    if progress:
        progress(5, "Lecture du fichier")
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            sep=delimiter,
            engine="pyarrow",
            dtype=str,
            encoding="utf-8" if encoding.startswith("utf-8") else encoding,
            keep_default_na=False,
        )
    except Exception:
        raise FileRejected(_locate_shape_errors(data.decode(encoding), delimiter)) from None
    frame.columns = EXTRACT_COLUMNS
    if progress:
        progress(30, "Contrôle des valeurs")
    return _clean(frame, data)


def _locate_shape_errors(text: str, delimiter: str) -> list[Problem]:
    """Which lines have too many or too few cells (only run when the fast reader has refused the file)."""
    import csv

    problems = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    for cells in reader:
        if len(cells) != len(EXTRACT_COLUMNS):
            problems.append(Problem(f"{len(cells)} cellules au lieu de {len(EXTRACT_COLUMNS)}.", line=reader.line_num))
            if len(problems) >= MAX_ERRORS:
                break
    return problems or [Problem("CSV mal formé (guillemets ou séparateur).")]


def _clean(frame, data: bytes):
    import numpy as np
    import pandas as pd

    problems: list[Problem] = []
    lines = np.arange(2, len(frame) + 2)

    def by_unique(column: str, convert: Callable[[str], object], message: str):
        # Dates, territories and regimes take few distinct values: convert each once, then map.
        codes, uniques = pd.factorize(frame[column].str.strip())
        converted = []
        bad = set()
        for position, text in enumerate(uniques):
            try:
                converted.append(convert(text))
            except ValueError:
                converted.append(None)
                bad.add(position)
        if bad:
            for index in np.flatnonzero(np.isin(codes, list(bad)))[:MAX_ERRORS]:
                problems.append(_problem(int(lines[index]), column, message.format(frame[column].iat[index])))
        return np.asarray(converted, dtype=object)[codes]

    start = by_unique("periode_debut", _parse_date, "date « {} » invalide (attendu AAAA-MM-JJ ou JJ/MM/AAAA).")
    end = by_unique("periode_fin", _parse_date, "date « {} » invalide (attendu AAAA-MM-JJ ou JJ/MM/AAAA).")
    territory = by_unique("territoire", _parse_territory, "territoire « {} » vide ou invalide.")
    regime = by_unique("regime", _parse_regime, "régime « {} » inconnu (RG, MSA ou Autres).")
    poste = frame["poste"].str.strip()
    for index in np.flatnonzero((poste == "").to_numpy())[:MAX_ERRORS]:
        problems.append(_problem(int(lines[index]), "poste", "poste vide."))
    amounts = {}
    for column in ("montant", "montant_n_1"):
        raw = frame[column].str.strip()
        cleaned = raw
        for space in THOUSANDS_SPACES:
            # Literal replacements run in pyarrow's kernels, several times faster than one regular expression.
            if space.encode() in data:
                cleaned = cleaned.str.replace(space, "", regex=False)
        cleaned = cleaned.str.replace(",", ".", regex=False)
        numbers = pd.to_numeric(cleaned, errors="coerce")
        invalid = numbers.isna() & (raw != "")
        if column == "montant":
            invalid = invalid | (raw == "")
        bad = invalid.to_numpy()
        for index in np.flatnonzero(bad)[:MAX_ERRORS]:
            text = frame[column].iat[index]
            problems.append(
                _problem(int(lines[index]), column, f"« {text} » n'est pas un nombre." if text else "montant vide.")
            )
        amounts[column] = numbers.round(2)
    if problems:
        problems.sort(key=lambda problem: (problem.line, problem.column))
        raise FileRejected(problems[:MAX_ERRORS])
    cleaned = pd.DataFrame(
        {
            "line": lines,
            "period_start": start,
            "period_end": end,
            "territory": territory,
            "poste": poste,
            "regime": regime,
            "amount": amounts["montant"],
            "amount_n_1": amounts["montant_n_1"],
        }
    )
    bad_periods = cleaned["period_end"] < cleaned["period_start"]
    if bad_periods.any():
        index = int(np.flatnonzero(bad_periods.to_numpy())[0])
        raise FileRejected(_problem(int(lines[index]), "periode_fin", "la fin de période précède son début."))
    return cleaned


def _parse_date(text: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _parse_territory(text: str) -> str:
    if not text:
        raise ValueError(text)
    code = normalise_territory(text)
    if len(code) > 10:
        raise ValueError(text)
    return code


def _parse_regime(text: str) -> str:
    code = REGIME_CODES.get(text.strip().lower())
    if code is None:
        raise ValueError(text)
    return code


# --- Storage -----------------------------------------------------------------------------------------------


def extract_store(extract: NationalExtract, frame) -> int:
    """Replace the extract's lines by the frame's (COPY on PostgreSQL, bulk_create elsewhere); inside a transaction."""
    ExtractLine.objects.filter(extract=extract).delete()
    if connection.vendor == "postgresql":
        _copy_lines(extract, frame)
    else:
        _bulk_create_lines(extract, frame)
    return len(frame)


def _copy_lines(extract: NationalExtract, frame) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    amount_type = pa.decimal128(18, 2)
    table = pa.table(
        {
            "extract_id": pa.array([extract.pk] * len(frame), type=pa.int64()),
            "line": pa.array(frame["line"].to_numpy(), type=pa.int64()),
            "period_start": pa.array(frame["period_start"].tolist(), type=pa.date32()),
            "period_end": pa.array(frame["period_end"].tolist(), type=pa.date32()),
            "territory": pa.array(frame["territory"].tolist(), type=pa.string()),
            "poste": pa.array(frame["poste"].tolist(), type=pa.string()),
            "regime": pa.array(frame["regime"].tolist(), type=pa.string()),
            "amount": pa.array(frame["amount"].to_numpy(), type=pa.float64(), from_pandas=True).cast(amount_type),
            "amount_n_1": pa.array(frame["amount_n_1"].to_numpy(), type=pa.float64(), from_pandas=True).cast(
                amount_type
            ),
        }
    )
    buffer = io.BytesIO()
    pacsv.write_csv(table, buffer, write_options=pacsv.WriteOptions(include_header=False))
    buffer.seek(0)
    columns = ", ".join(table.column_names)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {ExtractLine._meta.db_table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '')", buffer
        )


def _bulk_create_lines(extract: NationalExtract, frame) -> None:
    batch = []
    for line, start, end, territory, poste, regime, amount, previous in frame.itertuples(index=False, name=None):
        batch.append(
            ExtractLine(
                extract=extract,
                line=int(line),
                period_start=start,
                period_end=end,
                territory=territory,
                poste=poste,
                regime=regime,
                amount=_decimal(amount),
                amount_n_1=_decimal(previous),
            )
        )
        if len(batch) >= 5000:
            ExtractLine.objects.bulk_create(batch)
            batch = []
    ExtractLine.objects.bulk_create(batch)


def _decimal(value) -> Decimal | None:
    if value is None or value != value:
        return None
    return Decimal(repr(float(value))).quantize(Decimal("0.01"))


def _progress_saver(extract: NationalExtract) -> Progress:
    def save(percent: int, stage: str) -> None:
        NationalExtract.objects.filter(pk=extract.pk).update(progress=percent, stage=stage, updated_at=timezone.now())

    return save


def extract_process(*, extract_id: int) -> NationalExtract | None:
    """Parse and store an uploaded extract; safe to run again (a failed or interrupted run leaves no line)."""
    stale = timezone.now() - datetime.timedelta(minutes=15)
    claimed = (
        NationalExtract.objects.filter(pk=extract_id)
        .filter(
            Q(status__in=[NationalExtract.Status.PENDING, NationalExtract.Status.FAILED])
            | Q(status=NationalExtract.Status.RUNNING, updated_at__lt=stale)
        )
        .update(status=NationalExtract.Status.RUNNING, progress=0, stage="Démarrage", updated_at=timezone.now())
    )
    if claimed != 1:
        return None  # already done, or being processed by another worker
    extract = NationalExtract.objects.get(pk=extract_id)
    progress = _progress_saver(extract)
    try:
        with extract.file.open("rb") as handle:
            data = handle.read()
        frame = extract_read(data, extract.file_name or extract.file.name, progress=progress)
        progress(60, "Enregistrement des lignes")
        pairs = frame[["period_start", "period_end"]].drop_duplicates().itertuples(index=False, name=None)
        periods = sorted((start.isoformat(), end.isoformat()) for start, end in pairs)
        with transaction.atomic():
            count = extract_store(extract, frame)
            NationalExtract.objects.filter(pk=extract.pk).update(
                status=NationalExtract.Status.DONE,
                progress=100,
                stage="Terminé",
                rows_total=count,
                periods=[list(period) for period in periods],
                error_report="",
                updated_at=timezone.now(),
            )
    except FileRejected as error:
        NationalExtract.objects.filter(pk=extract.pk).update(
            status=NationalExtract.Status.FAILED, stage="Fichier refusé", error_report=error.report()
        )
    extract.refresh_from_db()
    return extract


# --- Derivation of a commission's `montants` table ------------------------------------------------------------


def _evolution(amount: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """PCAP in %, one decimal; none when the previous amount is missing or 0."""
    if amount is None or not previous:
        return None
    return ((amount - previous) * 100 / previous).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _sums(queryset) -> dict[tuple[str, str], tuple[Decimal | None, Decimal | None]]:
    return {
        (row["poste"], row["regime"]): (row["amount"], row["previous"])
        for row in queryset.values("poste", "regime").annotate(amount=Sum("amount"), previous=Sum("amount_n_1"))
    }


def _by_poste(sums) -> dict[str, tuple[Decimal, Decimal | None]]:
    totals: dict[str, list] = {}
    for (poste, _regime), (amount, previous) in sums.items():
        entry = totals.setdefault(poste, [Decimal(0), None])
        entry[0] += amount or 0
        if previous is not None:
            entry[1] = (entry[1] or Decimal(0)) + previous
    return {poste: (values[0], values[1]) for poste, values in totals.items()}


def _reference_lines(lines, code: str):
    """The lines of a territory: its own lines when the extract has them, else the sum of its departments."""
    own = lines.filter(territory=code)
    if own.exists():
        return own
    if code == FRANCE:
        return lines.exclude(territory__startswith="R").exclude(territory=FRANCE)
    if code in REGION_DEPARTMENTS:
        return lines.filter(territory__in=REGION_DEPARTMENTS[code])
    return own


def montants_derive(
    *,
    commission,
    extract: NationalExtract,
    territory: str,
    period_start: datetime.date,
    period_end: datetime.date,
    user=None,
) -> tuple[StatTable, bool]:
    """The `montants` table of one territory of the commission and one period, computed from the extract."""
    from .layouts import MONTANTS, Column, ParsedTable, Row
    from .parsing import Number
    from .services import TableMeta, table_store

    if extract.status != NationalExtract.Status.DONE:
        raise ValidationError("Cet extrait n'est pas encore chargé.")
    territory = normalise_territory(territory)
    if not commission.stat_territories.filter(code=territory).exists():
        raise ValidationError("Ce territoire n'est pas couvert par la commission.")
    existing = StatTable.objects.filter(
        commission=commission,
        derived_from=extract,
        territory=territory,
        period_start=period_start,
        period_end=period_end,
    ).first()
    if existing is not None:
        return existing, False
    lines = ExtractLine.objects.filter(extract=extract, period_start=period_start, period_end=period_end)
    own = _reference_lines(lines, territory)
    sums = _sums(own)
    if not sums:
        raise ValidationError("L'extrait ne contient aucune ligne pour ce territoire et cette période.")
    order = {row["poste"]: row["first"] for row in own.values("poste").annotate(first=Min("line")).order_by()}
    postes = sorted(order, key=order.get)
    region = region_of(territory)
    region_totals = _by_poste(_sums(_reference_lines(lines, region))) if region else {}
    france_totals = _by_poste(_sums(_reference_lines(lines, FRANCE)))

    regimes = [regime for regime in REGIME_ORDER if any(key[1] == regime for key in sums)]
    columns = []
    for regime in regimes:
        group = {"RG": "rg", "MSA": "msa", "Autres": "autres"}[regime]
        columns.append(Column(len(columns), f"{regime} / Montants", group, "amount"))
        columns.append(Column(len(columns), f"{regime} / Evolutions", group, "evolution", percent=True))
    columns += [
        Column(len(columns), "TOTAL / Montants", "total", "amount"),
        Column(len(columns) + 1, "TOTAL / Evolutions", "total", "evolution", percent=True),
        Column(len(columns) + 2, "Evolutions Région", "region", "evolution", percent=True),
        Column(len(columns) + 3, "Evolutions France", "france", "evolution", percent=True),
    ]

    def amount_cell(value: Decimal | None) -> Number:
        return Number(value, decimals=2 if value is not None and value != value.to_integral_value() else 0)

    def percent_cell(value: Decimal | None) -> Number:
        return Number(value, percent=True, decimals=1)

    rows = []
    grand = {regime: [Decimal(0), Decimal(0), False] for regime in regimes + ["total"]}
    for poste in postes:
        values = []
        total_amount, total_previous, total_has_previous = Decimal(0), Decimal(0), False
        for regime in regimes:
            amount, previous = sums.get((poste, regime), (None, None))
            values += [amount_cell(amount), percent_cell(_evolution(amount, previous))]
            total_amount += amount or 0
            grand[regime][0] += amount or 0
            if previous is not None:
                total_previous += previous
                total_has_previous = True
                grand[regime][1] += previous
                grand[regime][2] = True
        previous = total_previous if total_has_previous else None
        grand["total"][0] += total_amount
        if previous is not None:
            grand["total"][1] += previous
            grand["total"][2] = True
        values += [amount_cell(total_amount), percent_cell(_evolution(total_amount, previous))]
        values += [
            percent_cell(_evolution(*region_totals[poste]) if poste in region_totals else None),
            percent_cell(_evolution(*france_totals[poste]) if poste in france_totals else None),
        ]
        rows.append(Row(len(rows) + 1, poste, values))
    total_values = []
    for regime in regimes + ["total"]:
        amount, previous, has_previous = grand[regime]
        total_values += [amount_cell(amount), percent_cell(_evolution(amount, previous if has_previous else None))]

    def overall(totals):
        if not totals:
            return None
        amount = sum((value[0] for value in totals.values()), Decimal(0))
        previous = [value[1] for value in totals.values() if value[1] is not None]
        return _evolution(amount, sum(previous, Decimal(0)) if previous else None)

    total_values += [percent_cell(overall(region_totals)), percent_cell(overall(france_totals))]
    rows.append(Row(len(rows) + 1, "TOTAL", total_values, is_subtotal=True))
    parsed = ParsedTable(MONTANTS, columns, rows, label_header="Postes de dépenses")
    meta = TableMeta(
        title=f"Montants remboursés — {territory} — du {period_start:%d/%m/%Y} au {period_end:%d/%m/%Y}",
        period_start=period_start,
        period_end=period_end,
        territory=territory,
        source=extract.source or extract.title,
        extraction_date=extract.extraction_date,
    )
    with transaction.atomic():
        table, created = table_store(commission=commission, parsed=parsed, meta=meta, user=user)
        table.derived_from = extract
        table.save(update_fields=["derived_from"])
    return table, created


__all__ = [
    "EXTRACT_COLUMNS",
    "column_letter",
    "extract_process",
    "extract_read",
    "extract_store",
    "montants_derive",
]


def extract_create(
    *, data: bytes, file_name: str, title: str, source: str = "", extraction_date=None, user=None
) -> tuple[NationalExtract, bool]:
    """Keep an uploaded extract (the same file twice gives the first one back); the task parses it."""
    import hashlib

    from django.core.files.base import ContentFile

    if not data.strip():
        raise FileRejected("Le fichier est vide.")
    if len(data) > MAX_EXTRACT_BYTES:
        raise FileRejected("Le fichier dépasse la taille autorisée pour un extrait national.")
    digest = hashlib.sha256(data).hexdigest()
    existing = NationalExtract.objects.filter(file_hash=digest).first()
    if existing is not None:
        return existing, False
    extract = NationalExtract(
        title=title.strip() or file_name,
        source=source.strip(),
        extraction_date=extraction_date,
        file_name=file_name[:255],
        file_hash=digest,
        imported_by=user if user is not None and user.is_authenticated else None,
    )
    extract.file.save(f"{digest[:16]}.csv", ContentFile(data), save=False)
    extract.save()
    return extract, True


def extract_queue(extract: NationalExtract) -> None:
    """Queue the parsing once the upload is committed (never before: the worker would not see the row)."""
    from .tasks import import_national_extract

    transaction.on_commit(lambda: import_national_extract.delay(extract.pk))
