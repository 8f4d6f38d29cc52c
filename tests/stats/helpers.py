"""Helpers of the statistics tests: the source-document tables (tests/stats/data), a workbook, an upload."""

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

DATA = Path(__file__).parent / "data"


def data_file(name: str) -> bytes:
    return (DATA / name).read_bytes()


def xlsx_bytes(rows: list[list], merges: list[str] = (), sheet: str = "Feuil1") -> bytes:
    """A workbook built with openpyxl, with merged cells."""
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    for cells in merges:
        worksheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload_post(client, commission, name="montants_paca_2023.csv", content=None, **fields):
    """Post a file to the upload page of a commission (the preview follows)."""
    data = {
        "file": SimpleUploadedFile(name, content if content is not None else data_file(name)),
        "kind": "auto",
        "title": "Bilan PACA 2023",
        "period_start": "01/01/2023",
        "period_end": "31/12/2023",
        **fields,
    }
    return client.post(reverse("statistics:upload", args=[commission.slug]), data)


EXTRACT_HEADER = "periode_debut;periode_fin;territoire;poste;regime;montant;montant_n_1\n"
REGIMES = ("RG", "MSA", "Autres")


def extract_bytes(count: int, postes: int = 7) -> bytes:
    """A national extract of `count` lines of 2024 over 95 departments, `postes` items and the three regimes;
    line n (from 0) is worth n thousand euros and a half."""
    lines = [EXTRACT_HEADER]
    for number in range(count):
        territory, poste, regime = f"{number % 95 + 1:03d}", f"Poste {number % postes}", REGIMES[number % 3]
        lines.append(f"2024-01-01;2024-12-31;{territory};{poste};{regime};{number}\u00a0000,5;{number} 000\n")
    return "".join(lines).encode()
