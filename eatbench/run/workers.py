"""``eatbench run --workers N``: N local processes share one series, the numbers of one process.

The split is the shard mechanism (:mod:`eatbench.run.shard`): worker ``i`` of ``N`` takes every
N-th clip starting at ``i`` and writes its videos and per-clip values into the same store, as a
process of ``accelerate launch`` does. The parent starts the workers (processes, not threads:
generation and metrics hold the GIL and their own thread pools), relays their progress, and pools
the whole series once they are done, in clip order, so the stored values and the summary are those
a single process gives.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import time
import traceback
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from eatbench.errors import EatbenchError
from eatbench.run.summary import RunSummary, active_metrics, pool

if TYPE_CHECKING:
    from eatbench.run.loop import Runner


def _worker(parts: dict[str, Any], index: int, count: int, messages: Any) -> None:
    """One worker: run shard ``index`` of ``count`` without pooling; report each clip and the end."""
    from eatbench.run.loop import Runner

    runner = Runner(
        parts["config"],
        method=parts["method"],
        clips=parts["clips"],
        metrics=parts["metrics"],
        prepare=parts["prepare"],
        shard=(index, count),
        check_face=parts["check_face"],
        progress=lambda done, total, outcome: messages.put(("clip", index, outcome)),
    )
    runner.identity = parts["identity"]
    try:
        messages.put(("done", index, runner.run(pool_series=False)))
    except EatbenchError as err:
        messages.put(("error", index, (str(err), err.exit_code)))
    except KeyboardInterrupt:
        messages.put(("error", index, ("interrupted", 130)))
    except BaseException:
        messages.put(("error", index, (f"worker {index} crashed: {traceback.format_exc(limit=-3)}", 1)))


def run_with_workers(runner: Runner) -> RunSummary:
    """Run ``runner``'s series with ``config.workers`` processes; return the pooled summary.

    Raises:
        EatbenchError: a worker stopped with a user error (the first one is raised, with its exit code).
    """
    t0 = time.perf_counter()
    cfg = runner.config
    count = cfg.workers
    parts = {
        "config": replace(cfg, workers=1),
        "method": runner.method,
        "clips": runner.clips,
        "metrics": runner.metrics,
        "prepare": runner.prepare,
        "identity": runner.identity,
        "check_face": runner.check_face,
    }
    ctx = mp.get_context("spawn")  # a fresh interpreter each: no forked torch or MediaPipe threads
    messages = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(parts, i, count, messages), daemon=True) for i in range(count)]
    for p in procs:
        p.start()
    summaries: dict[int, RunSummary] = {}
    errors: list[tuple[str, int]] = []
    done, total = 0, len(runner.clips or [])
    try:
        while len(summaries) + len(errors) < count:
            try:
                kind, index, payload = messages.get(timeout=1.0)
            except queue.Empty:
                dead = [i for i, p in enumerate(procs) if not p.is_alive() and i not in summaries]
                if dead and messages.empty() and all(p.exitcode not in (0, None) for p in (procs[i] for i in dead)):
                    errors += [(f"worker {i} died (exit code {procs[i].exitcode})", 1) for i in dead]
                    break
                continue
            if kind == "clip":
                done += 1
                if runner.progress is not None:
                    runner.progress(done, total, payload)
            elif kind == "done":
                summaries[index] = payload
            else:
                errors.append(payload)
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
    if errors:
        message, code = errors[0]
        if code == 130:
            raise KeyboardInterrupt
        err = EatbenchError(message)
        err.exit_code = code
        raise err
    # Pool the whole series once every shard is stored: the numbers of one process.
    from eatbench.store import ResultsStore

    first = summaries[0]
    store = ResultsStore(cfg.store)
    active = active_metrics(store, first.series, runner.metrics or [])
    metrics = pool(store, first.series, runner.metrics or [], active, first.run_id)
    store.close()
    parts_ = list(summaries.values())
    return replace(
        first,
        n_shard=sum(s.n_shard for s in parts_),
        generated=sum(s.generated for s in parts_),
        reused=sum(s.reused for s in parts_),
        failed={k: v for s in parts_ for k, v in s.failed.items()},
        computed=sum(s.computed for s in parts_),
        reused_failures=[c for s in parts_ for c in s.reused_failures],
        seconds=time.perf_counter() - t0,
        metrics=metrics,
    )
