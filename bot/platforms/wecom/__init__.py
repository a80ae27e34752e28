"""WeCom (企业微信): the self-built app's callback (``inbound``), the smart bot's callback
(``aibot``), and outbound messages (``outbound``) over the HTTP API (``client``).

Helpers: ``crypto`` (timestamp window, signature, wechatpy decryption), ``xmlmsg`` (safe XML),
``buttons`` (button keys, task ids), ``bodies`` (per-destination bodies from the templates),
``cardfit`` (WeCom's card limits, split cards, settled cards sent fresh),
``longtext`` (2048-byte splitting), ``textfit`` (the whole text after a card shown cut), ``capabilities`` (what WeCom can do, with or without the app),
``files`` (opening what people sent, for ``/files/<token>``). See docs/platform-wecom.md.

The smart bot's long connection (``yuqing wecom-connect``, docs/wecom-longconn.md): ``connector``
(the process's loop and lease), ``longconn`` (one WebSocket session), ``wsframes`` (frames and
their Events), ``relay`` (Redis between worker and connector), ``wsout`` (the messenger's side).
"""

__all__ = ["aibot", "capabilities", "connector", "files", "inbound", "outbound"]
