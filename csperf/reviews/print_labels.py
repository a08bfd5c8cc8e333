"""The printed card's fixed words in the reader's language.

csperf.exports writes its workbooks in Chinese unless it is given the reader's words by the
Chinese ones (csperf.exports.scorecard_xlsx.PRINTED_WORDS); it has no Django, so they are made
here with gettext, for the web's download (csperf.reviews.printed), the PDF (csperf.reports.pdf)
and ``csperf score --lang en --format xlsx``. Each zh-Hans translation is the Chinese word itself
(the context "printed card" keeps them apart from the pages' words), so a Chinese reader's print
is as it always was.
"""

from __future__ import annotations

from django.utils.translation import pgettext


def card_words() -> dict[str, str]:
    """PRINTED_WORDS in the active language, by their Chinese."""
    return {
        "考核维度": pgettext("printed card", "Section"),
        "考核项目": pgettext("printed card", "Item"),
        "权重/分值": pgettext("printed card", "Weight / points"),
        "目标值": pgettext("printed card", "Target"),
        "评分标准": pgettext("printed card", "Scoring rule"),
        "实际值": pgettext("printed card", "Actual"),
        "得分": pgettext("printed card", "Score"),
        "说明": pgettext("printed card", "Explanation"),
        "工号": pgettext("printed card", "Employee ID"),
        "姓名": pgettext("printed card", "Name"),
        "班组": pgettext("printed card", "Team"),
        "部门": pgettext("printed card", "Department"),
        "总分": pgettext("printed card", "Total"),
        "等级": pgettext("printed card", "Grade"),
        "排名": pgettext("printed card", "Rank"),
        "奖惩": pgettext("printed card", "Reward / penalty"),
        "绩效工资": pgettext("printed card", "Performance pay"),
        "预警 / 备注": pgettext("printed card", "Alerts / notes"),
        "被考核人": pgettext("printed card", "Assessed employee"),
        "考核人": pgettext("printed card", "Assessor"),
        "复核人": pgettext("printed card", "Reviewer"),
        "加分项": pgettext("printed card", "bonus"),
        "扣分项": pgettext("printed card", "deduction"),
        "系数": pgettext("printed card", "multiplier"),
        "汇总": pgettext("printed card", "Summary"),
        "{title} — {period} 考核汇总表": pgettext("printed card", "{title} — {period} summary"),
        "考核期间": pgettext("printed card", "Period"),
        "岗位": pgettext("printed card", "Position"),
        "（{kind}）": pgettext("printed card", " ({kind})"),
        "（权重 {weight}%）": pgettext("printed card", " (weight {weight}%)"),
        "{name} 小计": pgettext("printed card", "{name} subtotal"),
        "{signer}(签字):": pgettext("printed card", "{signer} (signature):"),
        "日期:": pgettext("printed card", "Date:"),
        "无数据": pgettext("printed card", "No data"),
    }
