"""Why an interaction was sampled reads in the reader's language, never as the sampler's code."""

from __future__ import annotations

import pytest
from django.utils import translation

from csperf.qc.reasons import pick_reason_words


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("random", "随机抽取", "random draw"),
        ("recheck", "复检", "recheck"),
        ("calibration", "校准", "calibration"),
        ("rule:未评价", "规则“未评价”", "rule “未评价”"),
        ("rule:未评价:queue=vip", "规则“未评价”，技能组 vip", "rule “未评价”, queue vip"),
        ("stratum:channel=chat", "随机抽取，渠道 chat", "random draw, channel chat"),
        ("stratum:region=华东", "随机抽取，region 华东", "random draw, region 华东"),
    ],
)
def test_pick_reasons_in_both_languages(code, zh, en):
    with translation.override("zh-hans"):
        assert pick_reason_words(code) == zh
    with translation.override("en"):
        assert pick_reason_words(code) == en


def test_a_reason_the_sampler_does_not_write_is_shown_as_written():
    assert pick_reason_words("picked by hand") == "picked by hand"
