"""The organisation's tables. Later tables (cases, duties, timeline, outbox) live in their own modules
and share :class:`Base`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.store.types import UTCDateTime


class Base(DeclarativeBase):
    """Declarative base of every table."""


class OrgMeta(Base):
    """Bureau-wide values from the org file (name, short name) and when it was last loaded."""

    __tablename__ = "org_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(512))


class PersonRow(Base):
    """A person; never deleted, ``active`` is cleared when they leave the org file."""

    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    wecom_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    dingtalk_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    prefer: Mapped[str | None] = mapped_column(String(16))
    wechat_plugin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PersonPlatformIdRow(Base):
    """A person's user id on a platform registered besides WeCom and DingTalk (whose ids are columns of
    ``people``, as design.md's org file names them): one row per person and platform."""

    __tablename__ = "person_platform_ids"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))


class PersonRoleRow(Base):
    """A person role from the ``roles:`` list (main_leader, publicity_leader, admin)."""

    __tablename__ = "person_roles"
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class UnitRow(Base):
    """A section, affiliated unit or county bureau, with its group chats per platform."""

    __tablename__ = "units"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    desk: Mapped[bool] = mapped_column(Boolean, default=False)
    head_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    leader_in_charge_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    wecom_webhook_key: Mapped[str | None] = mapped_column(String(256))
    wecom_aibot_chatid: Mapped[str | None] = mapped_column(String(128))
    wecom_appchat_id: Mapped[str | None] = mapped_column(String(128))
    dingtalk_open_conversation_id: Mapped[str | None] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UnitGroupIdRow(Base):
    """One id of a unit's group chat on a platform registered besides WeCom and DingTalk (``groups.<platform>.<key>``
    of the org file; WeCom's and DingTalk's are columns of ``units``)."""

    __tablename__ = "unit_group_ids"
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class UnitPersonRow(Base):
    """A person named by a unit as ``liaison`` or ``member`` (the head is on the unit row)."""

    __tablename__ = "unit_people"
    __table_args__ = (UniqueConstraint("unit_id", "person_id", "role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)
