"""The SQLite writer queue: one writer at a time across threads and processes, woken at once,
and never a wait longer than the busy timeout."""
from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time

from maturity.database import WriterQueue


def _hold_turn(path: str, seconds: float, ready, done) -> None:
    queue = WriterQueue(path)
    assert queue.acquire()
    ready.set()
    time.sleep(seconds)
    done.value = time.monotonic()
    queue.release()


@contextlib.contextmanager
def _other_process_holding_turn(path: str, seconds: float):
    """Another process takes the turn and keeps it `seconds`; yields the time it will have let go."""
    ctx = multiprocessing.get_context("fork")
    ready, done = ctx.Event(), ctx.Value("d", 0.0)
    other = ctx.Process(target=_hold_turn, args=(path, seconds, ready, done))
    other.start()
    try:
        assert ready.wait(10)
        yield done
    finally:
        other.join(10)


def test_a_process_waits_for_another_processes_turn_and_gets_it_as_soon_as_it_ends(tmp_path):
    with _other_process_holding_turn(str(tmp_path / "app.db"), 0.3) as done:
        queue = WriterQueue(str(tmp_path / "app.db"))
        started = time.monotonic()
        assert queue.acquire()
        got = time.monotonic()
        queue.release()
    assert got - started >= 0.2                     # it did wait for the other process
    assert got - done.value < 0.05                  # and went on at once (SQLite's handler sleeps up to 100 ms)


def test_threads_take_turns_one_at_a_time(tmp_path):
    queue = WriterQueue(str(tmp_path / "app.db"))
    inside, most = 0, 0
    lock = threading.Lock()

    def writer() -> None:
        nonlocal inside, most
        for _ in range(50):
            assert queue.acquire()
            with lock:
                inside += 1
                most = max(most, inside)
            time.sleep(0.0005)
            with lock:
                inside -= 1
            queue.release()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1


def test_a_turn_kept_too_long_by_another_process_times_out_and_leaves_nothing_held(tmp_path):
    with _other_process_holding_turn(str(tmp_path / "app.db"), 1.0):
        queue = WriterQueue(str(tmp_path / "app.db"), timeout_s=0.2)
        started = time.monotonic()
        assert queue.acquire() is False                      # SQLite's own busy handler takes over
        assert 0.15 <= time.monotonic() - started < 0.8
        assert queue._thread_lock.acquire(blocking=False)    # the thread lock was given back
        queue._thread_lock.release()


def test_a_forked_process_opens_its_own_lock_file(tmp_path):
    """A descriptor inherited across fork shares its lock with the parent: it must not be reused."""
    queue = WriterQueue(str(tmp_path / "app.db"))
    assert queue.acquire()          # the parent holds the turn through its descriptor
    ctx = multiprocessing.get_context("fork")
    got = ctx.Value("i", -1)

    def child() -> None:
        got.value = int(queue._flock(queue._file(), time.monotonic() + 0.2))

    proc = ctx.Process(target=child)
    proc.start()
    proc.join(10)
    queue.release()
    assert got.value == 0           # the child could not take the parent's turn


def test_a_lock_file_that_cannot_be_opened_still_queues_the_threads(tmp_path):
    """As in a read-only directory (a directory in its place fails for root too)."""
    (tmp_path / "app.db-writer.lock").mkdir()
    queue = WriterQueue(str(tmp_path / "app.db"))
    assert queue.acquire()
    assert not queue._thread_lock.acquire(blocking=False)
    queue.release()
    assert queue._thread_lock.acquire(blocking=False)
    queue._thread_lock.release()


def test_a_write_transaction_holds_the_turn_until_its_connection_is_back_in_the_pool(tmp_path):
    """The engine's wiring: BEGIN IMMEDIATE waits for the turn, and a read transaction takes none."""
    from sqlalchemy import create_engine

    from maturity.database import configure_engine, reset_write_intent, set_write_intent

    path = str(tmp_path / "app.db")
    engine = create_engine(f"sqlite:///{path}")
    configure_engine(engine)
    ctx = multiprocessing.get_context("fork")

    def other_gets_turn() -> bool:
        got = ctx.Value("i", -1)

        def child() -> None:
            other = WriterQueue(path)
            got.value = int(other._flock(other._file(), time.monotonic() + 0.2))

        proc = ctx.Process(target=child)
        proc.start()
        proc.join(10)
        return got.value == 1

    with engine.begin() as conn:            # write intent is on by default (requests that POST, commands)
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        assert not other_gets_turn()
    assert other_gets_turn()                # handed on once the connection was checked in
    token = set_write_intent(False)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM t")
            assert other_gets_turn()        # readers never queue
    finally:
        reset_write_intent(token)
    engine.dispose()


def test_a_process_forked_while_a_thread_holds_the_turn_can_take_its_own(tmp_path):
    queue = WriterQueue(str(tmp_path / "app.db"), timeout_s=0.5)
    assert queue.acquire()
    ctx = multiprocessing.get_context("fork")
    got = ctx.Value("i", -1)

    def child() -> None:
        got.value = int(queue._thread_lock.acquire(timeout=0.2))

    proc = ctx.Process(target=child)
    proc.start()
    proc.join(10)
    queue.release()
    assert got.value == 1
