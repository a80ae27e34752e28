"""Opening a drill (演练, issue 23): one made-up case from a scenario, marked a drill when it opens, its clocks
scaled by ``scale``, its units warned at once, and the scenario recorded on its timeline.

    start_drill(scenario) --not the city desk's head (nor the command line)--> NotPermitted, nothing written
                          --scale below 1, an unknown or inactive unit--> InvalidInput, nothing written
                          --else--> case.open (drill, drill_scale) → drill.scenario → case.assign per unit

Who opens it: the city desk's head (科长, ``permissions.running_desk(org, None).head``) in the chat; the command
line (an actor ``cli:<OS user>``) opens it *as the desk head*, platform ``cli``, because only a desk person may
open a case and assign units (``open_case`` asks ``opener_roles``): the ``case.open`` and ``case.assign`` entries
then name the desk head with platform ``cli``, and the ``drill.scenario`` entry names the real actor (``cli:…``,
role ``cli``) and says so in its payload (``started_by``).

The ``drill.scenario`` entry (the ``case.open`` payload is fixed) holds what the rest of the drill reads: the
leaders who receive bulletins and approval requests (``people``), the scripted steps in drill time (``steps``:
seconds after the opening, before scaling), the scale, the scenario's file name and who started it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.domain.case.commands import open_case
from bot.domain.context import Outcome, Rules, load_case, record
from bot.domain.drill.people import SCENARIO_ACTION
from bot.domain.drill.scenario import Scenario
from bot.domain.errors import InvalidInput, NotPermitted
from bot.domain.grade import Grade
from bot.domain.intake.links import source_of
from bot.domain.permissions import Role, running_desk
from bot.domain.response.approvers import case_leaders
from bot.domain.records import Actor, Case, Intake
from bot.domain.repository import CaseRepository, CaseStore
from bot.domain.unit.commands import assign_unit

__all__ = ["CLI_PREFIX", "DEFAULT_SCALE", "DrillStarted", "Recipients", "SHIPPED", "TITLE_MARK", "check_units",
           "drill_title", "grade_of", "is_cli", "recipients", "shipped_names", "shipped_scenario", "start_drill",
           "starter"]

DEFAULT_SCALE = 60  # ×60: four hours become four minutes
TITLE_MARK = "演练："
CLI_PREFIX = "cli:"
CLI_ROLE = "cli"
SHIPPED = Path(__file__).resolve().parents[3] / "examples" / "drills"  # the checkout's shipped scenarios
DEFAULT_SHIPPED = "major"


@dataclass
class DrillStarted:
    """What :func:`start_drill` did: the ``case.open`` outcome, one ``case.assign`` outcome per unit (in the order
    given), the ``drill.scenario`` outcome, and the case as it stands after the last of them."""

    opened: Outcome
    scenario: Outcome
    assigned: list[Outcome] = field(default_factory=list)

    @property
    def case(self) -> Case:
        """The drill case after the last command."""
        return (self.assigned[-1] if self.assigned else self.scenario).case


@dataclass(frozen=True)
class Recipients:
    """Who a drill's cards reach: the city desk (its card), each unit with its liaisons (the warning, to the
    unit's group and 1:1), and the leaders (bulletins, from 敏感 up: those of the main leader, the publicity
    leaders and the units' leaders in charge whom the scenario names)."""

    desk: str
    units: tuple[tuple[str, tuple[str, ...]], ...]
    leaders: tuple[str, ...]
    grade: Grade

    def lines(self) -> list[str]:
        """The recipients in Chinese, one line each (the confirmation card, the command line)."""
        out = [f"舆情工作台：{self.desk}（立案卡片）"]
        for name, liaisons in self.units:
            out.append(f"承办单位：{name}（预警" + (f"，联络员{'、'.join(liaisons)}" if liaisons else "") + "）")
        if not self.units:
            out.append("承办单位：无（演练中可再分派）")
        if self.grade >= Grade.SENSITIVE:
            out.append(f"领导：{'、'.join(self.leaders) or '无（场景未列入领导）'}（信息通报）")
        else:
            out.append(f"领导：{self.grade.label}不发信息通报" +
                       (f"（升级后通报{'、'.join(self.leaders)}）" if self.leaders else ""))
        return out


def recipients(org, units, people, grade: Grade) -> Recipients:
    """Who will receive the cards of a drill of ``grade`` warning ``units`` (ids) whose scenario names ``people``
    (the same leaders ``handlers/leaders.leaders`` picks on a drill: only those named)."""
    shown = [(unit.name, tuple(_name(org, p) for p in unit.liaisons))
             for unit in (org.units.get(uid) for uid in units) if unit is not None]
    leaders = tuple(_name(org, p) for p in case_leaders(org, county=None, units=units, people=tuple(people or ())))
    return Recipients(org.desk_name(), tuple(shown), leaders, grade_of(grade))


def _name(org, person_id: str) -> str:
    person = org.person(person_id)
    return person.name if person is not None else person_id


def is_cli(actor: Actor) -> bool:
    """Whether ``actor`` is the command line (``cli:<OS user>``)."""
    return actor.person_id.startswith(CLI_PREFIX)


