"""Territory codes: departments ('21' = '021', '2A', '974'), regions ('R93'), and the departments of each region."""

import re

# INSEE codes of the regions (since 2016) and their departments.
REGION_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "R84": ("01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"),
    "R27": ("21", "25", "39", "58", "70", "71", "89", "90"),
    "R53": ("22", "29", "35", "56"),
    "R24": ("18", "28", "36", "37", "41", "45"),
    "R94": ("2A", "2B"),
    "R44": ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88"),
    "R32": ("02", "59", "60", "62", "80"),
    "R11": ("75", "77", "78", "91", "92", "93", "94", "95"),
    "R28": ("14", "27", "50", "61", "76"),
    "R75": ("16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"),
    "R76": ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"),
    "R52": ("44", "49", "53", "72", "85"),
    "R93": ("04", "05", "06", "13", "83", "84"),
    "R01": ("971",),
    "R02": ("972",),
    "R03": ("973",),
    "R04": ("974",),
    "R06": ("976",),
}
DEPARTMENT_REGION: dict[str, str] = {
    department: region for region, departments in REGION_DEPARTMENTS.items() for department in departments
}
FRANCE = "FR"

_REGION_RE = re.compile(r"^R\s*0*(\d{1,2})$")
_DEPARTMENT_RE = re.compile(r"^0*(\d{1,3}|2[AB])$")


def normalise_territory(code: str) -> str:
    """The canonical code: '021' and '21' → '21', '2a' → '2A', '974', 'r93' → 'R93', 'France' → 'FR'.

    Codes that are none of these come back stripped and upper-cased (an organism, a CPAM name).
    """
    text = str(code).strip().upper()
    if text in ("FR", "FRANCE", "FRANCE ENTIERE", "FRANCE ENTIÈRE", "NATIONAL"):
        return FRANCE
    match = _REGION_RE.match(text)
    if match:
        return f"R{int(match.group(1)):02d}"
    match = _DEPARTMENT_RE.match(text)
    if match:
        value = match.group(1)
        if value in ("2A", "2B"):
            return value
        number = int(value)
        return f"{number:02d}" if number < 100 else f"{number:03d}"
    return text


def territory_code_in_label(label: str) -> str:
    """The code at the start of a label such as '021 - COTE-D'OR' or '2A', else ''."""
    match = re.match(r"^\s*(R?\s*\d{1,3}|2[ABab])(?:\s*[-–]\s*|\s*$)", label)
    return normalise_territory(match.group(1)) if match else ""


def region_of(code: str) -> str:
    """The region code of a department (or the region itself), '' when unknown."""
    code = normalise_territory(code)
    if code.startswith("R"):
        return code
    return DEPARTMENT_REGION.get(code, "")
