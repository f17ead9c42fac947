"""The fake Cloud API refuses what Meta refuses, with Meta's error shape: the WhatsApp
sender's tests and the broadcast benchmark rely on it."""

from __future__ import annotations

import httpx
import pytest
from fake_graph import (
    PAIR_RATE_LIMIT,
    REENGAGEMENT,
    TIMEOUT,
    UNDELIVERABLE,
    ApprovedTemplate,
    FakeGraphServer,
)

TO = "212600000001"


def post(server: FakeGraphServer, body: dict, token: str | None = None, **options):
    url = f"{server.base_url}/v21.0/{server.phone_number_id}/messages"
    headers = {"Authorization": f"Bearer {token or server.access_token}"}
    return httpx.post(url, json=body, headers=headers, **options)


def text(body: str, to: str = TO) -> dict:
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}}


def buttons(*titles: str, ids: tuple[str, ...] | None = None) -> dict:
    ids = ids or tuple(f"b{n}" for n in range(len(titles)))
    action = {
        "buttons": [
            {"type": "reply", "reply": {"id": i, "title": t}}
            for i, t in zip(ids, titles, strict=True)
        ]
    }
    interactive = {"type": "button", "body": {"text": "اختاروا"}, "action": action}
    return {
        "messaging_product": "whatsapp",
        "to": TO,
        "type": "interactive",
        **{"interactive": interactive},
    }


def rows(count: int, title: str = "جهة", description: str = "", button: str = "الجهات") -> dict:
    row_list = [{"id": f"r{n}", "title": title, "description": description} for n in range(count)]
    action = {"button": button, "sections": [{"rows": row_list}]}
    interactive = {"type": "list", "body": {"text": "اختاروا جهتكم"}, "action": action}
    return {
        "messaging_product": "whatsapp",
        "to": TO,
        "type": "interactive",
        **{"interactive": interactive},
    }


def error_of(response: httpx.Response) -> tuple[int, int]:
    error = response.json()["error"]
    assert error["message"].startswith(f"(#{error['code']}) ")
    assert {"type", "fbtrace_id"} <= set(error)
    return response.status_code, error["code"]


def test_a_text_is_answered_as_meta_does_and_a_wrong_token_gets_401_code_190():
    with FakeGraphServer() as server:
        answer = post(server, text("مرحبا"))
        refused = post(server, text("مرحبا"), token="stolen")

        assert answer.status_code == 200
        body = answer.json()
        assert body["messaging_product"] == "whatsapp"
        assert body["contacts"] == [{"input": TO, "wa_id": TO}]
        assert body["messages"][0]["id"].startswith("wamid.")
        assert error_of(refused) == (401, 190)
        assert [m["text"]["body"] for m in server.messages(TO)] == ["مرحبا"]


@pytest.mark.parametrize(
    ("message", "code"),
    [
        (text("x" * 4097), 131009),
        (buttons("نعم", "لا", "ربما", "لا أدري"), 131009),
        (buttons("x" * 21), 131009),
        (buttons("نعم", "لا", ids=("same", "same")), 131009),
        (rows(11), 131009),
        (rows(3, title="x" * 25), 131009),
        (rows(3, description="x" * 73), 131009),
        (rows(3, button="x" * 21), 131009),
        ({**text("x"), "type": "sticker"}, 100),
        ({**text("x"), "messaging_product": None}, 100),
    ],
    ids=[
        "text-4097",
        "4-buttons",
        "button-title-21",
        "button-ids-twice",
        "11-rows",
        "row-title-25",
        "row-description-73",
        "list-button-21",
        "unknown-type",
        "no-product",
    ],
)
def test_what_exceeds_whatsapps_limits_is_refused_with_metas_code(message, code):
    with FakeGraphServer() as server:
        assert error_of(post(server, message)) == (400, code)
        assert server.messages() == []
        assert [c for _, c, _ in server.rejections()] == [code]


def test_at_the_limits_everything_goes():
    with FakeGraphServer() as server:
        for message in (
            text("x" * 4096),
            buttons("x" * 20, "نعم", "لا"),
            rows(10, title="x" * 24, description="y" * 72, button="z" * 20),
        ):
            assert post(server, message).status_code == 200


def test_injected_failures_come_per_recipient_and_the_throughput_limit_counts_130429():
    with FakeGraphServer(rate_limit=5, rate_window_s=60) as server:
        server.fail(TO, UNDELIVERABLE)
        server.fail(TO, PAIR_RATE_LIMIT)
        server.fail("212600000003", UNDELIVERABLE, after=1)
        server.outside_window.add("212600000002")

        assert error_of(post(server, text("1"))) == (400, UNDELIVERABLE)
        assert error_of(post(server, text("2"))) == (400, PAIR_RATE_LIMIT)
        assert error_of(post(server, text("3", to="212600000002"))) == (400, REENGAGEMENT)
        assert post(server, text("4", to="212600000003")).status_code == 200
        assert error_of(post(server, text("5", to="212600000003"))) == (400, UNDELIVERABLE)
        for n in range(4):
            assert post(server, text(str(n))).status_code == 200
        assert error_of(post(server, text("5"))) == (400, 130429)

        assert server.throughput_errors == 1
        assert server.count(TO) == 4


def test_an_injected_timeout_accepts_the_message_and_never_answers():
    with FakeGraphServer(hang_s=5) as server:
        server.fail(TO, TIMEOUT)
        with pytest.raises(httpx.ReadTimeout):
            post(server, text("مرحبا"), timeout=httpx.Timeout(5, read=0.3))

        assert server.count(TO) == 1
        assert post(server, text("ثانية")).status_code == 200


def test_a_document_names_an_uploaded_media_and_a_template_must_be_approved():
    templates = {"follow_up": ApprovedTemplate(("ar", "fr"), parameters=2)}
    with FakeGraphServer(templates=templates) as server:
        upload = httpx.post(
            f"{server.base_url}/v21.0/{server.phone_number_id}/media",
            headers={"Authorization": f"Bearer {server.access_token}"},
            data={"messaging_product": "whatsapp", "type": "application/pdf"},
            files={"file": ("plan.docx", b"PK\x03\x04", "application/octet-stream")},
        )
        media_id = upload.json()["id"]
        document = {"id": media_id, "caption": "خطة العمل", "filename": "plan.docx"}
        sent = post(server, {**text("x"), "type": "document", "document": document})
        unknown = post(server, {**text("x"), "type": "document", "document": {"id": "404"}})

        def template(name: str, *values: str) -> dict:
            parameters = [{"type": "text", "text": v} for v in values]
            payload = [{"type": "payload", "payload": "reopen:1"}]
            components = [
                {"type": "body", "parameters": parameters},
                {"type": "button", "sub_type": "quick_reply", "index": "0", "parameters": payload},
            ]
            body = {"name": name, "language": {"code": "ar"}, "components": components}
            return {**text("x"), "type": "template", "template": body}

        assert sent.status_code == 200
        assert server.upload(media_id).data == b"PK\x03\x04"
        assert error_of(unknown) == (400, 100)
        assert post(server, template("follow_up", "أمينة", "مشروع")).status_code == 200
        assert error_of(post(server, template("follow_up", "أمينة"))) == (400, 132000)
        assert error_of(post(server, template("other", "أ", "ب"))) == (404, 132001)
        assert error_of(post(server, template("follow_up", "أ\nب", "ج"))) == (400, 132018)
