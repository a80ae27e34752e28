"""Hypothesis strategies of hostile requests: random requests, authentic requests whose signed parts
are broken (unauthentic), and properly sealed envelopes around hostile content (XML entity bombs and
DTDs, deep JSON, huge fields, wrong types, bad encodings).
"""

from __future__ import annotations

import base64
import json
import random
import re

from hypothesis import strategies as st

from bot.emulator.wecom import callbacks as wc
from tests.faults import seeds as s
from tests.faults.seeds import Req

BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;'
        '&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<xml><MsgType>text</MsgType><Content>&lol3;</Content></xml>')
XXE = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       '<xml><ToUserName>&xxe;</ToUserName><FromUserName>u</FromUserName><MsgType>text</MsgType></xml>')
DTD_ONLY = '<!DOCTYPE xml SYSTEM "http://127.0.0.1:1/x.dtd"><xml><MsgType>text</MsgType></xml>'
PARAM_ENTITY = '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:1/p">%p;]><xml/>'
QUADRATIC = '<!DOCTYPE x [<!ENTITY a "' + "A" * 5000 + '">]><xml><Content>' + "&a;" * 2000 + "</Content></xml>"
XML_HOSTILE = [BOMB, XXE, DTD_ONLY, PARAM_ENTITY, QUADRATIC, "<xml>" * 5000, "<xml><a>" + "x" * 200_000 + "</a></xml>",
               "", "not xml at all", "<xml><MsgType>text</MsgType></xml>", "<xml></xml>", "<?xml?>", "\x00\x01",
               "<xml><MsgType><![CDATA[text]]></MsgType><FromUserName/><CreateTime>x</CreateTime></xml>"]
CONTENT_TYPES = ["", "text/xml", "application/json", "application/x-www-form-urlencoded", "multipart/form-data",
                 "text/plain; charset=gbk", "application/json; charset=utf-16", "application/octet-stream",
                 "application/xml", "*/*", "application/json; boundary=\x7f"]
ENCODINGS = ["utf-8", "gbk", "utf-16", "utf-16-le", "latin-1", "utf-32"]

text = st.text(max_size=40)
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), text,
                      st.just("x" * 70_000))
json_any = st.recursive(json_leaf, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(text, kids, max_size=4),
                        max_leaves=12)


def deep_json(depth: int, kind: str) -> str:
    """Nested arrays or objects ``depth`` levels deep (beyond the JSON parser's recursion limit)."""
    return ("[" * depth + "]" * depth) if kind == "list" else ('{"a":' * depth + "1" + "}" * depth)


@st.composite
def mutated_json(draw, seed: dict) -> bytes:
    """``seed`` with one value somewhere replaced by arbitrary JSON, deleted, or the whole thing re-typed."""
    obj = json.loads(json.dumps(seed))
    how = draw(st.sampled_from(["replace", "delete", "nest", "whole", "deep", "encode", "raw"]))
    if how == "whole":
        return s.dumps(draw(json_any))
    if how == "deep":
        return deep_json(draw(st.sampled_from([200, 1000, 5000, 100_000])), draw(st.sampled_from(["list", "obj"]))).encode()
    if how == "raw":
        return draw(st.binary(max_size=300))
    if how == "encode":
        return json.dumps(obj, ensure_ascii=False).encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    container, key = _pick(obj, draw(st.randoms(use_true_random=False)))
    if how == "delete":
        container.pop(key)
    elif how == "nest":
        container[key] = json.loads(deep_json(draw(st.sampled_from([50, 500])), "obj"))
    else:
        container[key] = draw(json_any)
    return s.dumps(obj)


def _pick(obj, rnd: random.Random):
    """A random (container, key) inside ``obj`` (JSON strings holding JSON are opened too)."""
    container, key = obj, rnd.choice(list(obj)) if obj else None
    while isinstance(container.get(key) if isinstance(container, dict) else None, (dict, list)) and rnd.random() < 0.5:
        inner = container[key]
        if not inner:
            break
        container, key = inner, rnd.choice(list(inner) if isinstance(inner, dict) else range(len(inner)))
    if key is None:
        obj["k"] = 1
        return obj, "k"
    return container, key


@st.composite
def mutated_xml(draw) -> str:
    """An app message with hostile field values, a missing field or a hostile document instead."""
    how = draw(st.sampled_from(["hostile", "value", "drop", "tag"]))
    if how == "hostile":
        return draw(st.sampled_from(XML_HOSTILE))
    xml = draw(st.sampled_from([s.app_text_xml, s.app_link_xml, s.app_click_xml]))()
    fields = ["MsgType", "FromUserName", "CreateTime", "Content", "EventKey", "TaskId", "Url", "AgentID", "ToUserName"]
    name = draw(st.sampled_from(fields))
    if how == "drop":
        return xml.replace(f"<{name}>", "<Dropped>").replace(f"</{name}>", "</Dropped>")
    if how == "tag":
        return xml.replace("</xml>", f"<{name}>{draw(text).replace('<', '')}</{name}></xml>")
    value = draw(st.one_of(text, st.just("]]>"), st.just("x" * 100_000), st.sampled_from(["event", "link", "image"])))
    return re.sub(f"<{name}>.*?</{name}>", lambda _m: f"<{name}>{wc.cdata(value)}</{name}>", xml, count=1)


