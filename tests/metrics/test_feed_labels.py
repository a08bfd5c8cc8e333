"""Feed labels in both languages (issue 16, item 2): stored in Chinese with the card, shown in
the reader's language."""

from __future__ import annotations

from csperf.metrics.feeds import feed_for, label_in, registry, shown_label


def test_every_registered_feed_has_an_english_label_without_chinese():
    for key, feed in registry().items():
        en = feed.label("en")
        assert en, key
        # indicator names (English, at times quoting a Chinese term) come from the library
        if feed.kind not in ("events", "indicator", "map"):
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in en), (key, en)


def test_the_chinese_label_is_the_default_and_the_stored_form():
    feed = next(f for f in registry().values() if f.kind == "indicator")
    assert feed.label() == feed.label("zh-hans")
    assert feed.label() != feed.label("en")
    assert feed.label("en").split(": ")[0].endswith(" records")


def test_shown_label_translates_a_stored_label_only_when_the_registry_agrees():
    name = next(k for k, f in registry().items() if f.kind == "indicator" and "@" not in k)
    feed = feed_for(name)
    stored = feed.label()
    assert shown_label(name, template="t", stored=stored, lang="en") == feed.label("en")
    assert shown_label(name, template="t", stored=stored, lang="zh-hans") == stored
    assert shown_label(name, template="t", stored="旧的说法", lang="en") == "旧的说法"
    assert shown_label(name, template="t", stored="", lang="en") == ""


def test_label_in_says_any_registered_feeds_stored_words_in_english():
    feed = next(f for f in registry().values() if f.kind == "values")
    assert label_in(feed.label(), "en") == feed.label("en")
    assert label_in(feed.label(), "zh-hans") == feed.label()
    assert label_in("其他考核表(考核周期计算时从已发布的考核表填入)", "en").startswith(
        "other scorecards"
    )
    assert label_in("不认识的来源", "en") == "不认识的来源"
