"""Whole-process measurements shared by the import benchmarks.

* :func:`run_measured` runs a command and samples the resident memory of its whole process
  tree (the process and every child: process pools included), as the sum of RSS and, when
  the kernel gives it, of PSS (shared pages split between the processes that map them: RSS
  counts a page shared by a pool's workers once per worker).
* :func:`baseline_checkout` checks a revision out in a temporary git worktree, so that a
  benchmark measures the code « before » in the same run as the code « after »: the figures
  share the load of the machine and their ratio means something.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Measure:
    seconds: float
    peak_rss_mb: float  # sum over the process tree, at the worst sample
    peak_pss_mb: float  # same with PSS (0 when unavailable)
    cpu_seconds: float  # user + system of the process and of the children it waited for
    returncode: int
    stdout: str
    stderr: str


def _tree(process: psutil.Process) -> list[psutil.Process]:
    try:
        return [process, *process.children(recursive=True)]
    except psutil.Error:
        return []


def _sample(processes: list[psutil.Process], with_pss: bool) -> tuple[float, float]:
    rss = pss = 0
    for process in processes:
        try:
            if with_pss:
                info = process.memory_full_info()
                rss += info.rss
                pss += info.pss
            else:
                rss += process.memory_info().rss
        except psutil.Error:
            continue
    return rss / 2**20, pss / 2**20


def run_measured(
    command: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    interval: float = 0.02,
) -> Measure:
    """Run ``command``; return its wall time and the peak memory of its process tree."""
    peak = [0.0, 0.0]
    # CPU time survives a loaded machine, which stretches wall time: on a shared 2-core
    # machine it says what the command costs (pool workers are waited for by the command,
    # so their time is in its children's usage).
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watched = psutil.Process(process.pid)
    with_pss = True
    try:
        watched.memory_full_info()
    except (psutil.AccessDenied, AttributeError):
        with_pss = False
    except psutil.Error:
        pass
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            rss, pss = _sample(_tree(watched), with_pss)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            done.wait(interval)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    done.set()
    watcher.join()
    return Measure(seconds, peak[0], peak[1], cpu, process.returncode, stdout, stderr)


@contextlib.contextmanager
def baseline_checkout(revision: str) -> Iterator[Path]:
    """``src`` directory of ``revision`` checked out in a temporary worktree (removed after).

    Run the « before » code with ``PYTHONPATH=<that src>`` and the same virtual environment:
    it takes precedence over the editable install of the current checkout.
    """
    directory = Path(tempfile.mkdtemp(prefix="maillage-avant-"))
    target = directory / "checkout"
    subprocess.run(
        ["git", "worktree", "add", "--detach", "--quiet", str(target), revision],
        cwd=ROOT,
        check=True,
    )
    try:
        yield target / "src"
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(target)],
            cwd=ROOT,
            check=False,
        )
        with contextlib.suppress(OSError):
            directory.rmdir()


def environment(data_dir: Path, source: Path | None = None) -> dict[str, str]:
    """Environment of a measured command: its own data directory, optionally older code."""
    env = {**os.environ, "MAILLAGE_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)  # the benchmarks measure the embedded SQLite database
    if source is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")]))
    return env


def spread(values: Sequence[float]) -> str:
    """« 12.3 s » for one run, « 12.3 s (11.8–13.0) » as median and range for several."""
    ordered = sorted(values)
    median = ordered[len(ordered) // 2]
    if len(ordered) == 1:
        return f"{median:.1f}"
    return f"{median:.1f} ({ordered[0]:.1f}–{ordered[-1]:.1f})"
