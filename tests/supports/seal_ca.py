"""A throw-away certification authority for the seal tests: a CA, the portal's seal certificate, a TSA.

Every test session gets one (tests/conftest.py, `seal_certificate`): transmissions seal their RDD document as in
production. Keys are elliptic (fast), except the TSA's: pyHanko's DummyTimeStamper signs with RSA.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

USAGES = dict.fromkeys(
    (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    ),
    False,
)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tests du portail"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@dataclass
class TestCA:
    """The files of a throw-away CA and what it issued, with the objects pyHanko needs."""

    folder: Path
    ca_key: object
    ca_cert: x509.Certificate

    @property
    def ca_file(self) -> Path:
        return self.folder / "ca.pem"

    def issue(self, name: str, *, expired: bool = False, tsa: bool = False) -> tuple[Path, Path]:
        """A certificate signed by the CA and its key, written as PEM files: (certificate, key)."""
        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if tsa
            else ec.generate_private_key(ec.SECP256R1())
        )
        # Wide margins: tests travel in time (frozen_today), and the fixture may be built during such a test.
        now = datetime.datetime.now(datetime.UTC)
        year = datetime.timedelta(days=365)
        start, end = (now - 10 * year, now - 3 * year) if expired else (now - 5 * year, now + 5 * year)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(self.ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
        )
        if tsa:
            builder = builder.add_extension(
                x509.KeyUsage(**{**USAGES, "digital_signature": True}), critical=True
            ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        else:
            builder = builder.add_extension(
                x509.KeyUsage(**{**USAGES, "digital_signature": True, "content_commitment": True}), critical=True
            )
        certificate = builder.sign(self.ca_key, hashes.SHA256())
        cert_file, key_file = self.folder / f"{name}-cert.pem", self.folder / f"{name}-key.pem"
        cert_file.write_bytes(_pem(certificate))
        key_file.write_bytes(_key_pem(key))
        return cert_file, key_file


def make_ca(folder: Path, *, name: str = "AC de test du portail") -> TestCA:
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=20 * 365))
        .not_valid_after(now + datetime.timedelta(days=20 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**{**USAGES, "key_cert_sign": True, "crl_sign": True}), critical=True)
        .sign(key, hashes.SHA256())
    )
    ca = TestCA(folder=folder, ca_key=key, ca_cert=certificate)
    ca.ca_file.write_bytes(_pem(certificate))
    return ca


def seal_settings(ca: TestCA, cert_file: Path, key_file: Path) -> dict:
    """The settings of a portal sealing with this certificate (no time-stamping authority)."""
    return {
        "SEAL_CERT_FILE": str(cert_file),
        "SEAL_KEY_FILE": str(key_file),
        "SEAL_KEY_PASSPHRASE": "",
        "SEAL_PKCS12_FILE": "",
        "SEAL_CA_FILES": [str(ca.ca_file)],
        "TSA_URL": "",
    }
