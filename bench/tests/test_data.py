"""The bench's organisation builder: the smoke size is built and its counters agree with its rows."""

import pytest

from bench.data import check_org, populate


@pytest.mark.django_db(transaction=True)
def test_smoke_org_is_consistent() -> None:
    meta = populate("smoke")
    counts = meta["counts"]
    assert (counts["people"], counts["posts"], counts["replies"]) == (200, 3000, 2000)
    assert counts["follows_of_heavy"] >= 100
    assert set(meta["tokens"]) == {*meta["readers"], meta["heavy_author"], meta["comms"]}
    assert counts["person_days"] > 0
    assert counts["adoption_rows"] > 0
    assert check_org() == []
