"""The HTML of the emulated WeCom sign-in pages: 「企业微信登录」 (web authorisation inside the client),
「请使用企业微信扫码」 (the QR Web login, with a fake QR box and 「模拟扫码：<name>」 buttons), and the error page
WeCom shows for a bad request (its text and errcode). Each person is a button of a POST form back to the same
URL (query kept), field ``userid``.
"""

from __future__ import annotations

from flask import Response, render_template_string

_STYLE = """
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f2f3f5;margin:0;color:#1f2329}
main{max-width:420px;margin:32px auto;background:#fff;border-radius:10px;padding:24px;box-shadow:0 1px 4px #0002}
h1{font-size:20px;margin:0 0 4px;color:#0082ef}p.hint{color:#646a73;font-size:13px;margin:4px 0 16px}
.qr{width:160px;height:160px;margin:8px auto 16px;background:repeating-conic-gradient(#1f2329 0 25%,#fff 0 50%) 0 0/20px 20px;
border:8px solid #fff;outline:1px solid #dee0e3}
form{margin:0}button{display:block;width:100%;margin:6px 0;padding:10px 12px;font-size:15px;border:1px solid #0082ef;
border-radius:6px;background:#fff;color:#0082ef;text-align:left;cursor:pointer}button:hover{background:#e8f3ff}
button small{color:#8f959e;margin-left:6px}button.outsider{border-color:#dee0e3;color:#646a73}
.error{color:#d83931}.code{color:#8f959e;font-size:13px}
"""

_PEOPLE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>企业微信登录</title><style>{{ style|safe }}</style>
</head><body><main data-emulator="wecom-oauth" data-flow="{{ flow }}">
{% if flow == "sso" %}<h1>企业微信登录</h1><p class="hint">请使用企业微信扫码</p><div class="qr" aria-label="二维码"></div>
<p class="hint">（模拟器：点击下面的人，模拟他用企业微信扫码并确认登录）</p>
{% else %}<h1>企业微信登录</h1><p class="hint">（模拟器：选择在企业微信中打开此页面的人）</p>{% endif %}
<form method="post">
{% for userid, name in people %}<button type="submit" name="userid" value="{{ userid }}">
{% if flow == "sso" %}模拟扫码：{% endif %}{{ name }}<small>{{ userid }}</small></button>
{% endfor %}<button class="outsider" type="submit" name="userid" value="{{ outsider }}">非企业成员（微信用户）</button>
</form></main></body></html>"""

_ERROR = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>企业微信</title><style>{{ style|safe }}</style>
</head><body><main data-emulator="wecom-oauth-error" data-errcode="{{ code }}"><h1 class="error">无法登录</h1>
<p class="error">{{ text }}</p><p class="code">错误码：{{ code }}</p></main></body></html>"""


def people_page(flow: str, people: list[tuple[str, str]], outsider: str) -> str:
    """The page listing ``people`` ((userid, name), sorted) for ``flow`` "oauth2" or "sso"."""
    return render_template_string(_PEOPLE, style=_STYLE, flow=flow, people=people, outsider=outsider)


def error_page(code: int, text: str) -> Response:
    """WeCom's error page for a refused sign-in request (HTTP 400: our choice, WeCom's status is not known)."""
    return Response(render_template_string(_ERROR, style=_STYLE, code=code, text=text), status=400,
                    mimetype="text/html")
