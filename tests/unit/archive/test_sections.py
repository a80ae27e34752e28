"""The archive's sections from a hand-made dossier (no database): empty parts say 无, people and units by name
(ids when unknown), times in Asia/Shanghai, a broken chain in bold red, duties judged as of the export."""

from __future__ import annotations

from io import BytesIO

import docx
import pytest
from docx.oxml.ns import qn

from bot.archive import render
from bot.archive.model import Paragraph
from bot.archive.sections import sections
from tests.unit.archive.hand_dossier import hand_dossier
from tests.unit.archive.reading import by_section, tables, texts, word_blocks


def _parts(dossier: dict) -> dict:
    return by_section(word_blocks(render(dossier, "docx").content))


def test_a_young_case_says_none_where_nothing_happened_yet():
    parts = _parts(hand_dossier())
    for empty in ("报告", "口径与方案", "发布", "督办", "评估"):
        assert parts[empty] == [("p", "无")], empty
    assignment = tables(parts["承办单位及签收"])[0][1]
    assert assignment == ["食品生产安全监督管理科", "2026-12-08 09:30", "李干事", "—", "—", "待签收", "—"]


def test_people_units_and_times_read_as_names_and_shanghai_time():
    parts = _parts(hand_dossier())
    basics = dict(tables(parts["基本信息"])[0][1:])
    assert basics["立案时间"] == "2026-12-08 09:02" and basics["来源"] == "抖音" and basics["链接"] == "无"
    assert basics["办理单位"] == "综合应急和新闻宣传科" and basics["县局"] == "无" and basics["涉密"] == "否"
    timeline = tables(parts["处置时间线"])[0][1:]
    assert [row[2] for row in timeline] == ["服务器命令行（root）", "李干事 (p-li)", "p-gone"]  # unknown: the id
    assert [row[3:] for row in timeline] == [["服务器命令行", "命令行", "立案（一般舆情）"],
                                            ["舆情工作台", "企业微信", "分派食品生产安全监督管理科"],
                                            ["舆情工作台", "钉钉", "查看"]]


def test_duties_are_judged_as_of_the_export():
    duties = tables(_parts(hand_dossier())["时限"])[0][1:]
    # exported 12:00 Shanghai: the 签收 was due 10:00 (still open: 未办), the 初报 is due 13:00 (进行中)
    assert [(row[0], row[3], row[-1]) for row in duties] == [("签收预警", "2026-12-08 10:00", "未办"),
                                                            ("初报", "2026-12-08 13:00", "进行中")]


def test_a_broken_chain_is_said_in_bold_red():
    dossier = hand_dossier()
    dossier["chain"]["broken"] = {"seq": 2, "reason": "its content does not match its hash (edited in place)"}
    warning = sections(dossier)[-1].blocks[0]
    assert isinstance(warning, Paragraph) and warning.alert
    assert warning.text == "警告：时间线第 2 条校验不通过（内容与其哈希不符，已被改动），档案可能被改动。"
    document = docx.Document(BytesIO(render(dossier, "docx").content))
    red = [r for r in document.element.body.iter(qn("w:r")) if "校验不通过" in (r.text or "")]
    assert len(red) == 1 and red[0].rPr.b is not None and str(red[0].rPr.color.val) == "C00000"
    assert "**警告：时间线第 2 条校验不通过" in render(dossier, "md").content.decode("utf-8")


def test_a_drill_and_a_confidential_case_say_so():
    parts = _parts(hand_dossier(drill=True, drill_scale=0.1, confidential=True))
    basics = dict(tables(parts["基本信息"])[0][1:])
    assert basics["演练"] == "是（时钟倍率 0.1）" and basics["涉密"] == "是"
    assert "【演练】本案件为演练，不是真实舆情。" in texts(word_blocks(render(hand_dossier(drill=True), "docx").content))


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="pdf"):
        render(hand_dossier(), "pdf")
