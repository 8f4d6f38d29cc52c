"""The admins' second factor: a TOTP device (RFC 6238, what authenticator apps and `oathtool` do)."""

import base64
import time

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "application d'authentification"


@transaction.atomic
def totp_device_ensure(*, user) -> tuple[TOTPDevice, bool]:
    """The user's confirmed TOTP device, created with a random secret if the user has none (idempotent)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is not None:
        return device, False
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True), True


def totp_secret(device: TOTPDevice) -> str:
    """The secret in base 32, as authenticator apps and `oathtool -b` take it."""
    return base64.b32encode(device.bin_key).decode()


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the device shows now (or at a given time, in seconds since the epoch)."""
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() if at is None else at
    return f"{generator.token():0{device.digits}d}"


def totp_instructions(device: TOTPDevice) -> str:
    """How to produce the codes of a device (printed by `manage.py demo_otp` and the demo)."""
    secret = totp_secret(device)
    return "\n".join(
        [
            f"Second facteur de « {device.user.get_username()} » pour /admin/ (TOTP, 6 chiffres, 30 s) :",
            f"  clé secrète : {secret}",
            f"  adresse pour une application d'authentification : {device.config_url}",
            f"  en ligne de commande : oathtool --totp -b {secret}",
            "  ou : python manage.py demo_otp --code",
            f"  code actuel : {totp_code(device)}",
        ]
    )
