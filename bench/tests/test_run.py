"""The bench runner's options, result file names, and how the process counts reach ``serve()``."""

import datetime as dt

import pytest

from bench import server
from bench.run import _environment, _redact, parse_args, result_name

PG = "postgres://postgres@127.0.0.1:5432/watercooler_bench"
REDIS = "redis://127.0.0.1:6379/5"
DAY = dt.date(2026, 11, 24)


def test_defaults_are_one_process_without_redis_or_task_workers() -> None:
    args = parse_args([])
    assert (args.workers, args.redis_url, args.task_workers) == ([1], None, 0)
    assert args.scenarios == [
        "feed",
        "posting",
        "ws",
        "capacity",
        "frontline",
        "search",
        "insights",
        "messaging",
        "digests",
        "push",
    ]
    assert result_name(args, DAY) == "2026-11-24"


def test_workers_list_with_redis_gets_one_task_worker_and_its_own_file_name() -> None:
    args = parse_args(
        [
            "--size=smoke",
            f"--database-url={PG}",
            f"--redis-url={REDIS}",
            "--workers",
            " 1, 2,2 ",
            "--only",
            "feed",
        ]
    )
    assert args.workers == [1, 2]  # blanks and repeats dropped, order kept
    assert args.task_workers == 1
    assert args.scenarios == ["feed"]
    assert result_name(args, DAY) == "2026-11-24-smoke-pg-redis-workers1-2"


def test_postgres_alone_does_not_overwrite_the_sqlite_table() -> None:
    assert result_name(parse_args([f"--database-url={PG}"]), DAY) == "2026-11-24-pg"


def test_task_workers_can_be_chosen() -> None:
    assert parse_args([f"--redis-url={REDIS}", "--task-workers=0"]).task_workers == 0
    assert parse_args(["--task-workers=2"]).task_workers == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["--workers=2"],  # several processes need Redis
        ["--workers=1,2"],
        [f"--redis-url={REDIS}", "--workers=0"],
        [f"--redis-url={REDIS}", "--workers=one"],
        [f"--redis-url={REDIS}", "--workers=,"],
        ["--redis-url=http://127.0.0.1:6379/5"],
        ["--task-workers=-1"],
        ["--only=feed,nope"],
    ],
)
def test_bad_options_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        parse_args(argv)
    assert exc.value.code == 2


def test_redis_password_is_not_written_to_the_report() -> None:
    assert _redact("redis://:s3cret@cache.internal:6380/5") == "redis://:***@cache.internal:6380/5"
    assert _redact(REDIS) == REDIS


def test_the_count_reaches_serve_through_the_environment_and_is_restored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(server.WORKERS_ENV, raising=False)
    monkeypatch.setenv(server.TASK_WORKERS_ENV, "3")
    assert (server.default_workers(), server.default_task_workers()) == (1, 3)
    with _environment({server.WORKERS_ENV: "2", server.TASK_WORKERS_ENV: "1"}):
        assert (server.default_workers(), server.default_task_workers()) == (2, 1)
    assert (server.default_workers(), server.default_task_workers()) == (1, 3)


def test_task_workers_go_beside_the_app_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(server.TASK_WORKERS_ENV, "2")
    app_env = {"DATABASE_URL": PG}
    assert server._task_workers(None, app_env) == 2
    assert server._task_workers(None, {}) == 0  # a baseline: no database, no worker
    assert server._task_workers(True, app_env) == 2
    assert server._task_workers(False, app_env) == 0
    assert server._task_workers(3, {}) == 3
    monkeypatch.setenv(server.TASK_WORKERS_ENV, "0")
    assert server._task_workers(True, app_env) == 1  # asked for: at least one


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_a_bad_worker_count_in_the_environment_is_an_error(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(server.WORKERS_ENV, value)
    with pytest.raises(ValueError, match=server.WORKERS_ENV):
        server.default_workers()
