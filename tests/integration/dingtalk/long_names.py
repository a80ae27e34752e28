"""A test org with many units of long names: the sample org plus twelve 市场监督管理所 whose names take ~90 bytes
each, every one with a head (0901…0912) and a liaison (0951…0962) on DingTalk — enough to put a 改派 card's
buttons over DingTalk's 1 KB."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.integration.stack import SAMPLE_ORG

LONG_UNITS = [(f"u-long{n:02d}", f"示例市第{n}片区市场监督管理所综合行政执法大队网络交易监管专班", f"09{n:02d}")
              for n in range(1, 13)]


def long_names_org(folder: Path) -> Path:
    """The org file, written into ``folder``."""
    org = yaml.safe_load(SAMPLE_ORG.read_text(encoding="utf-8"))
    for uid, name, dingtalk in LONG_UNITS:
        head, liaison = f"p-{uid}", f"p-{uid}-l"
        org["people"].append({"id": head, "name": f"所长{dingtalk}", "dingtalk": dingtalk})
        org["people"].append({"id": liaison, "name": f"干事{dingtalk}", "dingtalk": str(int(dingtalk) + 50).zfill(4)})
        org["units"].append({"id": uid, "name": name, "kind": "section", "head": head, "liaisons": [liaison],
                             "leader_in_charge": "p-wu"})
    path = folder / "long-names-org.yaml"
    path.write_text(yaml.safe_dump(org, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
