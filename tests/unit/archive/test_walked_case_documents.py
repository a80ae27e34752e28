"""The archive of a case walked through the real domain commands (issue 24): dossier (part A's ``read_dossier``)
→ .docx and Markdown, read back section by section the way a reader would."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, timezone
from io import BytesIO

import docx
import pytest
from docx.oxml.ns import qn

from bot.archive import render
from tests.unit.archive.reading import by_section, markdown_sections, tables, texts, word_blocks
from tests.unit.archive.walked import EVALUATION, dossier_of, walked_case

EXPORTED = datetime(2026, 12, 8, 1, 2, 3, tzinfo=timezone.utc)
SECTIONS = ["基本信息", "定级记录", "承办单位及签收", "时限", "报告", "口径与方案", "发布", "督办", "评估", "处置时间线",
            "校验"]


@pytest.fixture
def dossier(sqlite_database):
    return dossier_of(sqlite_database, walked_case(sqlite_database), EXPORTED)


def test_the_word_file_holds_every_section_in_order(dossier):
    document = render(dossier, "docx")
    assert document.name == "YQ-2026-0001-舆情处置档案.docx" and document.mime.endswith("wordprocessingml.document")
    blocks = word_blocks(document.content)
    assert blocks[:2] == [("p", "舆情处置档案"), ("p", "某超市销售过期食品")]
    assert [value for kind, value in blocks if kind == "h1"] == SECTIONS
    parts = by_section(blocks)
    basics = dict(tables(parts["基本信息"])[0][1:])
    assert basics["编号"] == "YQ-2026-0001" and basics["现定级"] == "重大舆情" and basics["状态"] == "已评估"
    assert basics["立案时间"] == "2026-11-24 10:00" and basics["立案人"] == "李干事" and basics["来源"] == "微博"
    assert basics["再次发现"] == "2026-11-24 10:07 抖音 https://www.douyin.com/video/9"
    assert tables(parts["定级记录"])[0][1:] == [["2026-11-24 10:00", "—", "一般舆情", "李干事", "立案定级"],
                                             ["2026-11-24 10:14", "一般舆情", "重大舆情", "李干事", "转发量激增"]]
    assignment = tables(parts["承办单位及签收"])[0][1]
    assert assignment[:4] == ["食品生产安全监督管理科", "2026-11-24 10:21", "李干事", "冯干事"]
    duties = tables(parts["时限"])[0][1:]
    assert len(duties) == len(dossier["duties"])
    assert ["签收预警", "食品生产安全监督管理科", "2026-11-24 10:21", "2026-11-24 10:51", "2026-11-24 10:28",
            "按时"] in duties
    assert any(row[0] == "公开回应" and row[-1] == "未办（平息时未办结）" for row in duties)


def test_reports_scripts_plans_and_the_rest_read_back(dossier):
    parts = by_section(word_blocks(render(dossier, "docx").content))
    assert "经核查，涉事超市已下架。" in texts(parts["报告"])
    assert tables(parts["报告"])[0][1] == ["食品生产安全监督管理科", "初报", "2026-11-24 10:35", "冯干事"]
    response = parts["口径与方案"]
    assert texts(response)[:3] == ["食品生产安全监督管理科 口径 v1（已通过）", "提交人：冯干事　提交时间：2026-11-24 10:42",
                                   "已责令下架并立案调查。"]
    approvals = tables(response)[0][1:]
    assert [(r[0], r[1], r[2]) for r in approvals] == [("钱副局长", "分管宣传的局领导", "同意"),
                                                      ("吴副局长", "分管局领导", "同意")]
    assert "食品生产安全监督管理科 回应方案 v1（已退回）" in texts(response)
    assert tables(response)[1][1][2:] == ["退回修改", "2026-11-24 13:10", "请写明发布渠道的负责人"]
    assert tables(parts["发布"])[0][1] == ["门户网站", "2026-11-24 13:30", "李干事", "https://www.example.gov.cn/t/1"]
    supervision = tables(parts["督办"])[0][1]
    assert supervision[3] == "请于今日报告下架进展。" and supervision[6:] == ["已全部下架，涉事批次封存。", "按时"]
    assert dict(tables(parts["评估"])[0][1:])["经验教训"] == EVALUATION["lessons"]


def test_timeline_and_chain(dossier):
    parts = by_section(word_blocks(render(dossier, "docx").content))
    timeline = tables(parts["处置时间线"])[0]
    assert timeline[0] == ["序号", "时间", "人员", "角色", "平台", "事项"]
    assert len(timeline) - 1 == len(dossier["timeline"]) == dossier["chain"]["length"]
    assert timeline[1] == ["1", "2026-11-24 10:00", "李干事 (p-li)", "舆情工作台", "企业微信", "立案（一般舆情）"]
    assert timeline[9][2:] == ["吴副局长 (p-wu)", "分管局领导", "钉钉", "同意食品生产安全监督管理科的口径 v1，口径审定通过"]
    check = parts["校验"]
    rows = dict(tables(check)[0][1:])
    n = dossier["chain"]["length"]
    assert rows == {"条数": str(n), "末条哈希": dossier["timeline"][-1]["hash"], "导出时间": "2026-12-08 09:02"}
    assert f"可用 yuqing case verify YQ-2026-0001 核对：系统中第 {n} 条的哈希应与此一致。" in texts(check)


def test_every_run_names_its_east_asian_font(dossier):
    document = docx.Document(BytesIO(render(dossier, "docx").content))
    runs = document.element.body.iter(qn("w:r"))
    footer = document.sections[0].footer._element.iter(qn("w:r"))
    every = [r for r in [*runs, *footer] if r.find(qn("w:t")) is not None]
    missing = [r.text for r in every
               if r.rPr is None or r.rPr.rFonts is None or r.rPr.rFonts.get(qn("w:eastAsia")) is None]
    assert len(every) > 200 and missing == []  # the footer's page number too
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋"
    title = next(document.element.body.iter(qn("w:r")))
    assert title.text == "舆情处置档案" and title.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    with zipfile.ZipFile(BytesIO(render(dossier, "docx").content)) as package:
        fonts = package.read("word/fontTable.xml").decode("utf-8")
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts  # Word's fallback
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_the_same_dossier_gives_the_same_file(dossier):
    assert render(dossier, "docx").content == render(dossier, "docx").content


def test_markdown_says_the_same(dossier):
    document = render(dossier, "md")
    text = document.content.decode("utf-8")
    assert document.name == "YQ-2026-0001-舆情处置档案.md" and text.startswith("# 舆情处置档案\n")
    assert markdown_sections(text) == SECTIONS
    assert "经核查，涉事超市已下架。" in text and "| 钱副局长 | 分管宣传的局领导 | 同意 | 2026-11-24 10:49 | — |" in text
    assert dossier["chain"]["head"] in text
    timeline = text.split("## 处置时间线")[1].split("## 校验")[0]
    assert timeline.count("\n| ") - 1 == len(dossier["timeline"])  # rows less the header


def test_json_is_the_dossier_itself(dossier):
    document = render(dossier, "json")
    assert document.name == "YQ-2026-0001-舆情处置档案.json" and document.mime == "application/json"
    assert json.loads(document.content.decode("utf-8")) == dossier
    assert "某超市销售过期食品" in document.content.decode("utf-8")  # not \\u-escaped
