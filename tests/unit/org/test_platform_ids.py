"""Platform ids as mappings: a person's user id and a unit's group ids on each platform, the org file's
``wecom:``/``dingtalk:`` keys unchanged, and a registered platform's keys accepted only while it is
registered (docs/architecture.md, "Where to add: a platform")."""

from __future__ import annotations

import pytest

from bot.core.errors import ConfigError
from bot.core.org import Person, UnitGroups, add_platform, forget_platform, known_platforms
from bot.org.file import OrgFileError, parse_org_text

ORG = """\
bureau: {name: 示例局}
people:
  - {id: p-a, name: 甲, wecom: a}
  - {id: p-b, name: 乙, parrot: b1}
  - {id: p-c, name: 丙, dingtalk: "01", parrot: c1, prefer: parrot}
  - {id: p-l, name: 丁局长, wecom: l, roles: [main_leader, publicity_leader]}
units:
  - id: u-desk
    name: 办公室
    kind: section
    desk: true
    head: p-a
    liaisons: [p-b]
    leader_in_charge: p-l
    groups:
      wecom: {aibot_chatid: wrDesk}
      parrot: {room: r-desk, hook: h-1}
"""


@pytest.fixture
def parrot():
    add_platform("parrot", ("room", "hook"))
    yield "parrot"
    forget_platform("parrot")


def errors(text: str) -> list[str]:
    with pytest.raises(OrgFileError) as caught:
        parse_org_text(text)
    return [message for _, message in caught.value.errors]


def test_the_two_named_platforms_are_fields_and_entries_of_one_mapping():
    both = Person("p-x", "某", wecom="x", dingtalk="01")
    assert both.ids == {"wecom": "x", "dingtalk": "01"} and both.platform == "wecom"
    assert Person("p-y", "某", ids={"dingtalk": "02"}).dingtalk == "02"
    groups = UnitGroups(wecom_webhook_key="${HOOK}", ids={"parrot": {"room": "r1"}})
    assert groups.ids == {"wecom": {"webhook_key": "${HOOK}"}, "parrot": {"room": "r1"}}
    assert groups.by_platform() == {"wecom": {"wecom_webhook_key": "${HOOK}"}, "parrot": {"parrot_room": "r1"}}
    assert UnitGroups(wecom_aibot_chatid="wr1").notice_platforms() == ()  # a smart-bot chat alone takes no notice


def test_a_platform_nobody_registered_is_an_unknown_field_with_its_line():
    assert "parrot" not in known_platforms()
    found = errors(ORG)
    assert any("person p-b: unknown field 'parrot'" in m for m in found)
    assert any("groups.parrot is not a known platform mapping (wecom, dingtalk)" in m for m in found)
    assert any("person p-b has neither a wecom nor a dingtalk id" == m for m in found)


def test_a_registered_platform_has_its_person_key_prefer_and_group_keys(parrot):
    org = parse_org_text(ORG)
    assert org.people["p-b"].ids == {"parrot": "b1"} and org.people["p-b"].platform == "parrot"
    assert org.people["p-c"].platform == "parrot" and org.people["p-c"].user_id("dingtalk") == "01"
    assert org.by_platform_id("parrot", "c1").id == "p-c"
    groups = org.units["u-desk"].groups
    assert groups.by_platform()["parrot"] == {"parrot_room": "r-desk", "parrot_hook": "h-1"}
    assert groups.notice_platforms() == ("parrot",)


def test_a_registered_platform_is_validated_like_the_named_ones(parrot):
    text = ORG.replace("{id: p-a, name: 甲, wecom: a}", "{id: p-a, name: 甲, parrot: b1, prefer: telegram}")
    text = text.replace("hook: h-1", "webhook: h-1")
    found = errors(text)
    assert "duplicate parrot id 'b1' (first on line 3)" in " ".join(found)
    assert any("prefer must be wecom, dingtalk or parrot, not 'telegram'" in m for m in found)
    assert any("groups.parrot: unknown field 'webhook'" in m for m in found)
    nobody = ORG.replace("{id: p-a, name: 甲, wecom: a}", "{id: p-a, name: 甲}")
    assert "person p-a has neither a wecom nor a dingtalk id (nor parrot)" in errors(nobody)


def test_a_platform_cannot_take_a_person_field_or_change_its_group_keys(parrot):
    with pytest.raises(ConfigError):
        add_platform("roles", ())
    with pytest.raises(ConfigError):
        add_platform("parrot", ("room",))
    add_platform("parrot", ("room", "hook"))  # the same again changes nothing
