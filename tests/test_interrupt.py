"""Ctrl-C reaches long nogil loops (csrc/interrupt.c) within a second, and the guard leaves
the process's signal handling exactly as it found it."""
import os
import signal
import threading
import time

import pytest

from cylinalg._core import _kernels


def _send_sigint_after(delay):
    sent = {}

    def fire():
        sent["at"] = time.perf_counter()
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(delay, fire)
    timer.daemon = True
    return timer, sent  # not started: start it where a KeyboardInterrupt is expected


pytestmark = pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                                reason="signals are handled on the main thread")


@pytest.fixture(autouse=True)
def _python_handles_sigint():
    """Processes started in the background (nohup, `&` in scripts) inherit SIGINT ignored, and
    Python then leaves it so; these tests need Python's default Ctrl-C behaviour."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_spin_runs_to_completion_without_signal():
    assert _kernels._spin(0.05) > 0
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.parametrize("delay", [0.01, 0.1, 0.3])
def test_ctrl_c_interrupts_nogil_loop_within_a_second(delay):
    timer, sent = _send_sigint_after(delay)
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        timer.start()
        _kernels._spin(20.0)
    latency = time.perf_counter() - sent["at"]
    timer.join()
    assert latency < 1.0, f"KeyboardInterrupt {latency:.3f} s after SIGINT"
    assert time.perf_counter() - start < 5
    # the previous handler is back: a later SIGINT is Python's as usual
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    timer, _ = _send_sigint_after(0.01)
    with pytest.raises(KeyboardInterrupt):
        timer.start()
        time.sleep(2)
    timer.join()


def test_guard_is_reusable_many_times():
    for _ in range(200):
        _kernels._spin(0.0)
    timer, sent = _send_sigint_after(0.05)
    with pytest.raises(KeyboardInterrupt):
        timer.start()
        _kernels._spin(20.0)
    timer.join()


def test_ignored_sigint_is_left_ignored():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        timer, _ = _send_sigint_after(0.05)
        timer.start()
        assert _kernels._spin(0.3) > 0  # runs to the end; nothing raised
        timer.join()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_user_handler_runs_after_the_kernel():
    """With a user's own handler installed, the guard stays out of the way: the kernel finishes
    and the handler runs afterwards, as for any C call."""
    calls = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: calls.append(signum))
    try:
        timer, _ = _send_sigint_after(0.05)
        timer.start()
        _kernels._spin(0.3)
        timer.join()
        for _ in range(100):  # the handler runs at the next bytecode boundary
            if calls:
                break
            time.sleep(0.01)
        assert calls == [signal.SIGINT]
    finally:
        signal.signal(signal.SIGINT, previous)


def test_guard_off_main_thread_is_a_no_op():
    """A guarded kernel on a worker thread must not take SIGINT away from the main thread."""
    result = {}
    done = threading.Event()  # not Thread.join: an interrupted join forgets the thread (CPython)

    def work():
        result["iterations"] = _kernels._spin(1.0)
        done.set()

    worker = threading.Thread(target=work)
    worker.start()
    time.sleep(0.1)
    timer, sent = _send_sigint_after(0.01)
    with pytest.raises(KeyboardInterrupt):
        timer.start()
        while not done.wait(0.02):
            pass
    latency = time.perf_counter() - sent["at"]
    timer.join()
    assert done.wait(10)
    assert latency < 1.0
    assert result["iterations"] > 0  # the worker's kernel was not interrupted
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_interrupts_a_large_matmul():
    import numpy as np

    import cylinalg as cla

    n = 3000  # about 1 s on one core; the GEMM polls between its cache blocks
    a = np.ones((n, n))
    b = np.ones((n, n))
    timer, sent = _send_sigint_after(0.1)
    with pytest.raises(KeyboardInterrupt):
        timer.start()
        for _ in range(20):  # finishing before the signal would be a miss, not a hang
            cla.matmul(a, b)
    latency = time.perf_counter() - sent["at"]
    timer.join()
    assert latency < 1.0, f"KeyboardInterrupt {latency:.3f} s after SIGINT"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    np.testing.assert_array_equal(cla.matmul(a[:64], b[:, :64]), np.full((64, 64), float(n)))


@pytest.mark.parametrize("fname", ["det", "inv", "solve"])
def test_ctrl_c_interrupts_a_large_factorization(fname):
    import numpy as np

    import cylinalg as cla

    n = 2500  # the recursive LU's GEMM updates poll the flag
    a = np.random.default_rng(0).standard_normal((n, n)) + n * np.eye(n)
    call = {"det": lambda: cla.det(a), "inv": lambda: cla.inv(a),
            "solve": lambda: cla.solve(a, a[:, 0])}[fname]
    start = time.perf_counter()
    call()
    full = time.perf_counter() - start
    # SIGINT a fifth into a call: an unguarded kernel would answer only when it returns,
    # about 0.8 * full later
    timer, sent = _send_sigint_after(0.2 * full)
    with pytest.raises(KeyboardInterrupt):
        timer.start()
        for _ in range(50):  # finishing before the signal would be a miss, not a hang
            call()
    latency = time.perf_counter() - sent["at"]
    timer.join()
    assert latency < min(1.0, 0.5 * full), f"KeyboardInterrupt {latency:.3f} s after SIGINT (call: {full:.3f} s)"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert cla.det(np.eye(3)) == 1.0
