"""A small organisation for domain and store tests."""

from __future__ import annotations

from bot.core.org import Organisation, Person, Unit


def make_org() -> Organisation:
    """City desk, two sections, one county bureau; leaders; an admin; an outsider in no unit."""
    people = [
        Person("p-zhao", "赵局长", wecom="zhaojz", roles=("main_leader",)),
        Person("p-qian", "钱副局长", wecom="qianfjz", roles=("publicity_leader",)),
        Person("p-wu", "吴副局长", dingtalk="0412"),
        Person("p-zheng", "郑副局长", dingtalk="0413"),
        Person("p-sun", "孙科长", dingtalk="0523"),
        Person("p-li", "李干事", wecom="ligs"),
        Person("p-zhou", "周科长", wecom="zhouks"),
        Person("p-feng", "冯干事", wecom="fenggs"),
        Person("p-chu", "褚科长", dingtalk="0601"),
        Person("p-wei", "卫干事", dingtalk="0602"),
        Person("p-qi", "戚局长", dingtalk="0801"),
        Person("p-xie", "谢干事", dingtalk="0802"),
        Person("p-ops", "郑工程师", wecom="zhenggcs", roles=("admin",)),
        Person("p-nobody", "路人", wecom="luren"),
    ]
    units = [
        Unit("u-desk", "综合应急和新闻宣传科", "section", "p-sun", ("p-li",), leader_in_charge="p-qian", desk=True),
        Unit("u-food", "食品生产安全监督管理科", "section", "p-zhou", ("p-feng",), leader_in_charge="p-wu"),
        Unit("u-drug", "药品监督管理科", "section", "p-chu", ("p-wei",), leader_in_charge="p-zheng"),
        Unit("u-county-a", "甲县市场监督管理局", "county", "p-qi", ("p-xie",), leader_in_charge="p-wu"),
    ]
    return Organisation("示例市市场监督管理局", "示例市局", {p.id: p for p in people}, {u.id: u for u in units})
