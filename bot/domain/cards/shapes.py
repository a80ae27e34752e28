"""The data each card kind carries: one typed shape per kind (a template reads these keys). Handlers build
most; the worker builds its own kinds (``reminder``, ``escalation``, ``digest``, ``delivery_failed``) with
the shapes at the end of this module. ``SHAPES`` names every kind the templates folder has.

``XxxData(...).card(buttons)`` is the :class:`~bot.core.card.Card` of its kind; ``to_data()`` is its plain
data (optional fields left out while unset). The four case kinds (``case_card``, ``desk_card``, ``bulletin``,
``prompt_card``) share one view-model, the one ``templates/*/_case.j2`` lays out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from typing import Any, ClassVar, Iterable

from bot.core.card import Button, Card

__all__ = [
    "BulletinData", "CardData", "CaseCardData", "Command", "DeliveryFailedData", "DemoCardData", "DeskCardData",
    "DigestData", "DutyItem", "EscalationData", "Fact", "HelpData", "IntakeCardData", "Link", "MyDutiesData",
    "NoticeData", "PromptCardData", "ReminderData", "SHAPES", "SecretNotice", "SecretNoticeData",
    # issue 20: 口径审定, 方案审批, 同意报送, the unit's notice of a decision, and the 回应 section
    "Approver", "OnwardConsentData", "PlanApprovalData", "Publication", "ResponseLine", "ResponseNoticeData",
    "ResponseSection", "ScriptApprovalData",
    # issue 22: a county's case at the city desk
    "CountyCaseData",
]

OPTIONAL = {"optional": True}


def _plain(value: Any) -> Any:
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class CardData:
    """A card kind's data; subclasses are dataclasses naming their ``kind`` (the template's stem)."""

    kind: ClassVar[str]

    def to_data(self) -> dict[str, Any]:
        """The plain (JSON-able) data of the card; optional fields only when set."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)  # type: ignore[arg-type]
                if not (f.metadata.get("optional") and getattr(self, f.name) is None)}

    def card(self, buttons: Iterable[Button] = ()) -> Card:
        """The card of this kind with this data and ``buttons``."""
        return Card(self.kind, self.to_data(), tuple(buttons))


@dataclass(frozen=True)
class Fact:
    """One labelled fact of a card (``案件编号：YQ-2026-0001``)."""

    label: str
    value: str


@dataclass(frozen=True)
class Link:
    """A link a card shows apart from its text (a report's attachment)."""

    title: str
    url: str


@dataclass(frozen=True)
class NoticeData(CardData):
    """A plain notice."""

    kind: ClassVar[str] = "notice"
    text: str


@dataclass(frozen=True)
class SecretNotice:
    """What a group reads of a confidential case: its number and its grade's short label (重大)."""

    number: str
    grade: str


@dataclass(frozen=True)
class SecretNoticeData(CardData):
    """A confidential case's card in a group, whatever kind it had (``bot.core.presentation``, issue 21): the
    data the ``secret_notice`` templates read (the rule keeps the card's kind and its id keys beside them;
    ``title`` is where a drill's mark goes)."""

    kind: ClassVar[str] = "secret_notice"
    secret_notice: SecretNotice
    title: str = "涉密舆情"


@dataclass(frozen=True)
class Command:
    """One line of 帮助: what to send (an example to type as it stands), what it does, and the group it is
    listed under (a heading where the group changes)."""

    text: str
    meaning: str
    group: str = ""


@dataclass(frozen=True)
class HelpData(CardData):
    """帮助: the commands the person's roles allow, addressed to them by name, and ``notes`` (取消, @ in a
    group, where the case number is); ``帮助 <词>`` is one command with notes that explain it."""

    kind: ClassVar[str] = "help"
    name: str
    commands: list[Command]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DemoCardData(CardData):
    """测试卡片."""

    kind: ClassVar[str] = "demo_card"
    title: str
    body: str
    status: str = ""


@dataclass(frozen=True)
class IntakeCardData(CardData):
    """The desk's card of a case (new, already open, its status): facts, a body (the case's title first), a
    status, typed hints, and the story's link (``link``: a tappable row where the card can have one)."""

    kind: ClassVar[str] = "intake_card"
    title: str
    color: str
    facts: list[Fact]
    body: str
    status: str = ""
    hints: list[str] = field(default_factory=list)
    link: str | None = field(default=None, metadata=OPTIONAL)


