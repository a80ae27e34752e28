"""Render a stored organisation for operators: text or JSON, webhook keys never shown."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bot.core.org import Organisation, Unit
from bot.org.file import ENV_REF


def _mask(value: str | None) -> str | None:
    """A ``${VAR}`` reference stays readable; a literal key is a secret."""
    if not value:
        return value
    return value if ENV_REF.match(value) else "***"


def org_as_dict(org: Organisation) -> dict[str, Any]:
    """The organisation as JSON-able data."""
    units = []
    for unit in org.units.values():
        data = asdict(unit)
        data["groups"]["wecom_webhook_key"] = _mask(unit.groups.wecom_webhook_key)
        data["groups"]["ids"] = {p: {k: _mask(v) if k == "webhook_key" else v for k, v in sub.items()}
                                 for p, sub in unit.groups.ids.items()}
        units.append(data)
    return {
        "bureau": {"name": org.bureau_name, "short": org.bureau_short},
        "people": [asdict(p) for p in org.people.values()],
        "units": units,
    }


def _names(org: Organisation, ids) -> str:
    return "、".join(org.people[i].name if i in org.people else i for i in ids) or "—"


def _county_leaders(org: Organisation, unit: Unit) -> str:
    """A county's own approvers as they stand: each post's holder, 「（负责人）」 when it falls to the head."""
    held = org.county_leaders(unit.id)
    parts = []
    for label, key, pid in (("主要领导", "main", held.main), ("分管宣传领导", "publicity", held.publicity)):
        by_head = pid is not None and unit.leaders.get(key) != pid
        parts.append(f"{label} {_names(org, [pid] if pid else [])}{'（负责人）' if by_head else ''}")
    return "；".join(parts)


def org_as_text(org: Organisation) -> str:
    """A readable listing: units with their people, then people with their platforms and roles."""
    if not org.people:
        return "尚未载入组织架构：运行 yuqing org load FILE"
    lines = [f"{org.bureau_name}（{org.bureau_short}）", "", "单位："]
    kinds = {"section": "科室", "affiliate": "直属单位", "county": "县局"}
    for u in org.units.values():
        flags = "（办公室）" if u.desk else ""
        flags += "" if u.active else "（已停用）"
        lines.append(f"  {u.id:<16} {u.name}{flags} [{kinds.get(u.kind, u.kind)}]")
        lines.append(f"      负责人 {_names(org, [u.head])}；联络员 {_names(org, u.liaisons)}；"
                     f"分管领导 {_names(org, [u.leader_in_charge] if u.leader_in_charge else [])}")
        if u.kind == "county":
            lines.append(f"      县局领导：{_county_leaders(org, u)}")
    lines += ["", "人员："]
    for p in org.people.values():
        ids = ", ".join(f"{k}={v}" for k, v in p.ids.items())
        extra = " ".join(filter(None, [f"角色 {','.join(p.roles)}" if p.roles else "",
                                       "微信插件" if p.wechat_plugin else "", "" if p.active else "已停用"]))
        lines.append(f"  {p.id:<10} {p.name:<6} {ids} → {p.platform} {extra}".rstrip())
    return "\n".join(lines)
