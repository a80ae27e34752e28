"""The self-built app's callback: what becomes an event, with which dedup key, and what is refused."""

from __future__ import annotations

import pytest

from bot.core.errors import PayloadError, SignatureError
from bot.platforms.base import RawRequest
from bot.platforms.wecom.inbound import AppCallback
from tests.unit.platforms.wecom.sealing import CONFIG, NOW, app_request, app_xml, verify_request

CLICK = ("<Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[case.ack?case=YQ-2026-0042]]></EventKey>"
         "<TaskId><![CDATA[yq_abc]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>"
         "<ResponseCode><![CDATA[{code}]]></ResponseCode>{extra}")


@pytest.fixture
def app():
    return AppCallback(CONFIG, now=lambda: NOW + 30)


def only_event(answer):
    assert (answer.status, answer.body) == (200, "")  # empty, as documented (90238)
    (event,) = answer.events
    return event


def test_url_verification_answers_the_plaintext_echo(app):
    answer = app.handle(verify_request("1616140317555161061"))
    assert (answer.status, answer.body, answer.events) == (200, "1616140317555161061", [])


def test_a_text_message_becomes_a_single_chat_text_event_keyed_by_msgid(app):
    body = "<Content><![CDATA[帮助 <b>&amp;]]></Content><MsgId>7391512698420987001</MsgId>"
    event = only_event(app.handle(app_request(app_xml("zhouks", "text", body))))
    assert (event.platform, event.channel, event.kind, event.chat_type) == ("wecom", "wecom_app", "text", "single")
    assert (event.user_id, event.chat_id, event.text) == ("zhouks", "zhouks", "帮助 <b>&amp;")
    assert event.dedup_key == "app-msg:7391512698420987001"
    assert "Content" not in event.raw


def test_a_link_message_becomes_a_link_event(app):
    body = ("<Title><![CDATA[某店售卖过期食品]]></Title><Description><![CDATA[网友爆料]]></Description>"
            "<Url><![CDATA[https://example.com/a?x=1&y=2]]></Url><PicUrl><![CDATA[]]></PicUrl><MsgId>12</MsgId>")
    event = only_event(app.handle(app_request(app_xml("zhouks", "link", body))))
    assert (event.kind, event.url, event.title, event.text) == ("link", "https://example.com/a?x=1&y=2",
                                                                "某店售卖过期食品", "网友爆料")


def test_a_card_click_carries_action_params_card_and_response_code(app):
    body = CLICK.format(code="RC-1", extra="")
    event = only_event(app.handle(app_request(app_xml("zhouks", "event", body))))
    assert (event.kind, event.action, event.params, event.card_id) == ("click", "case.ack",
                                                                       {"case": "YQ-2026-0042"}, "yq_abc")
    assert event.reply == {"channel": "wecom_app", "response_code": "RC-1"}
    assert event.dedup_key == f"app-click:zhouks|{NOW}|case.ack?case=YQ-2026-0042|yq_abc|RC-1"
    assert "ResponseCode" not in event.raw


def test_two_clicks_in_the_same_second_are_two_events(app):
    keys = {only_event(app.handle(app_request(app_xml("zhouks", "event", CLICK.format(code=c, extra=""))))).dedup_key
            for c in ("RC-1", "RC-2")}
    assert len(keys) == 2


@pytest.mark.parametrize("items,expected", [
    ("<SelectedItem><QuestionKey><![CDATA[q1]]></QuestionKey><OptionIds><OptionId><![CDATA[o1]]></OptionId>"
     "</OptionIds></SelectedItem>", [{"question_key": "q1", "option_ids": ["o1"]}]),
    ("<SelectedItem><QuestionKey>q1</QuestionKey><OptionIds><OptionId>o1</OptionId><OptionId>o2</OptionId>"
     "</OptionIds></SelectedItem><SelectedItem><QuestionKey>q2</QuestionKey><OptionIds><OptionId>o3</OptionId>"
     "</OptionIds></SelectedItem>",
     [{"question_key": "q1", "option_ids": ["o1", "o2"]}, {"question_key": "q2", "option_ids": ["o3"]}]),
])
def test_selected_items_are_read_alike_for_one_or_many(app, items, expected):
    body = CLICK.format(code="RC-1", extra=f"<SelectedItems>{items}</SelectedItems>")
    event = only_event(app.handle(app_request(app_xml("zhouks", "event", body))))
    assert event.params["selected"] == expected


