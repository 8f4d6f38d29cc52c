"""The admin site requires a second factor (TOTP) when ADMIN_REQUIRE_OTP is on, as in production."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.otp import totp_code, totp_device_ensure, totp_secret

PASSWORD = "Calanques-2026-bleues"


@pytest.fixture
def admin_with_device(admin_user):
    admin_user.set_password(PASSWORD)
    admin_user.save()
    device, _ = totp_device_ensure(user=admin_user)
    return admin_user, device


@pytest.fixture
def otp_required(settings):
    settings.ADMIN_REQUIRE_OTP = True


def admin_login(client, code):
    return client.post(
        reverse("admin:login"),
        {"username": "admin", "password": PASSWORD, "otp_token": code, "next": reverse("admin:index")},
    )


def test_a_password_alone_does_not_open_the_admin(client, admin_with_device, otp_required):
    admin_user, _ = admin_with_device
    client.force_login(admin_user)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_password_and_the_current_code_open_the_admin(client, admin_with_device, otp_required):
    _, device = admin_with_device

    response = admin_login(client, totp_code(device))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_wrong_code_is_refused(client, admin_with_device, otp_required):
    _, device = admin_with_device
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"

    response = admin_login(client, wrong)

    assert response.status_code == 200  # the login form again
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_admin_without_device_cannot_enter(client, admin_user, otp_required):
    admin_user.set_password(PASSWORD)
    admin_user.save()

    response = admin_login(client, "123456")

    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302


def test_without_the_setting_a_staff_session_is_enough(client, admin_user, settings):
    settings.ADMIN_REQUIRE_OTP = False
    client.force_login(admin_user)

    assert client.get(reverse("admin:index")).status_code == 200


def test_demo_otp_gives_the_admin_one_device_and_prints_how_to_use_it(admin_user, capsys):
    call_command("demo_otp")
    call_command("demo_otp")  # idempotent: the same device, the same secret

    device = TOTPDevice.objects.get(user=admin_user)
    output = capsys.readouterr().out
    assert device.confirmed
    assert output.count(f"oathtool --totp -b {totp_secret(device)}") == 2
    assert "otpauth://totp/Portail%20des%20commissions%20paritaires%3Aadmin?secret=" in output


def test_demo_otp_code_prints_the_current_code(admin_user, capsys):
    call_command("demo_otp")
    capsys.readouterr()

    call_command("demo_otp", "--code")

    device = TOTPDevice.objects.get(user=admin_user)
    assert capsys.readouterr().out.strip() == totp_code(device)
    assert device.verify_token(totp_code(device))
