"""The portal's electronic seal on a transmitted RDD document (PAdES with pyHanko), and its check.

The seal is the portal's, not a personal signature: the presidents approve online, and the visible block says
so. PAdES B-B, or B-T when TSA_URL names an RFC 3161 time-stamping authority. The certificate and its key come
from the environment (portal/settings.py: SEAL_*); without them, or with an expired certificate, nothing is
sealed and the transmission is refused (`seal_ready`, called inside the transmission's transaction).
"""

import asyncio
import datetime
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from decisions.models import Approval, Rdd

logger = logging.getLogger(__name__)

FIELD_NAME = "CachetPortail"
# The block, in the bottom margin of the last page (A4 landscape, 18 mm bottom margin), between the footer's
# commission and date on the left and the page number on the right.
BOX_WIDTH, BOX_HEIGHT, BOX_BOTTOM, BOX_RIGHT_GAP = 400, 40, 5, 105


class SealUnavailable(RuntimeError):
    """The seal cannot be applied (no certificate, unreadable, expired): its French reason is the message."""


def _configured_files() -> dict:
    return {
        "cert": getattr(settings, "SEAL_CERT_FILE", ""),
        "key": getattr(settings, "SEAL_KEY_FILE", ""),
        "pkcs12": getattr(settings, "SEAL_PKCS12_FILE", ""),
        "ca": list(getattr(settings, "SEAL_CA_FILES", []) or []),
    }


def _missing(paths: list[str]) -> list[str]:
    return [path for path in paths if not Path(path).is_file()]


def seal_signer():
    """The portal's signer (pyHanko SimpleSigner), read from the configured files; SealUnavailable otherwise."""
    from pyhanko.sign import signers

    files = _configured_files()
    if files["pkcs12"]:
        paths = [files["pkcs12"], *files["ca"]]
    elif files["cert"] and files["key"]:
        paths = [files["cert"], files["key"], *files["ca"]]
    else:
        raise SealUnavailable(
            "Le certificat du cachet électronique du portail n'est pas configuré (SEAL_CERT_FILE et SEAL_KEY_FILE, "
            "ou SEAL_PKCS12_FILE) : sans cachet, le relevé n'est pas transmis."
        )
    if missing := _missing(paths):
        raise SealUnavailable(
            f"Fichier du cachet électronique introuvable : {', '.join(missing)} ; le relevé n'est pas transmis."
        )
    if files["pkcs12"]:
        passphrase = getattr(settings, "SEAL_PKCS12_PASSPHRASE", "") or None
        signer = signers.SimpleSigner.load_pkcs12(
            files["pkcs12"], ca_chain_files=files["ca"] or None, passphrase=passphrase.encode() if passphrase else None
        )
    else:
        passphrase = getattr(settings, "SEAL_KEY_PASSPHRASE", "") or None
        signer = signers.SimpleSigner.load(
            files["key"],
            files["cert"],
            ca_chain_files=files["ca"] or None,
            key_passphrase=passphrase.encode() if passphrase else None,
        )
    if signer is None:
        raise SealUnavailable(
            "Le certificat ou la clé du cachet électronique ne peut pas être lu (fichier ou phrase de passe "
            "erronés) : le relevé n'est pas transmis."
        )
    _check_validity(signer.signing_cert)
    return signer


def _check_validity(certificate) -> None:
    now = timezone.now()
    validity = certificate["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    if now > not_after:
        raise SealUnavailable(
            f"Le certificat du cachet électronique a expiré le {timezone.localtime(not_after):%d/%m/%Y} : "
            "le relevé n'est pas transmis. Installez un certificat valide."
        )
    if now < not_before:
        raise SealUnavailable(
            f"Le certificat du cachet électronique n'est valide qu'à partir du "
            f"{timezone.localtime(not_before):%d/%m/%Y} : le relevé n'est pas transmis."
        )


def seal_ready() -> None:
    """Whether a document can be sealed now (SealUnavailable otherwise): checked before a transmission commits."""
    seal_signer()


def timestamper():
    """The time-stamping authority of TSA_URL (PAdES B-T), or None (B-B)."""
    url = getattr(settings, "TSA_URL", "")
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=10)


# The visible block


def _approval_phrase(approval: Approval) -> str:
    person = approval.person
    title = "présidente" if person.civility == "Mme" else "président"
    return (
        f"{person.display_name}, {title} de la {approval.get_section_display().lower()}, "
        f"le {approval.approved_on:%d/%m/%Y}"
    )