@dataclass(frozen=True)
class DutyItem:
    """One open duty in 我的待办: ``mark`` (①…⑤) names its button on the card, ``command`` what to type instead
    (shown where there is no button, and always in the text form; "" when no act ends it yet)."""

    case: str
    title: str
    line: str
    drill: bool = False
    mark: str = ""
    command: str = ""


@dataclass(frozen=True)
class MyDutiesData(CardData):
    """我的待办: a person's open duties, soonest first (``more``: how many were left out; ``unit``: the one
    unit every duty is for, said once for the list — when they differ each item's line names its unit)."""

    kind: ClassVar[str] = "my_duties"
    name: str
    duties: list[DutyItem]
    more: int = 0
    unit: str = ""


@dataclass(frozen=True)
class CaseCardData(CardData):
    """The unit's card of a case (kind ``case_card``): the warning and its later states. The other case
    kinds share its fields: ``hint`` says what to type instead of a button; ``link`` is the story's own link
    (a tappable row where the card can have one, a line of text elsewhere); ``case_id``, ``unit`` and
    ``assignment`` file its copies; ``mentions`` are org user ids a group notice mentions; ``links`` a
    report's attachments."""

    kind: ClassVar[str] = "case_card"
    title: str
    color: str
    facts: list[Fact]
    body: str
    status: str = ""
    hint: str | None = field(default=None, metadata=OPTIONAL)
    link: str | None = field(default=None, metadata=OPTIONAL)
    case_id: int | None = field(default=None, metadata=OPTIONAL)
    unit: str | None = field(default=None, metadata=OPTIONAL)
    assignment: int | None = field(default=None, metadata=OPTIONAL)
    mentions: list[str] | None = field(default=None, metadata=OPTIONAL)
    links: list[Link] | None = field(default=None, metadata=OPTIONAL)


@dataclass(frozen=True)
class DeskCardData(CaseCardData):
    """A card to the desk about a unit's part: a report forwarded, a return to reassign, a reassignment."""

    kind: ClassVar[str] = "desk_card"


@dataclass(frozen=True)
class BulletinData(CaseCardData):
    """舆情通报 to a leader."""

    kind: ClassVar[str] = "bulletin"


@dataclass(frozen=True)
class PromptCardData(CaseCardData):
    """A dialog's question with its choices as buttons (定级, 报告)."""

    kind: ClassVar[str] = "prompt_card"


@dataclass(frozen=True)
class ReminderData(CardData):
    """催办: a duty's owner is reminded of its deadline (the worker's clock)."""

    kind: ClassVar[str] = "reminder"
    title: str        # the heading word (催办 / 逾期提醒); the drill mark is added by the rendering rule
    case: str         # the case number
    case_title: str
    duty: str
    grade: str
    due: str          # words.deadline
    unit: str         # who the duty waits for: the unit, the person (a person's own duty) or 主要领导
    left: str         # words.time_left, or 已到时限
    ask: str = ""     # what is asked, by when, first: 请于今天 17:38 前办理（还剩20分钟） / 已到时限，请立即办理
    command: str = ""  # what to send to act (签收 YQ-…, ``acts.command_of``), "" when no act ends the duty yet
    personal: bool = False  # ``unit`` is a person or 主要领导 (``Duty.personal``): read as 办理人, not 承办单位


@dataclass(frozen=True)
class EscalationData(ReminderData):
    """逾期提醒: a missed deadline told to the roles of the ladder's step (督办 is what a leader does, issue 19)."""

    kind: ClassVar[str] = "escalation"
    roles: str = ""   # everyone this step tells, by role (单位负责人、分管局领导), the reader among them


@dataclass(frozen=True)
class DigestData(CardData):
    """舆情日报 / 舆情周报 (Art. 12): the period's figures, drills left out."""

    kind: ClassVar[str] = "digest"
    period: str       # "daily" | "weekly" (the template's ``kind`` key)
    day: str          # 12月7日
    new: list[str]
    by_grade: list[str]
    by_unit: list[str]
    overdue: list[str]
    late: list[str]
    open: int
    anchor: str = ""  # the daily digest's 存证锚点 line (issue 24): anchor <day> cases=N sha256=…; weekly: none
    board: str = ""   # the case board's address (issue 26: PUBLIC_BASE_URL/board) when it is served, else ""

    def to_data(self) -> dict[str, Any]:
        data = super().to_data()
        data["kind"] = data.pop("period")
        return data


