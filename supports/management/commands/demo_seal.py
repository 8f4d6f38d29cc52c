"""A self-signed demo certificate for the portal's seal, written under var/seal/ (git-ignored) only if absent."""

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.management.base import BaseCommand


def _demo_certificate(key) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Démonstration"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Portail des commissions paritaires - cachet de démonstration"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    usage = dict.fromkeys(
        ("key_encipherment", "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign")
        + ("encipher_only", "decipher_only"),
        False,
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # From a year back: the demo data are dated in the past.
        .not_valid_before(now - datetime.timedelta(days=2 * 365))
        .not_valid_after(now + datetime.timedelta(days=3 * 365))
        .add_extension(
            x509.KeyUsage(digital_signature=True, content_commitment=True, **usage),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )


class Command(BaseCommand):
    help = (
        "Écrit un certificat de cachet auto-signé de démonstration (var/seal/), s'il n'existe pas encore. "
        "Les lecteurs PDF montrent alors le signataire comme inconnu."
    )

    def handle(self, *args, **options):
        folder = Path(settings.SEAL_DEMO_DIR)
        cert_file, key_file = folder / "seal-cert.pem", folder / "seal-key.pem"
        if cert_file.exists() and key_file.exists():
            self.stdout.write(f"Certificat de démonstration déjà présent : {cert_file}")
            return
        folder.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        key_file.chmod(0o600)
        cert_file.write_bytes(_demo_certificate(key).public_bytes(serialization.Encoding.PEM))
        self.stdout.write(f"Certificat de démonstration écrit : {cert_file} (clé : {key_file})")