def stamp_lines(rdd: Rdd) -> list[str]:
    """The visible block: the portal's seal, and who approved online and when (one line per approval)."""
    approvals = list(Approval.objects.filter(rdd=rdd).select_related("person").order_by("approved_on", "-section"))
    # The built-in PDF font of the block has no dash longer than a hyphen (WinAnsi through pyHanko's simple font).
    lines = ["Cachet électronique du portail - approuvé en ligne"]
    for position, approval in enumerate(approvals):
        lines.append(("par " if position == 0 else "et par ") + _approval_phrase(approval))
    return lines


def stamp_text(rdd: Rdd) -> str:
    """The block as one sentence (the signature's reason, in readers' signature panels)."""
    approvals = list(Approval.objects.filter(rdd=rdd).select_related("person").order_by("approved_on", "-section"))
    phrases = [_approval_phrase(approval) for approval in approvals]
    return "Cachet électronique du portail — approuvé en ligne par " + " et par ".join(phrases)


def _box(pdf: bytes) -> tuple[int, int, int, int]:
    from pypdf import PdfReader

    width = float(PdfReader(io.BytesIO(pdf)).pages[-1].mediabox.width)
    left = max(int(width - BOX_RIGHT_GAP - BOX_WIDTH), 0)
    return (left, BOX_BOTTOM, left + BOX_WIDTH, BOX_BOTTOM + BOX_HEIGHT)


def rdd_seal(pdf: bytes, *, rdd: Rdd) -> bytes:
    """The RDD's PDF sealed by the portal (PAdES B-B, or B-T with TSA_URL): the bytes that are stored."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    signer = seal_signer()
    meeting = rdd.meeting
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=stamp_text(rdd),
        location=f"{meeting.commission.name}, séance du {meeting.date:%d/%m/%Y}, version {rdd.version}",
        subfilter=fields.SigSeedSubFilter.PADES,
        use_pades_lta=False,
    )
    style = TextStampStyle(
        stamp_text="\n".join(stamp_lines(rdd)),
        text_box_style=TextBoxStyle(font_size=7),
        background=None,
        border_width=1,
    )
    signer_pdf = signers.PdfSigner(
        metadata,
        signer=signer,
        timestamper=timestamper(),
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=-1, box=_box(pdf)),
    )
    output = _outside_running_loop(signer_pdf.sign_pdf, IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False))
    return output.getvalue()


def _outside_running_loop(function, *args):
    """pyHanko's synchronous calls run an event loop of their own (asyncio.run), refused in a thread whose loop is
    running (an async caller, a shell or a test driving a browser): there, they run in a thread of their own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(function, *args).result()


# The check of a sealed document


@dataclass(frozen=True)
class SealCheck:
    """What pyHanko's validator says of a document's seal, in the words of the verification page."""

    signed: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str = ""
    signed_at: datetime.datetime | None = None
    timestamped: bool = False
    error: str = ""

    @property
    def ok(self) -> bool:
        """Intact, cryptographically valid, by a trusted certificate, covering the whole file."""
        return self.signed and self.intact and self.valid and self.trusted and self.whole_file


def trust_roots() -> list:
    """The certificates the check trusts: the configured chain, and the portal's own seal certificate."""
    from pyhanko.keys import load_cert_from_pemder

    files = _configured_files()
    roots = []
    for path in [*files["ca"], files["cert"]]:
        if path and Path(path).is_file():
            try:
                roots.append(load_cert_from_pemder(path))
            except (OSError, ValueError):
                logger.warning("Certificat de confiance illisible : %s", path)
    return roots


def seal_validate(data: bytes, *, roots: list | None = None) -> SealCheck:
    """The portal's seal of a PDF checked by pyHanko's validator, with the issuing CA as trust root."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import validation
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        return SealCheck(signed=False, error=f"le fichier n'est pas un PDF lisible ({error})")
    seals = [signature for signature in signatures if signature.field_name == FIELD_NAME]
    if not seals:
        return SealCheck(signed=False)
    context = ValidationContext(trust_roots=trust_roots() if roots is None else roots)
    try:
        status = _outside_running_loop(validation.validate_pdf_signature, seals[-1], context)
    except (SignatureValidationError, ValueError, KeyError, TypeError) as error:
        return SealCheck(signed=True, error=str(error))
    return SealCheck(
        signed=True,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=status.signing_cert.subject.human_friendly,
        signed_at=status.signer_reported_dt,
        timestamped=status.timestamp_validity is not None,
    )
