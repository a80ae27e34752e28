"""The browser side of DingTalk's sign-in: the login page ``/oauth2/auth`` (login.dingtalk.com), the JSAPI
stand-in ``/dingtalk-jsapi.js`` and the endpoints it and tests use (``/_emulator/dingtalk/oauth/…``).
The codes and tokens are kept by ``oauth.OAuthBook``; sources in docs/emulator-dingtalk.md, "Sign-in".
"""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, jsonify, redirect, request

from bot.emulator.dingtalk import oauth_pages
from bot.emulator.dingtalk.oauth import SCOPES
from bot.emulator.redirects import sent_back

__all__ = ["pages"]


def login_page(emu):
    """``GET|POST /oauth2/auth``: 「钉钉登录」; a pick (form ``userid`` or ``?as=``) redirects with authCode."""
    args = request.args.to_dict()
    refused = _check_login(emu, args)
    if refused:
        return oauth_pages.error_page(refused)
    who = request.form.get("userid") if request.method == "POST" else request.args.get("as")
    if not who:
        return oauth_pages.people_page(sorted(emu.directory.dingtalk_users.items()))
    if who not in emu.directory.dingtalk_users:
        return oauth_pages.error_page(f"用户 {who} 不存在")
    code = emu.oauth.login_code(who, args.get("scope", "openid"))
    extra = [("authCode", code)] + ([("state", args["state"])] if "state" in args else [])
    return redirect(sent_back(args["redirect_uri"], extra), 302)


def _check_login(emu, args: dict) -> str:
    """What is wrong with a login request, in the page's words ("" when nothing)."""
    if not args.get("client_id") or args["client_id"] != emu.app_key:
        return "client_id 无效：应用不存在（client_id 须为应用的 AppKey）"
    if not args.get("redirect_uri"):
        return "缺少 redirect_uri 参数"
    if not emu.oauth.trusted(args["redirect_uri"]):
        return "redirect_uri 与应用配置的回调域名不一致"
    if args.get("response_type") != "code":
        return "response_type 固定为 code"
    scopes = set(args.get("scope", "").split())
    if "openid" not in scopes or not scopes <= SCOPES:
        return "scope 须为 openid 或 openid corpid"
    return ""


def jsapi_script(emu):
    """``GET /dingtalk-jsapi.js[?user=USERID]``: the stand-in ``dd`` object; ``user`` fixes who is in the client."""
    return Response(oauth_pages.jsapi(emu.base_url or request.host_url.rstrip("/"), request.args.get("user", "")),
                    mimetype="application/javascript")


def jsapi_code(emu):
    """``GET /_emulator/dingtalk/oauth/authcode?corpId=&user=``: what requestAuthCode resolves with (CORS open)."""
    user = request.args.get("user") or emu.oauth.in_client
    if request.args.get("corpId") != emu.corp_id:
        answer, status = {"errorCode": "7", "errorMessage": "corpId 无效：不是当前组织的 corpId"}, 400
    elif not user or user not in emu.directory.dingtalk_users:
        answer, status = {"errorCode": "3", "errorMessage": "当前没有登录钉钉的用户"}, 400
    else:
        answer, status = {"code": emu.oauth.inapp_code(user)}, 200
    response = jsonify(answer)
    response.status_code = status
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def set_in_client(emu):
    """``POST /_emulator/dingtalk/oauth/in_client {"user": USERID|null}``: who is signed in to the client."""
    user = (request.get_json(silent=True, force=True) or {}).get("user")
    if user is not None and user not in emu.directory.dingtalk_users:
        return jsonify(error=f"unknown DingTalk user {user!r}"), 400
    emu.oauth.in_client = user
    return jsonify(in_client=user)


def pages(emu) -> Blueprint:
    """The login page, the JSAPI stand-in and its control endpoints."""
    bp = Blueprint("dingtalk_oauth_pages", __name__)
    bp.add_url_rule("/oauth2/auth", "login_page", partial(login_page, emu), methods=["GET", "POST"])
    bp.add_url_rule("/dingtalk-jsapi.js", "jsapi_script", partial(jsapi_script, emu), methods=["GET"])
    bp.add_url_rule("/_emulator/dingtalk/oauth/authcode", "jsapi_code", partial(jsapi_code, emu), methods=["GET"])
    bp.add_url_rule("/_emulator/dingtalk/oauth/in_client", "set_in_client", partial(set_in_client, emu),
                    methods=["POST"])
    return bp
