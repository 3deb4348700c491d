"""The bot's pure parts: catalogs, callback data, text splitting, help, secrets in logs."""

from __future__ import annotations

import logging

from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from bot import callbacks
from bot.i18n import catalog, placeholders, t
from bot.replies import split_text
from tidtam.core.ids import MAX_ID
from tidtam.logs import RedactSecrets
from tidtam.services.certification import flagged_numbers
from tidtam.settings import Settings


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    th, en = catalog("th"), catalog("en")
    assert set(th) == set(en)
    for key in th:
        assert placeholders(th[key]) == placeholders(en[key]), key


def test_parameters_are_escaped_for_html() -> None:
    text = t("th", "start.already", role="ผู้รายงาน", unit="<โรงเรียน A & B>")
    assert "&lt;โรงเรียน A &amp; B&gt;" in text


ids = st.integers(min_value=0, max_value=MAX_ID)  # what a database integer holds


@given(
    st.one_of(
        st.builds(
            callbacks.QuestionPress,
            ids,
            st.lists(st.integers(0, 999_999).map(str), min_size=1, max_size=5).map("-".join),
            st.sampled_from("ptdsbear"),
            st.one_of(st.none(), st.integers(0, 99)),
        ),
        st.builds(callbacks.RoundPress, ids, ids),
        st.builds(callbacks.SubmissionPress, ids, st.sampled_from("vucxm")),
        st.builds(callbacks.CertifyPress, ids, st.sampled_from("arvn")),
    )
)
def test_callback_data_round_trips_within_64_bytes(press: callbacks.Press) -> None:
    data = callbacks.encode(press)
    assert len(data.encode()) <= 64 and data.isascii()
    assert callbacks.decode(data) == press


@given(st.text(max_size=80))
def test_foreign_callback_data_is_refused_cleanly(data: str) -> None:
    """Anything not made by encode() is refused with BadCallback, never half-read."""
    try:
        press = callbacks.decode(data)
    except callbacks.BadCallback:
        return
    assert callbacks.decode(callbacks.encode(press)) == press


@given(st.lists(st.text(alphabet="กขค abc<>&\t", max_size=900), max_size=30))
def test_split_text_keeps_everything_under_the_limit(lines: list[str]) -> None:
    text = "\n".join(lines)
    parts = split_text(text, limit=1000)
    assert all(len(p) <= 1000 for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


def test_flagged_numbers_in_a_reason() -> None:
    assert flagged_numbers("ข้อ 3, 7 และ 12 ไม่ตรงกับเอกสาร") == ["3", "7", "12"]
    assert flagged_numbers("ข้อที่ ๕ ผิด และข้อ 2") == ["5", "2"]
    assert flagged_numbers("ตัวเลขไม่ตรงกัน") == []
    # item numbers of the form, as a certifier reads them on the summary
    assert flagged_numbers("ข้อ 2.1.3 และ 3.4.2 ตัวเลขไม่ตรงกัน.") == ["2.1.3", "3.4.2"]
    assert flagged_numbers("ข้อ ๒.๑.๓, ๑.๑.๒") == ["2.1.3", "1.1.2"]
    assert flagged_numbers("items 1.2.1 and 4.3.2 disagree") == ["1.2.1", "4.3.2"]


def test_the_token_is_never_shown() -> None:
    token = "123456:SECRET-token-value"
    settings = Settings(bot_token=SecretStr(token))
    assert token not in repr(settings) and token not in str(settings.model_dump())
    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        "HTTP Request: POST https://api.telegram.org/bot%s/getUpdates",
        (token,),
        None,
    )
    assert RedactSecrets(token).filter(record)
    assert token not in record.getMessage() and "<token>" in record.getMessage()
