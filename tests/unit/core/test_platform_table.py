"""The platform table can be extended by a setting: ``YUQING_PLATFORMS`` names a module holding a
``PLATFORM`` entry; loading the settings registers it — its channel is read like the shipped ones, its
route joins the web app, its messenger the worker — and ``TEMPLATES_DIR`` may put its templates in front
of the shipped folder. This module is such a platform (``parrot``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import ROOT, load
from bot.core.card import Card
from bot.core.errors import ConfigError
from bot.core.org import known_platforms
from bot.core import platform_table
from bot.platforms import registry
from bot.platforms.base import Answer
from bot.platforms.render import render_json, render_text

ME = __name__


class ParrotCallback:
    platform = "parrot"
    dedup_ttl = 60

    def __init__(self, config):
        self.token = config["PARROT_TOKEN"]

    def handle(self, request):
        return Answer()


class ParrotMessenger:
    platform = "parrot"

    def __init__(self, config, *, redis=None, templates_dir=""):
        self.templates_dir = templates_dir


PLATFORM = platform_table.Platform(
    name="parrot", messenger=f"{ME}:ParrotMessenger", sends_with=("parrot",),
    routes={"/parrot/callback": ("parrot", f"{ME}:ParrotCallback")},
    channels={"parrot": platform_table.Channel(("PARROT_TOKEN", "PARROT_KEY"), {"PARROT_API_BASE": "https://parrot.example"})},
    group_keys=("room",))
THIEF = platform_table.Platform(name="thief", messenger=f"{ME}:ParrotMessenger", sends_with=("thief",),
                          routes={"/wecom/callback": ("thief", f"{ME}:ParrotCallback")})


@pytest.fixture(autouse=True)
def forget_parrot():
    yield
    platform_table.forget("parrot")


def test_a_named_module_brings_its_channel_route_messenger_and_org_keys():
    settings = load({"YUQING_PLATFORMS": ME, "PARROT_TOKEN": "t", "PARROT_KEY": "k"})
    assert settings.has("parrot") and settings.get("PARROT_API_BASE") == "https://parrot.example"
    assert settings.describe()["PARROT_TOKEN"] == "***"
    assert "parrot" in platform_table.platforms() and "parrot" in known_platforms()
    assert list(registry.inbound_adapters(settings.channels, settings.values)) == ["/parrot/callback"]
    assert list(registry.messengers(settings.channels, settings.values, templates_dir="x")) == ["parrot"]
    assert load({"YUQING_PLATFORMS": ME}).channels == frozenset()  # registered, its channel off


def test_its_channel_half_configured_is_refused_by_name():
    with pytest.raises(ConfigError, match="channel parrot is half-configured: missing PARROT_KEY"):
        load({"YUQING_PLATFORMS": ME, "PARROT_TOKEN": "t"})


@pytest.mark.parametrize("names, fragment", [
    ("no.such.module", "YUQING_PLATFORMS names no.such.module, which cannot be imported"),
    ("bot.core.card", "YUQING_PLATFORMS names bot.core.card, which has no PLATFORM"),
])
def test_a_module_that_is_not_a_platform_is_refused(names, fragment):
    with pytest.raises(ConfigError, match=fragment):
        load({"YUQING_PLATFORMS": names})


def test_a_platform_cannot_take_another_platforms_route():
    with pytest.raises(ConfigError, match="would take /wecom/callback from wecom"):
        platform_table.register(THIEF)
    assert "thief" not in platform_table.platforms()


def test_templates_dir_may_put_a_platforms_folder_before_the_shipped_one(tmp_path):
    (tmp_path / "parrot").mkdir()
    (tmp_path / "parrot" / "notice.json.j2").write_text('{"said": {{ data.text|tojson }}}', encoding="utf-8")
    settings = load({"TEMPLATES_DIR": os.pathsep.join([str(tmp_path), str(ROOT / "templates")])})
    card = Card("notice", {"text": "你好"})
    assert render_json(settings.templates_dir, "parrot", card) == {"said": "你好"}
    assert "你好" in render_text(settings.templates_dir, card)  # the shipped text form, from the next folder
    with pytest.raises(ConfigError, match="TEMPLATES_DIR '/nonexistent' is not a directory"):
        load({"TEMPLATES_DIR": os.pathsep.join([str(tmp_path), "/nonexistent"])})
    assert load({}).templates_dir == Path(ROOT / "templates")
