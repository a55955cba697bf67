"""The report's scale-out rows: each figure at two process counts, and the arithmetic between."""

import pytest

from bench.report import Row, figure, scale_out_rows, table, tag_rows


def _feed(max_rps: float, hello_rps: float) -> Row:
    return Row(
        scenario="home feed API `GET /api/v1/feed` (20 items)",
        target="p99 ≤ 10 ms",
        figures={"max req/s": max_rps, "p99 ms": 9.0},
        baseline={"hello-world max req/s": hello_rps},
    )


def _posting(posts: int) -> Row:
    return Row(
        scenario="sustained posting (POST /api/v1/posts, wrk)",
        target="",
        figures={"posts/s": posts},
    )


def _delivery(p99: float, base_p99: float) -> Row:
    return Row(
        scenario="live delivery (a post to 200 connected followers)",
        target="",
        figures={"received": "200/200", "p99 ms": p99},
        baseline={"p99 ms": base_p99},
    )


def _by_name(rows: list[Row]) -> dict[str, Row]:
    return {row.scenario.split(":")[1].split(",")[0].strip(): row for row in rows}


def test_throughput_ratio_two_over_one_and_extra_p99() -> None:
    rows = scale_out_rows(
        {
            1: [_feed(100.0, 8000.0), _posting(40), _delivery(45.5, 13.0)],
            2: [_feed(150.0, 12000.0), _posting(50), _delivery(60.75, 14.0)],
        }
    )
    got = _by_name(rows)
    assert set(got) == {"home feed API max req/s", "sustained posting posts/s", "live delivery p99"}
    feed = got["home feed API max req/s"]
    assert feed.ratio == 1.5
    assert feed.figures == {"1 app process": 100.0, "2 app processes": 150.0}
    assert feed.baseline == {
        "hello-world max req/s, 1 app process": 8000.0,
        "2 app processes": 12000.0,
    }
    assert feed.verdict == "reported: 1.50x (baseline 1.50x)"
    assert got["sustained posting posts/s"].ratio == 1.25
    assert got["sustained posting posts/s"].baseline == {}
    delivery = got["live delivery p99"]
    assert delivery.ratio == "+15.2 ms"  # 60.75 - 45.5 = 15.25, to 0.1 ms
    assert delivery.verdict == "reported: +15.2 ms (baseline +1.0 ms)"
    assert "scale-out" in table(rows)


def test_a_faster_second_count_of_delivery_is_a_negative_extra() -> None:
    (row,) = scale_out_rows({1: [_delivery(50.0, 10.0)], 2: [_delivery(40.0, 10.0)]})
    assert row.ratio == "-10.0 ms"


def test_missing_figures_give_no_row() -> None:
    failed = Row(scenario="home feed API x", target="", figures={"max req/s": None})
    assert scale_out_rows({1: [_feed(100.0, 1.0)], 2: []}) == []
    assert scale_out_rows({1: [_feed(100.0, 1.0)], 2: [failed]}) == []
    assert scale_out_rows({1: [_feed(0.0, 1.0)], 2: [_feed(5.0, 1.0)]}) == []  # no ratio of 0
    assert scale_out_rows({1: [_feed(100.0, 1.0)]}) == []  # one count: nothing to compare


def test_every_higher_count_is_compared_with_the_lowest() -> None:
    rows = scale_out_rows({4: [_posting(80)], 1: [_posting(20)], 2: [_posting(30)]})
    assert [(r.scenario, r.ratio) for r in rows] == [
        ("scale-out: sustained posting posts/s, 2 vs 1 app process", 1.5),
        ("scale-out: sustained posting posts/s, 4 vs 1 app process", 4.0),
    ]


def test_figure_reads_numbers_only() -> None:
    rows = [_delivery(45.0, 12.0)]
    assert figure(rows, "live delivery", "p99 ms") == 45.0
    assert figure(rows, "live delivery", "p99 ms", baseline=True) == 12.0
    assert figure(rows, "live delivery", "received") is None  # text, not a number
    assert figure(rows, "capacity", "people held") is None


@pytest.mark.parametrize(("count", "suffix"), [(1, "[1 app process]"), (2, "[2 app processes]")])
def test_tagged_rows_say_their_count(count: int, suffix: str) -> None:
    rows = [_posting(10)]
    tag_rows(rows, count)
    assert rows[0].scenario.endswith(suffix)
    assert figure(rows, "sustained posting", "posts/s") == 10.0  # still found once tagged
