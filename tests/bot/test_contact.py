"""The province's contact for help: in /help and in refusals, only when set."""

from __future__ import annotations

from bot.handlers.registration import contact_line, help_text
from bot.i18n import t
from tidtam.settings import Settings


def test_the_contact_line_joins_what_is_set() -> None:
    full = Settings(
        contact_name="นายสมชาย ใจดี", contact_phone="056-123456", contact_email="it@pbn.go.th"
    )
    assert contact_line("th", full) == "ติดต่อ นายสมชาย ใจดี · 056-123456 · it@pbn.go.th"
    assert contact_line("en", Settings(contact_phone=" 056-123456 ")) == "Contact: 056-123456"
    assert contact_line("th", Settings()) == ""


def test_help_names_members_and_invite_for_those_who_may_use_them() -> None:
    assert t("th", "year.help_members") not in help_text("th", [])
    assert t("th", "year.revoked").startswith("ขออภัย")
