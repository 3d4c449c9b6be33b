"""The shared training loop of every stage, on HF Accelerate.

One loop serves one CPU, one GPU, or many processes (``accelerate launch``): the stage's objective
is an ``nn.Module`` whose ``forward(batch)`` returns the loss, wrapped by ``accelerator.prepare``
(DDP when several processes run, so gradients are averaged). Batches are drawn from the in-memory
corpus with a generator seeded by (seed, process, step), so a resumed run draws exactly the batches
the interrupted one would have. AdamW with linear warm-up then a constant rate (the paper's
optimiser, Sec. IV-A-3), gradient-norm clipping at 1.0 (our choice), a checkpoint every
``checkpoint_every`` steps under ``<out>/checkpoints/<stage>/checkpoint-<step>`` (the last two
kept), resume from the latest one, and a progress bar showing the loss.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from eatface.configuration import StageConfig

logger = logging.getLogger(__name__)

KEEP_CHECKPOINTS = 2


@dataclass
class StageResult:
    """What a stage run did."""

    stage: str
    steps: int  # the step count reached
    resumed_from: int  # 0 when it started fresh
    losses: list[float] = field(default_factory=list)  # per step of this run (main process)


def make_accelerator(out_dir: str | Path, cpu: bool = False) -> Any:
    from accelerate import Accelerator
    from accelerate.utils import ProjectConfiguration

    return Accelerator(cpu=cpu, project_config=ProjectConfiguration(project_dir=str(out_dir)))


def latest_checkpoint(root: Path) -> tuple[Path | None, int]:
    """The newest ``checkpoint-<step>`` folder under ``root`` and its step (None, 0 when there is none)."""
    best: tuple[Path | None, int] = (None, 0)
    if root.is_dir():
        for p in root.glob("checkpoint-*"):
            try:
                step = int(p.name.split("-", 1)[1])
            except ValueError:
                continue
            if step > best[1] and (p / "done").is_file():
                best = (p, step)
    return best


def run_stage_loop(
    accelerator: Any,
    stage: str,
    objective: nn.Module,
    settings: StageConfig,
    sample_batch: Callable[[torch.Generator], dict[str, torch.Tensor]],
    out_dir: str | Path,
    steps: int | None = None,
    seed: int = 0,
    resume: bool = True,
    progress: bool = True,
) -> tuple[nn.Module, StageResult]:
    """Optimise the trainable parameters of ``objective`` for ``steps`` steps.

    Args:
        accelerator: an ``accelerate.Accelerator``.
        stage: the stage name (checkpoint folder, progress label).
        objective: ``forward(**batch) -> loss``; its parameters with ``requires_grad`` are trained.
        settings: batch size, learning rate, weight decay, warm-up, checkpoint interval.
        sample_batch: draws one batch (dict of tensors on CPU) from a seeded generator.
        out_dir: the run folder.
        steps: total steps (default ``settings.steps``).
        seed: the run seed.
        resume: continue from the newest complete checkpoint of this stage when there is one.
        progress: show a progress bar (main process only).

    Returns:
        The unwrapped objective (trained) and a :class:`StageResult`.
    """
    from tqdm.auto import tqdm

    total = steps or settings.steps
    params = [p for p in objective.parameters() if p.requires_grad]
    if not params:
        raise ValueError(f"stage {stage}: nothing to train (no parameter requires grad)")
    optimizer = torch.optim.AdamW(params, lr=settings.learning_rate, weight_decay=settings.weight_decay)
    warmup = settings.warmup_steps
    # Linear warm-up to the base rate, then constant (the paper gives only "warm steps of 500").
    lr_schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / max(1, warmup)))
    objective, optimizer = accelerator.prepare(objective, optimizer)
    accelerator.register_for_checkpointing(lr_schedule)

    ckpt_root = Path(out_dir) / "checkpoints" / stage
    start = 0
    if resume:
        path, start = latest_checkpoint(ckpt_root)
        if path is not None:
            accelerator.load_state(str(path))
            logger.info("stage %s: resumed from %s", stage, path)
    result = StageResult(stage=stage, steps=max(start, total), resumed_from=start)

    gen = torch.Generator()
    bar = tqdm(
        total=total,
        initial=start,
        desc=stage,
        disable=not (progress and accelerator.is_local_main_process),
        unit="step",
    )
    objective.train()
    for step in range(start, total):
        gen.manual_seed(hash((seed, accelerator.process_index, step)) & 0x7FFF_FFFF_FFFF)
        batch = {k: v.to(accelerator.device) for k, v in sample_batch(gen).items()}
        loss = objective(**batch)
        accelerator.backward(loss)
        if accelerator.sync_gradients:
            accelerator.clip_grad_norm_(params, 1.0)
        optimizer.step()
        lr_schedule.step()
        optimizer.zero_grad(set_to_none=True)
        value = float(loss.detach())
        result.losses.append(value)
        bar.update(1)
        bar.set_postfix(loss=f"{value:.4f}")
        done = step + 1
        if done % settings.checkpoint_every == 0 or done == total:
            save_checkpoint(accelerator, ckpt_root, done)
    bar.close()
    objective.eval()
    return accelerator.unwrap_model(objective), result


def save_checkpoint(accelerator: Any, root: Path, step: int) -> Path:
    """Save the full training state; mark it complete; prune older checkpoints."""
    path = root / f"checkpoint-{step}"
    accelerator.wait_for_everyone()
    accelerator.save_state(str(path))
    if accelerator.is_main_process:
        (path / "done").write_text(str(step))
        old = sorted((p for p in root.glob("checkpoint-*") if p != path), key=lambda p: p.stat().st_mtime)
        for p in old[: max(0, len(old) - (KEEP_CHECKPOINTS - 1))]:
            shutil.rmtree(p, ignore_errors=True)
    accelerator.wait_for_everyone()
    return path
