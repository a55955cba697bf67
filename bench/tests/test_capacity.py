"""The capacity scenario's pure parts: the ramp, the stop rule, the controller and the row."""

import pytest

from bench.scenario_capacity import TARGET, Controller, Ramp, StopRule, capacity_row


def ramp(**kw: float) -> Ramp:
    values = {
        "step": 50,
        "step_seconds": 10.0,
        "cap": 200,
        "max_seconds": 1000.0,
        "spawn_rate": 50.0,
    }
    return Ramp(**{**values, **kw})  # type: ignore[arg-type]


def test_ramp_steps_up_to_the_cap_holds_it_one_step_then_ends() -> None:
    r = ramp(step=50, cap=120)
    levels = [r.stage_at(t) for t in (0, 9.9, 10, 25, 29.9, 30)]
    assert levels == [0, 0, 1, 2, 2, None]
    assert [r.users(s) for s in (0, 1, 2)] == [50, 100, 120]


def test_ramp_ends_at_its_time_budget() -> None:
    r = ramp(max_seconds=15)
    assert r.stage_at(14.9) == 1
    assert r.stage_at(15) is None


def test_p99_is_not_judged_on_a_handful_of_requests() -> None:
    rule = StopRule(window_seconds=10, min_samples=100)
    for i in range(99):
        rule.add(i * 0.01, 900.0, error=False)
    assert rule.breach(1.0) is None
    rule.add(1.0, 900.0, error=False)
    assert rule.breach(1.0) == "p99 900 ms"


def test_p99_over_the_limit_breaks_and_under_it_holds() -> None:
    rule = StopRule(window_seconds=10, min_samples=100)
    for i in range(1000):  # 1 % slow: the p99 is the last fast one
        rule.add(i * 0.001, 300.0 if i % 100 == 0 else 20.0, error=False)
    assert rule.breach(1.0) is None
    rule.add(1.0, 300.0, error=False)  # now more than 1 % are slow
    assert rule.breach(1.0) == "p99 300 ms"


def test_errors_over_a_quarter_per_mille_break_the_rule() -> None:
    rule = StopRule(window_seconds=100, min_samples=10)
    for i in range(3999):
        rule.add(i * 0.01, 10.0, error=False)
    rule.add(40.0, None, error=True)  # a socket failed: 1 in 4,000 = 0.025 %, at the limit
    assert rule.breach(40.0) is None
    rule.add(40.0, 10.0, error=True)
    assert rule.breach(40.0) == "errors 0.05 % (2 of 4001)"


def test_the_window_slides_but_keeps_enough_requests_for_a_p99() -> None:
    rule = StopRule(window_seconds=5, min_samples=10)
    rule.add(0.0, 10.0, error=True)
    for i in range(20):
        rule.add(1.0 + i * 0.1, 10.0, error=False)
    assert rule.breach(4.0) is not None  # the error is still in the last 5 s
    assert rule.breach(5.5) is None  # it slid out
    # Long after, the newest ``min_samples`` requests are still judged.
    rule.add(100.0, 900.0, error=False)
    assert rule.breach(1000.0) == "p99 900 ms"
    assert rule.timed == 10


def drive(controller: Controller, until: float, slow_after: float | None = None) -> None:
    """One tick a second with ten requests between ticks (slow ones from ``slow_after``)."""
    t = 0.0
    while t <= until:
        if (
            controller.tick(t, sockets_open=controller.stages[-1].users if controller.stages else 0)
            is None
        ):
            return
        for i in range(10):
            slow = slow_after is not None and t >= slow_after
            controller.record(t + i * 0.05, 400.0 if slow else 15.0, error=False)
        t += 1.0


def test_controller_holds_each_level_until_the_cap() -> None:
    c = Controller(
        ramp(step=50, cap=200, step_seconds=10), StopRule(window_seconds=5, min_samples=20)
    )
    drive(c, until=100)
    assert c.stopped == "cap of 200 people"
    assert c.held == 200
    assert [s.users for s in c.stages] == [50, 100, 150, 200]
    assert all(s.completed for s in c.stages)
    assert c.stages[0].summary()["p99_ms"] == 15.0
    assert c.stages[-1].summary()["sockets_open"] == 200


def test_controller_stops_at_the_breach_and_keeps_the_last_level_held() -> None:
    c = Controller(
        ramp(step=50, cap=4000, step_seconds=10), StopRule(window_seconds=5, min_samples=20)
    )
    drive(c, until=1000, slow_after=25)  # slow from the middle of the third level (150 people)
    assert c.held == 100
    assert c.stopped is not None
    assert c.stopped.startswith("p99 400 ms at 150 people")
    assert not c.stages[-1].completed
    assert c.tick(2000) is None  # stays stopped


def test_controller_time_budget_does_not_count_an_unfinished_level() -> None:
    c = Controller(
        ramp(step=50, cap=4000, step_seconds=10, max_seconds=25), StopRule(window_seconds=5)
    )
    drive(c, until=100)
    assert c.stopped == "time budget"
    assert c.held == 100
    assert [s.completed for s in c.stages] == [True, True, False]


def test_controller_errors_stop_the_ramp() -> None:
    c = Controller(
        ramp(step=50, cap=4000, step_seconds=10), StopRule(window_seconds=5, min_samples=20)
    )
    for t in range(15):
        assert c.tick(float(t)) is not None
        c.record(t + 0.5, 10.0, error=False)
    c.record(15.2, None, error=True)  # a socket closed by the server
    assert c.tick(16.0) is None
    assert c.held == 50
    assert c.stopped is not None
    assert c.stopped.startswith("errors")


def result(held: int, stopped: str) -> dict[str, object]:
    c = Controller(ramp(step=1000, cap=4000, step_seconds=10), StopRule(window_seconds=5))
    drive(c, until=10 * held / 1000 + 1, slow_after=None)
    return {
        **c.summary(),
        "held": held,
        "stopped": stopped,
        "requests": 1234,
        "errors": 0,
        "live": {"received": 10, "delivery_ms": {"p50": 5.0, "p99": 9.0}, "pong_ms": {}},
    }


@pytest.mark.parametrize(("held", "met"), [(2000, True), (1000, False)])
def test_the_row_says_met_only_at_two_thousand_people(held: int, met: bool) -> None:
    row = capacity_row(result(held, "p99 300 ms at 3,000 people"), 200 * 2**20, ramp(step=1000))
    assert row.target == TARGET
    assert row.figures["people held"] == held
    assert row.figures["peak RSS MiB"] == 200
    assert row.figures["delivery p99 ms"] == 9.0
    assert row.verdict.startswith("met" if met else "missed")
    assert row.ratio == held / 2000
