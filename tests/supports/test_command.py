import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from supports.models import SupportRender


def test_the_command_renders_the_support_to_a_file(session, tmp_path, capsys):
    output = tmp_path / "support.pdf"
    call_command("render_support", str(session.pk), "--output", str(output))
    reader = PdfReader(output)
    assert len(reader.pages) > 5
    assert "pages" in capsys.readouterr().out
    assert SupportRender.objects.get(meeting=session).is_ready


def test_the_command_reuses_an_unchanged_support(session, tmp_path, capsys, fake_renderer):
    call_command("render_support", str(session.pk))
    call_command("render_support", str(session.pk), "-o", str(tmp_path / "again.pdf"))
    assert "inchangé" in capsys.readouterr().out
    assert fake_renderer.calls == 1
    assert (tmp_path / "again.pdf").read_bytes().startswith(b"%PDF")


def test_the_command_refuses_the_rdd_of_a_session_without_one(session):
    with pytest.raises(CommandError, match="pas encore rédigé"):
        call_command("render_support", str(session.pk), "--rdd")


def test_the_command_refuses_an_unknown_meeting(db):
    with pytest.raises(CommandError, match="introuvable"):
        call_command("render_support", "999999")
