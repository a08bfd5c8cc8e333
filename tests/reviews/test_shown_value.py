from decimal import Decimal

from csperf.reviews.presenters import shown_value


def test_values_are_shown_to_at_most_4_decimals():
    assert shown_value(0.9797979797979798) == "0.9798"
    assert shown_value(Decimal("0.70")) == "0.70"
    assert shown_value(30) == "30"
    assert shown_value(None) == "—"
    assert shown_value({"letter": 2, "media": Decimal("1")}) == "letter 2, media 1"