header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
HEADER_NAMES = ["timestamp", "sign", "x-ddpaas-signature", "x-ddpaas-signature-timestamp", "Authorization",
                "Content-Encoding", "Transfer-Encoding", "X-Forwarded-For", "Content-Length-Ext", "Accept-Charset"]
QUERY_NAMES = ["msg_signature", "signature", "timestamp", "timeStamp", "nonce", "echostr", "encrypt"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]


def any_body():
    """Bodies of every sort: bytes, hostile XML, hostile JSON, huge text."""
    return st.one_of(st.binary(max_size=500), st.sampled_from(XML_HOSTILE).map(str.encode),
                     json_any.map(s.dumps), st.sampled_from([200, 5000, 100_000]).map(lambda d: deep_json(d, "list").encode()),
                     st.just(b"A" * 250_000), st.just(b"{" + b'"a":"' + "\u4e2d".encode() * 20_000 + b'"}'))


@st.composite
def random_request(draw) -> Req:
    """A request made of nothing real."""
    query = draw(st.dictionaries(st.sampled_from(QUERY_NAMES) | header_text, header_text, max_size=5))
    headers = draw(st.dictionaries(st.sampled_from(HEADER_NAMES), header_text, max_size=4))
    headers.pop("Transfer-Encoding", None)
    return Req(draw(st.sampled_from(METHODS)), draw(st.sampled_from(s.ROUTES)), query, headers, draw(any_body()),
               draw(st.sampled_from(CONTENT_TYPES)), False, "random")


def _flip(value: str, rnd: random.Random) -> str:
    """``value`` with one character changed (choices drawn independently of its length: the seeds'
    nonces and ciphertexts differ from run to run)."""
    if not value:
        return "x"
    i = int(rnd.random() * len(value))
    alphabet = "0123456789abcdefABCDEF+/="
    new = alphabet[int(rnd.random() * len(alphabet))]
    if new.lower() == value[i].lower():  # hex signatures compare case-insensitively: a real change only
        new = "Z" if value[i].lower() != "z" else "Y"
    return value[:i] + new + value[i + 1:]


@st.composite
def broken_seed(draw) -> Req:
    """An authentic request whose signed parts were tampered with, re-keyed or left to go stale."""
    req = draw(st.sampled_from(s.authentic_seeds()))
    rnd = draw(st.randoms(use_true_random=False))
    if req.path == "/api/v1/cases":
        auth = draw(st.sampled_from(["", "Bearer", "Bearer ", "Basic x", "bearer demo-monitoring-tokeN",
                                     "Bearer demo-monitoring-token2", "Bearer  demo-monitoring-toke"]) | header_text)
        headers = {"Authorization": auth} if auth else {}
        return req.but(headers=headers, authentic=False, label="api-token")
    if req.path in ("/dingtalk/robot", "/dingtalk/card"):
        return _broken_headers(draw, req, rnd)
    return _broken_query(draw, req, rnd)


def _broken_headers(draw, req: Req, rnd: random.Random) -> Req:
    how = draw(st.sampled_from(["drop", "flip", "random", "stale", "future", "secret", "nan"]))
    headers = dict(req.headers)
    if req.path == "/dingtalk/robot":
        ts_name, sign_name = "timestamp", "sign"
    else:
        ts_name, sign_name = "x-ddpaas-signature-timestamp", "x-ddpaas-signature"
    sign = s.robot_headers if req.path == "/dingtalk/robot" else s.card_headers
    if how == "drop":
        headers.pop(draw(st.sampled_from([ts_name, sign_name])))
    elif how == "flip":
        headers[sign_name] = _flip(headers[sign_name], rnd)
    elif how == "random":
        headers[draw(st.sampled_from([ts_name, sign_name]))] = draw(header_text)
    elif how in ("stale", "future"):
        skew = draw(st.integers(3601, 10**7)) * 1000 * (-1 if how == "stale" else 1)
        headers = sign(s.now() * 1000 + skew)
    elif how == "secret":
        headers = sign(secret=draw(st.text(min_size=1, max_size=30)))
    else:
        ts = draw(st.sampled_from(["", "NaN", "1e30", "-1", "99999999999999999999999", " 1"]))
        headers = {ts_name: ts, sign_name: headers[sign_name]}
    return req.but(headers=headers, authentic=False, label=f"{req.label}-{how}")


