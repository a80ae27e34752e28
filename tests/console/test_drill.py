"""The drill switch (演练): the console stores the choice, shows it, and intake can read it."""

from __future__ import annotations

from bot.console.drill import set_drill_switch
from bot.core.drill_switch import DrillSwitch, drill_switch


def test_drills_are_off_until_switched_on(client, console_stack):
    assert drill_switch(console_stack.drill_file) == DrillSwitch()
    assert "演练模式：关" in client.get("/").get_data(as_text=True)


def test_switching_drills_on_stores_the_scale_and_shows_it(client, console_stack):
    answer = client.post("/console/drill", data={"on": "1", "scale": "60", "person": "p-li", "chat": "wecom.direct"})
    assert answer.status_code == 303 and "chat=wecom.direct" in answer.location
    switch = drill_switch(console_stack.drill_file)
    assert switch.on is True and switch.scale == 60 and switch.changed_at
    html = client.get("/").get_data(as_text=True)
    assert "演练模式：开（时限 ×1/60）" in html and "关闭演练" in html
    client.post("/console/drill", data={"on": "0", "scale": "60"})
    assert drill_switch(console_stack.drill_file).on is False


def test_a_bad_scale_is_refused(client, console_stack):
    answer = client.post("/console/drill", data={"on": "1", "scale": "0"}, headers={"X-Console-Fetch": "1"})
    assert answer.status_code == 400 and drill_switch(console_stack.drill_file).on is False


def test_an_unreadable_switch_file_means_off(tmp_path):
    path = tmp_path / "drill.json"
    path.write_text("{not json", encoding="utf-8")
    assert drill_switch(path).on is False
    path.write_text('{"on": "yes", "scale": -3}', encoding="utf-8")
    assert drill_switch(path) == DrillSwitch()


def test_the_switch_file_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DRILL_SWITCH_FILE", str(tmp_path / "elsewhere.json"))
    set_drill_switch(True, 3600)
    assert (tmp_path / "elsewhere.json").exists() and drill_switch().scale == 3600


def test_reading_the_switch_does_not_import_flask():
    import subprocess
    import sys

    code = "import sys, bot.console.drill; sys.exit(1 if 'flask' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