@pytest.mark.parametrize("msgtype,body", [
    ("event", "<Event><![CDATA[enter_agent]]></Event><EventKey><![CDATA[]]></EventKey>"),
    ("event", "<Event><![CDATA[click]]></Event><EventKey><![CDATA[menu-1]]></EventKey>"),
])
def test_other_authentic_messages_are_answered_and_ignored(app, msgtype, body):
    answer = app.handle(app_request(app_xml("zhouks", msgtype, body)))
    assert (answer.status, answer.body, answer.events) == (200, "", [])


@pytest.mark.parametrize("msgtype,body,kind,url", [
    ("image", "<PicUrl><![CDATA[https://x/p.png]]></PicUrl><MediaId><![CDATA[m]]></MediaId><MsgId>3</MsgId>",
     "image", "https://x/p.png"),
    ("voice", "<MediaId><![CDATA[m]]></MediaId><Format><![CDATA[amr]]></Format><MsgId>3</MsgId>", "voice", ""),
    ("video", "<MediaId><![CDATA[m]]></MediaId><ThumbMediaId><![CDATA[t]]></ThumbMediaId><MsgId>3</MsgId>",
     "video", ""),
    ("shortvideo", "<MediaId><![CDATA[m]]></MediaId><ThumbMediaId><![CDATA[t]]></ThumbMediaId><MsgId>3</MsgId>",
     "video", ""),
])
def test_pictures_voices_and_videos_are_media_events_with_their_media_id_and_a_link(app, msgtype, body, kind, url):
    event = only_event(app.handle(app_request(app_xml("zhouks", msgtype, body))))
    (item,) = event.attachments
    assert (event.kind, event.dedup_key, item["kind"], item["media_id"], item["url"]) == (
        "media", "app-msg:3", kind, "m", url)
    assert item["open"].startswith("http://127.0.0.1:8000/files/")


def test_a_location_is_a_media_event_the_bot_says_it_cannot_use(app):
    body = "<Location_X>31.2</Location_X><Location_Y>121.4</Location_Y><Label><![CDATA[某地]]></Label><MsgId>4</MsgId>"
    event = only_event(app.handle(app_request(app_xml("zhouks", "location", body))))
    assert (event.kind, event.unsupported, event.attachments) == ("media", "位置", [])


def test_wrong_corp_in_the_envelope_or_the_message_is_not_authentic(app):
    text = "<Content>hi</Content><MsgId>1</MsgId>"
    with pytest.raises(SignatureError):
        app.handle(app_request(app_xml("zhouks", "text", text), envelope_corp="wwother"))
    with pytest.raises(SignatureError):
        app.handle(app_request(app_xml("zhouks", "text", text, corp="wwother")))
    with pytest.raises(SignatureError):
        app.handle(app_request(app_xml("zhouks", "text", text), corp="wwother"))


def test_a_stale_callback_is_not_authentic(app):
    with pytest.raises(SignatureError, match="window"):
        app.handle(app_request(app_xml("zhouks", "text", "<Content>hi</Content>"), timestamp=NOW - 400))


@pytest.mark.parametrize("body", [
    b'<!DOCTYPE xml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><xml><Encrypt>&b;</Encrypt></xml>',
    b'<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Encrypt>&e;</Encrypt></xml>',
    b"<!DOCTYPE xml><xml><Encrypt>abc</Encrypt></xml>",
    b"<xml><Encrypt>abc</Encrypt>", b"", b"\xff\xfe", b"<xml><AgentID>1</AgentID></xml>",
])
def test_hostile_or_malformed_xml_is_refused_before_anything_else(app, body):
    with pytest.raises(PayloadError):
        app.handle(RawRequest("POST", "/wecom/callback", {"msg_signature": "x", "timestamp": str(NOW),
                                                          "nonce": "1"}, {}, body))


def test_a_hostile_decrypted_message_is_refused(app):
    hostile = '<!DOCTYPE xml [<!ENTITY a "x">]><xml><FromUserName>&a;</FromUserName><MsgType>text</MsgType></xml>'
    with pytest.raises(PayloadError):
        app.handle(app_request(hostile))


def test_url_verification_with_a_bad_signature_or_stale_time_is_refused(app):
    good = verify_request("echo")
    with pytest.raises(SignatureError):
        app.handle(RawRequest("GET", "/wecom/callback", {**good.args, "msg_signature": "f" * 40}, {}, b""))
    with pytest.raises(SignatureError):
        app.handle(verify_request("echo", timestamp=NOW - 3600))
    with pytest.raises(SignatureError):
        app.handle(RawRequest("GET", "/wecom/callback", {k: v for k, v in good.args.items() if k != "echostr"},
                              {}, b""))