@dataclass(frozen=True)
class DeliveryFailedData(CardData):
    """The desk's card about messages that finally failed (one line each, at most 20, and the count)."""

    kind: ClassVar[str] = "delivery_failed"
    count: int
    items: list[str]


# --- issue 20: scripts (口径), plans (回应方案) and publications -------------------------------------------------

@dataclass(frozen=True)
class Approver:
    """Where one approver role of a version stands (``bot.domain.cards.response_cards``): ``role`` as read
    (宣传分管领导, 分管领导, 主要领导); ``state`` one of ``pending`` (待审定 / 待审批), ``waiting`` (a plan's
    main leader before the first approval: 待分管领导审批), ``approved``, ``returned``; ``name`` and ``at`` who
    decided and when; ``reason`` of a return; ``on_behalf``: the main leader decided in the role's place
    (代为审定)."""

    role: str
    state: str = "pending"
    name: str = ""
    at: datetime | None = None
    reason: str = ""
    on_behalf: bool = False


@dataclass(frozen=True)
class ResponseLine:
    """One unit's line of the 回应 section: the state of its latest script and plan in words (``待审定 v2``,
    ``已审定 v2``, ``退回修改 v1``; "" when it has none)."""

    unit_name: str
    script_state: str = ""
    plan_state: str = ""


@dataclass(frozen=True)
class Publication:
    """A publication recorded on a case (发布): its channel (新闻发布会, 微信公众号, …) and when."""

    channel: str
    at: datetime | str


@dataclass(frozen=True)
class ResponseSection:
    """The 回应 section of the ``案件`` status card and the desk's card: a line per unit, then what was published."""

    lines: list[ResponseLine] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)


@dataclass(frozen=True)
class ScriptApprovalData(CaseCardData):
    """口径审定 YQ-… v2: a unit's script version, with 同意 / 退回修改 for an approver, settled for everyone else
    (``version``: which one, with ``unit`` and ``case_id`` it files the card's copies)."""

    kind: ClassVar[str] = "script_approval"
    version: int | None = field(default=None, metadata=OPTIONAL)


@dataclass(frozen=True)
class PlanApprovalData(ScriptApprovalData):
    """方案审批 YQ-… v1: a unit's response plan version, approved in order (分管领导, then 主要领导)."""

    kind: ClassVar[str] = "plan_approval"


@dataclass(frozen=True)
class OnwardConsentData(ScriptApprovalData):
    """同意报送 YQ-… v2: the publicity leader's consent to report an approved script onward."""

    kind: ClassVar[str] = "onward_consent"


@dataclass(frozen=True)
class ResponseNoticeData(ScriptApprovalData):
    """The unit's notice of a decision on its script or plan version (退回修改 with the reason and what to send,
    or 已审定 / 已审批)."""

    kind: ClassVar[str] = "response_notice"


# --- issue 22: a county's case at the city desk ---------------------------------------------------------------

@dataclass(frozen=True)
class CountyCaseData(CaseCardData):
    """A county's case at the city desk (``bot.domain.cards.county_card``): reported up (``mode`` report_up), followed
    (follow) or handed down (transfer_down). The case card's fields (``title`` is the heading, ``body`` the case's
    title and 研判依据, ``unit`` the city unit whose group holds the copy) and the case's own in words: ``number``,
    ``grade`` (重大舆情), ``county`` (its name), ``graded_by`` and ``at`` (who graded it, when), ``reason``
    (研判依据); ``progress``: the latest steps of the case, latest first, at most 5 (the 最新进展 section)."""

    kind: ClassVar[str] = "county_case"
    number: str = ""
    grade: str = ""
    county: str = ""
    graded_by: str = ""
    at: str = ""
    reason: str = ""
    mode: str = "report_up"
    progress: list[str] = field(default_factory=list)


SHAPES: dict[str, type[CardData]] = {cls.kind: cls for cls in (
    NoticeData, HelpData, DemoCardData, IntakeCardData, MyDutiesData, CaseCardData, DeskCardData, BulletinData,
    PromptCardData, ReminderData, EscalationData, DigestData, DeliveryFailedData, ScriptApprovalData,
    PlanApprovalData, OnwardConsentData, ResponseNoticeData, SecretNoticeData, CountyCaseData)}
