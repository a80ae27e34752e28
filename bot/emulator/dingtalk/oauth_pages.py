"""The HTML and script of the emulated DingTalk sign-in: the login page 「钉钉登录」 (a fake QR box and
「模拟扫码：<name>」 buttons, each a POST back to the same URL with field ``userid``), its error page, and the
``dd`` JSAPI stand-in whose ``dd.runtime.permission.requestAuthCode({corpId})`` resolves with an in-app code
for the person in the client (asked of the emulator at ``/_emulator/dingtalk/oauth/authcode``).
"""

from __future__ import annotations

import json

from flask import Response, render_template_string

__all__ = ["people_page", "error_page", "jsapi"]

_STYLE = """
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f5f6f7;margin:0;color:#171a1d}
main{max-width:420px;margin:32px auto;background:#fff;border-radius:10px;padding:24px;box-shadow:0 1px 4px #0002}
h1{font-size:20px;margin:0 0 4px;color:#007fff}p.hint{color:#747677;font-size:13px;margin:4px 0 16px}
.qr{width:160px;height:160px;margin:8px auto 16px;background:repeating-conic-gradient(#171a1d 0 25%,#fff 0 50%) 0 0/20px 20px;
border:8px solid #fff;outline:1px solid #e5e6e8}
form{margin:0}button{display:block;width:100%;margin:6px 0;padding:10px 12px;font-size:15px;border:1px solid #007fff;
border-radius:6px;background:#fff;color:#007fff;text-align:left;cursor:pointer}button:hover{background:#e6f2ff}
button small{color:#a2a3a4;margin-left:6px}.error{color:#ff5219}
"""

_PEOPLE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>钉钉登录</title><style>{{ style|safe }}</style>
</head><body><main data-emulator="dingtalk-oauth"><h1>钉钉登录</h1><p class="hint">请使用钉钉扫描二维码登录</p>
<div class="qr" aria-label="二维码"></div><p class="hint">（模拟器：点击下面的人，模拟他用钉钉扫码并同意授权）</p>
<form method="post">{% for userid, name in people %}<button type="submit" name="userid" value="{{ userid }}">
模拟扫码：{{ name }}<small>{{ userid }}</small></button>{% endfor %}</form></main></body></html>"""

_ERROR = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>钉钉登录</title><style>{{ style|safe }}</style>
</head><body><main data-emulator="dingtalk-oauth-error"><h1 class="error">无法登录</h1><p class="error">{{ text }}</p>
</main></body></html>"""

_JSAPI = """/* yuqing emulator: a stand-in for DingTalk's JSAPI (dingtalk-jsapi), not DingTalk's own script. */
(function () {
  var BASE = %(base)s, USER = %(user)s;
  function ask(corpId) {
    var url = BASE + "/_emulator/dingtalk/oauth/authcode?corpId=" + encodeURIComponent(corpId || "");
    if (USER) { url += "&user=" + encodeURIComponent(USER); }
    return fetch(url).then(function (r) {
      return r.json().then(function (body) { if (!r.ok) { throw body; } return body; });
    });
  }
  function call(opts, shape) {
    opts = opts || {};
    var p = ask(opts.corpId).then(function (body) {
      var res = shape(body.code);
      if (opts.onSuccess) { opts.onSuccess(res); }
      if (opts.success) { opts.success(res); }
      return res;
    }, function (err) {
      if (opts.onFail) { opts.onFail(err); }
      if (opts.fail) { opts.fail(err); }
      throw err;
    });
    if (opts.onSuccess || opts.onFail || opts.success || opts.fail) { p.catch(function () {}); }
    return p;
  }
  var dd = window.dd = window.dd || {};
  dd.emulated = true;
  dd.env = { platform: "emulator" };
  dd.ready = function (cb) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", function () { cb(); }); }
    else { setTimeout(cb, 0); }
  };
  dd.error = function (cb) { dd.onError = cb; };
  dd.runtime = { permission: { requestAuthCode: function (opts) {
    return call(opts, function (code) { return { code: code }; });
  } } };
  dd.getAuthCode = function (opts) {
    return call(opts, function (code) { return { code: code, authCode: code }; });
  };
})();
"""


def people_page(people: list[tuple[str, str]]) -> str:
    """The login page listing ``people`` ((userid, name), sorted)."""
    return render_template_string(_PEOPLE, style=_STYLE, people=people)


def error_page(text: str) -> Response:
    """The page for a refused login request (HTTP 400: our choice; DingTalk's status is not known)."""
    return Response(render_template_string(_ERROR, style=_STYLE, text=text), status=400, mimetype="text/html")


def jsapi(base: str, user: str) -> str:
    """The stand-in script asking ``base`` for codes (for ``user`` when given, else the person in the client)."""
    return _JSAPI % {"base": json.dumps(base), "user": json.dumps(user)}