def drill_title(title: str) -> str:
    """``title`` stripped, with the 演练： mark in front unless it already starts with 演练."""
    text = (title or "").strip()
    return text if text.startswith("演练") else f"{TITLE_MARK}{text}"


def shipped_names() -> list[str]:
    """The names of the scenarios shipped in ``examples/drills/`` (file stems: general, major, …)."""
    return sorted(p.stem for p in SHIPPED.glob("*.yaml")) if SHIPPED.is_dir() else []


def shipped_scenario(name: str = DEFAULT_SHIPPED) -> Path:
    """The path of a shipped scenario by name (``major`` → ``examples/drills/major.yaml``); raises InvalidInput
    for a name that is not shipped."""
    key = (name or DEFAULT_SHIPPED).strip().lower().removesuffix(".yaml")
    path = SHIPPED / f"{key}.yaml"
    if not key.replace("_", "").isalnum() or not path.is_file():
        known = "、".join(shipped_names()) or "（无）"
        raise InvalidInput("drill.no_scenario", f"没有名为“{name}”的演练场景，可选：{known}。")
    return path


def starter(org, actor: Actor) -> Actor:
    """Who opens the case and warns the units for ``actor``: the city desk's head himself, or the desk head
    on platform ``cli`` for the command line. Raises NotPermitted for anyone else, InvalidInput when the org has
    no active city desk with an active head."""
    desk = running_desk(org, None)
    head = org.person(desk.head) if desk is not None and desk.head else None
    if is_cli(actor):
        if head is None or not head.active:
            raise InvalidInput("drill.no_desk_head", "组织架构中没有在岗的市局舆情工作台科长，无法以其名义开始演练。")
        return Actor(head.id, CLI_ROLE)
    if head is None or actor.person_id != head.id:
        raise NotPermitted("permission.denied", f"只有{org.desk_name()}科长可以开始演练。")
    return actor


def check_units(org, units) -> tuple[str, ...]:
    """``units`` once each, in order; raises InvalidInput naming an unknown or inactive one (or the desk)."""
    out = tuple(dict.fromkeys(str(u).strip() for u in units))
    for unit_id in out:
        unit = org.units.get(unit_id)
        if unit is None or not unit.active:
            raise InvalidInput("drill.unknown_unit", f"组织架构中没有在用的单位“{unit_id}”。")
        if unit.desk:
            raise InvalidInput("drill.desk_unit", f"{unit.name}是舆情工作台，不能作为承办单位分派。")
    return out


def start_drill(store: CaseStore, rules: Rules, actor: Actor, now: datetime, scenario: Scenario, *,
                scale: float = DEFAULT_SCALE, grade: Grade | str | int | None = None,
                units=None, source: str | None = None) -> DrillStarted:
    """Open the drill of ``scenario`` at ``scale`` (at least 1), with
    ``grade`` and ``units`` instead of the scenario's when given; warn each unit; record the scenario.

    ``source``: the scenario's file name for the record (default: the scenario's own ``source``).
    Raises NotPermitted (not the city desk head), InvalidInput (scale below 1, an unknown grade or unit, no title).
    """
    try:
        scale = float(scale)
    except (TypeError, ValueError):
        raise InvalidInput("drill.scale", "演练的时间倍率须为不小于 1 的数。") from None
    if not scale >= 1:
        raise InvalidInput("drill.scale", "演练的时间倍率须为不小于 1 的数（例如 60：四小时缩为四分钟）。")
    opener = starter(rules.org, actor)
    chosen = grade_of(scenario.grade if grade is None else grade)
    unit_ids = check_units(rules.org, scenario.units if units is None else units)
    link = (scenario.link or "").strip() or None
    opened = open_case(store, rules, opener, now, title=drill_title(scenario.title), grade=chosen,
                       source=str(source_of(link)) if link else "other", link=link, drill=True, drill_scale=scale,
                       intake=Intake("drill", summary=(scenario.facts or "").strip() or None))
    payload = {"people": list(scenario.people),
               "steps": [{"after": int(s.after.total_seconds()), "raise": int(s.raise_to), "reason": s.reason}
                         for s in scenario.steps],
               "scale": scale, "source": scenario.source if source is None else source,
               "units": list(unit_ids), "started_by": actor.person_id}
    role = CLI_ROLE if is_cli(actor) else str(Role.DESK_HEAD)

    def remember(repo: CaseRepository) -> Outcome:
        return record(repo, rules, load_case(repo, opened.case.id), actor, role, SCENARIO_ACTION, now, payload)

    noted = store.run(remember)
    assigned = [assign_unit(store, rules, opened.case.id, opener, now, unit_id) for unit_id in unit_ids]
    return DrillStarted(opened, noted, assigned)


def grade_of(value) -> Grade:
    """A grade from a Grade, 1-4, a key (``major``) or a Chinese name (重大, 重大舆情); raises InvalidInput."""
    if isinstance(value, Grade):
        return value
    try:
        return Grade(value) if isinstance(value, int) and not isinstance(value, bool) else Grade.from_key(str(value))
    except ValueError:
        raise InvalidInput("drill.grade", f"没有“{value}”这个等级，可选：一般、敏感、重大、特别重大。") from None