def _broken_query(draw, req: Req, rnd: random.Random) -> Req:
    how = draw(st.sampled_from(["drop", "flip", "random", "stale", "nonce", "cipher", "wrongkey", "envelope"]))
    query, body = dict(req.query), req.body
    if how == "drop":
        query.pop(draw(st.sampled_from(sorted(query))))
    elif how == "flip":
        query["msg_signature"] = _flip(query["msg_signature"], rnd)
    elif how == "random":
        query[draw(st.sampled_from(sorted(query)))] = draw(header_text)
    elif how == "nonce":
        query["nonce"] = query["nonce"] + "1"
    elif how == "stale":
        return _stale(draw, req)
    elif how == "cipher" and req.method == "GET":
        query["echostr"] = _flip(query["echostr"], rnd)
    elif how == "cipher":
        body = _flip_encrypt(req, rnd)
    elif how == "wrongkey":
        return _wrong_key(draw, req)
    else:
        body = draw(any_body())
    return req.but(query=query, body=body, authentic=False, label=f"{req.label}-{how}")


def _flip_encrypt(req: Req, rnd: random.Random) -> bytes:
    text_ = req.body.decode()
    m = re.search(r'CDATA\[([^\]]+)\]\]></Encrypt>', text_) or re.search(r'"encrypt": "([^"]+)"', text_)
    return text_.replace(m.group(1), _flip(m.group(1), rnd)).encode()


def _stale(draw, req: Req) -> Req:
    """The same message, signed correctly, but with a timestamp outside the window."""
    if req.path == "/dingtalk/events":
        skew = draw(st.integers(3601, 10**7)) * 1000
        out = s.seal_event('{"EventType": "check_url"}', s.now() * 1000 - skew)
    elif req.method == "GET":
        out = s.seal_echo(req.path, s.now() - draw(st.integers(301, 10**7)))
    elif req.path == "/wecom/callback":
        out = s.seal_app(s.app_text_xml(), s.now() - draw(st.integers(301, 10**7)))
    else:
        out = s.seal_aibot(json.dumps(s.aibot_text()), s.now() + draw(st.integers(301, 10**7)))
    return out.but(authentic=False, label=f"{req.label}-stale")


def _wrong_key(draw, req: Req) -> Req:
    """Signed with the right token but encrypted with another key or for another receiver."""
    other = base64.b64encode(draw(st.binary(min_size=32, max_size=32))).decode()[:-1]
    if req.path == "/dingtalk/events":
        out = s.seal_event('{"EventType": "check_url"}', crypto=s.event_crypto(key=other))
    elif req.path == "/wecom/callback":
        receiver = draw(st.sampled_from(["", "wwother", s.CORP + " "]))
        out = s.seal_app(s.app_text_xml(), cipher=draw(st.sampled_from([s.app_cipher(key=other), s.app_cipher(receive=receiver)])))
    else:
        out = s.seal_aibot(json.dumps(s.aibot_text()), cipher=s.aibot_cipher(key=other))
    return out.but(authentic=False, label=f"{req.label}-wrongkey")


@st.composite
def hostile_sealed(draw) -> Req:
    """A properly sealed request around hostile content (authentic: the sender holds the keys)."""
    route = draw(st.sampled_from(["app", "aibot", "robot", "card", "event", "api"]))
    if route == "app":
        return s.seal_app(draw(mutated_xml()), label="app-content")
    if route == "aibot":
        body = draw(mutated_json(draw(st.sampled_from([s.aibot_text(), s.aibot_text(chatid=None), s.aibot_click()]))))
        return s.seal_aibot(body.decode("utf-8", errors="replace"), label="aibot-content")
    if route == "robot":
        return s.seal_robot(draw(mutated_json(s.robot_body())), label="robot-content")
    if route == "card":
        return s.seal_card(draw(mutated_json(_card_seed(draw))), label="card-content")
    if route == "event":
        seed = {"EventType": draw(st.sampled_from(["check_url", "user_leave_org", "chat_update_title", "x"])),
                "UserId": [s.USER]}
        return s.seal_event(draw(mutated_json(seed)).decode("utf-8", errors="replace"), label="event-content")
    return s.api_request(draw(mutated_json(s.API_ITEM)), label="api-content")


def _card_seed(draw) -> dict:
    """A card click whose ``content`` JSON string may itself be opened and mutated."""
    body = s.card_body()
    if draw(st.booleans()):
        inner = json.loads(body["content"])
        body["content"] = draw(mutated_json(inner)).decode("utf-8", errors="replace")
    return body


def hostile_request():
    """Every family, mixed."""
    return st.one_of(random_request(), broken_seed(), hostile_sealed())
