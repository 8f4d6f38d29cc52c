"""Tele-transmission aids (SESAM-Vitale and SCOR) per legal entity and region: pure functions.

The rules of a year (amounts, threshold, eligible specialties) are data
(`AidRules`, stored as `AidScheme`); ratios are compared in integers
(fse × 100 ≥ threshold × total), so there is no floating-point edge at 80 %.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from .parsing import FileRejected, Problem, cell_text, normalise_header, read_grid
from .territories import normalise_territory

ACTIVITY_COLUMNS = [
    "siren",
    "numero_am",
    "specialite",
    "region",
    "site_referent",
    "fse",
    "feuilles_total",
    "ordonnances_scor",
    "ordonnances_total",
]
OUTPUT_COLUMNS = [
    "siren",
    "region",
    "site_referent",
    "taux_fse",
    "taux_scor",
    "aide_sesam_vitale",
    "aide_scor",
    "statut",
]
STATUS_ELIGIBLE = "éligible"
STATUS_NONE = "aucune aide"
STATUS_UNVERIFIABLE = "non vérifiable — aucun paiement"
STATUS_SPECIALTY = "spécialité non éligible"


@dataclass(frozen=True)
class AidRules:
    year: int
    sesam_vitale_amount: int
    scor_amount: int
    threshold_percent: int
    specialties: frozenset[str]


@dataclass(frozen=True)
class SiteActivity:
    siren: str
    numero_am: str
    specialite: str
    region: str
    site_referent: bool
    fse: int
    feuilles_total: int
    ordonnances_scor: int
    ordonnances_total: int
    line: int | None = None


@dataclass(frozen=True)
class AidResult:
    siren: str
    region: str
    site_referent: str
    taux_fse: Decimal | None
    taux_scor: Decimal | None
    aide_sesam_vitale: int
    aide_scor: int
    statut: str

    def as_row(self) -> list[str]:
        return [
            self.siren,
            self.region,
            self.site_referent,
            "" if self.taux_fse is None else f"{self.taux_fse}",
            "" if self.taux_scor is None else f"{self.taux_scor}",
            str(self.aide_sesam_vitale),
            str(self.aide_scor),
            self.statut,
        ]


def reaches(part: int, total: int, threshold_percent: int) -> bool:
    """part / total ≥ threshold %, in integers; never when the total is 0."""
    return total > 0 and part * 100 >= threshold_percent * total


def rate(part: int, total: int) -> Decimal | None:
    """The rate in percent, truncated to two decimals (79.999 shows as 79.99, never as 80.00)."""
    if total <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(total)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def aid_eligibility(sites: list[SiteActivity], rules: AidRules) -> list[AidResult]:
    """One result per legal entity and region, sorted by SIREN then region."""
    groups: dict[tuple[str, str], list[SiteActivity]] = {}
    for site in sites:
        groups.setdefault((site.siren, site.region), []).append(site)
    results = []
    for (siren, region), members in sorted(groups.items()):
        eligible = [site for site in members if site.specialite in rules.specialties]
        references = [site for site in members if site.site_referent]
        reference = references[0].numero_am if len(references) == 1 else ""
        fse = sum(site.fse for site in eligible)
        sheets = sum(site.feuilles_total for site in eligible)
        scor = sum(site.ordonnances_scor for site in eligible)
        prescriptions = sum(site.ordonnances_total for site in eligible)
        rate_fse, rate_scor = rate(fse, sheets), rate(scor, prescriptions)
        if not eligible:
            results.append(AidResult(siren, region, reference, None, None, 0, 0, STATUS_SPECIALTY))
            continue
        sesam_vitale = rules.sesam_vitale_amount if reaches(fse, sheets, rules.threshold_percent) else 0
        scor_aid = rules.scor_amount if reaches(scor, prescriptions, rules.threshold_percent) else 0
        if len(references) != 1:
            results.append(AidResult(siren, region, "", rate_fse, rate_scor, 0, 0, STATUS_UNVERIFIABLE))
            continue
        status = STATUS_ELIGIBLE if sesam_vitale or scor_aid else STATUS_NONE
        results.append(AidResult(siren, region, reference, rate_fse, rate_scor, sesam_vitale, scor_aid, status))
    return results


def aid_csv(results: list[AidResult]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for result in results:
        writer.writerow(result.as_row())
    return buffer.getvalue()


def read_activity(data: bytes, file_name: str) -> list[SiteActivity]:
    """The sites of an activity file (CSV or XLSX); FileRejected with line and column on bad input."""
    grid = read_grid(data, file_name)
    rows = [(line, cells) for line, cells in grid.rows if any(cell_text(cell) for cell in cells)]
    header = [normalise_header(cell_text(cell)) for cell in rows[0][1]]
    while header and not header[-1]:
        header.pop()
    if header != ACTIVITY_COLUMNS:
        raise FileRejected(Problem("en-tête attendu « " + ";".join(ACTIVITY_COLUMNS) + " ».", line=rows[0][0]))
    sites: list[SiteActivity] = []
    problems: list[Problem] = []
    for line, cells in rows[1:]:
        texts = [cell_text(cell) for cell in cells]
        if len(texts) < len(ACTIVITY_COLUMNS) or any(texts[len(ACTIVITY_COLUMNS) :]):
            problems.append(Problem(f"{len(texts)} cellules au lieu de {len(ACTIVITY_COLUMNS)}.", line=line))
            continue
        values = dict(zip(ACTIVITY_COLUMNS, texts, strict=False))
        counts = {}
        for position, name in enumerate(ACTIVITY_COLUMNS[5:], start=5):
            text = values[name].replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
            if text.endswith(".0"):
                text = text[:-2]
            if not text.isdigit():
                problems.append(
                    Problem(
                        f"« {values[name]} » n'est pas un nombre entier positif.",
                        line=line,
                        column=position,
                        header=name,
                    )
                )
                continue
            counts[name] = int(text)
        referent = values["site_referent"].lower()
        if referent not in ("oui", "non"):
            problems.append(Problem("attendu « oui » ou « non ».", line=line, column=4, header="site_referent"))
        for position, name in enumerate(("siren", "numero_am", "region")):
            if not values[name]:
                problems.append(Problem("valeur manquante.", line=line, column=(0, 1, 3)[position], header=name))
        if problems and problems[-1].line == line:
            continue
        specialty = values["specialite"].removesuffix(".0")
        sites.append(
            SiteActivity(
                siren=values["siren"].removesuffix(".0"),
                numero_am=values["numero_am"].removesuffix(".0"),
                specialite=specialty.zfill(2) if specialty.isdigit() else specialty,
                region=normalise_region(values["region"]),
                site_referent=referent == "oui",
                line=line,
                **counts,
            )
        )
    if problems:
        raise FileRejected(problems)
    return sites


def normalise_region(text: str) -> str:
    """'93', 'R93' → 'R93'; other labels kept as written."""
    text = text.strip().removesuffix(".0")
    if text.isdigit():
        return normalise_territory(f"R{text}")
    return normalise_territory(text)


def rules_for_year(year: int) -> AidRules | None:
    from .models import AidScheme

    scheme = AidScheme.objects.filter(year=year).first()
    if scheme is None:
        return None
    return AidRules(
        year=scheme.year,
        sesam_vitale_amount=scheme.sesam_vitale_amount,
        scor_amount=scheme.scor_amount,
        threshold_percent=scheme.threshold_percent,
        specialties=frozenset(code.strip().zfill(2) for code in scheme.specialties.split(",") if code.strip()),
    )
