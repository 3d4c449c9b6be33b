"""Emo-Acc: the share of generated frames a VGG-16 emotion judge assigns to the target emotion.

EAT-Face Table II (Sec. IV-C): "an emotion classifier based on VGG-16 [...] for emotion classification
of generated images"; the accuracy is frame-level (reference §8). The judge
(:class:`~eatbench.judges.emotion.EmotionVGG16`) is trained by the toolkit on the dataset's training
frames and comes from the weights registry (``emotion-judge``: ``emotion_judge_mead.safetensors`` for
``official``, ``emotion.safetensors`` for ``demo``); its own held-out accuracy on real frames
(:meth:`EmoAcc.judge_facts`) is printed beside every Emo-Acc, so a number is never read without
knowing how good its judge is.

State: per-emotion ``correct`` and ``total`` frame counts in :data:`eatbench.clip.EMOTIONS` order
(mergeable by summing). Values, in percent as Table II prints them:

- :meth:`EmoAcc.value`: the mean of the per-emotion accuracies over the emotions that have frames
  (``average="emotions"``, the default: Table II's "Average" 74.57 is exactly the mean of its eight
  per-emotion values) or over all frames pooled (``average="frames"``);
- :meth:`EmoAcc.per_emotion`: the per-emotion accuracies (Table II's rows).

Example:
    >>> EmoAcc.per_emotion_counts({"correct": [1] + [0] * 7, "total": [2] + [0] * 7})["angry"]
    50.0
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from eatbench.clip import EMOTIONS
from eatbench.errors import EatbenchError, InputError
from eatbench.metrics.base import METRICS, Metric, Profile, Sample
from eatbench.metrics.shared import check_frames

AVERAGES = ("emotions", "frames")


@METRICS.register("emo-acc")
class EmoAcc(Metric):
    """Frame-level emotion accuracy (%) of generated frames under the VGG-16 judge.

    Args:
        profile: ``official`` (judge trained on the real dataset) or ``demo``.
        average: ``"emotions"`` (mean of per-emotion accuracies, Table II) or ``"frames"``.
        judge_path: a judge file to use instead of the weights registry's.
    """

    name = "emo-acc"
    display = "Emo-Acc"
    higher_is_better = True
    needs = ()
    protocol = "eat-face/vgg16-frame-acc/emotions-mean@v1"
    weights = ("emotion-judge",)
    _judges: ClassVar[dict[str, Any]] = {}  # loaded judges by file path, shared by instances

    def __init__(
        self, profile: Profile = "official", average: str = "emotions", judge_path: str | Path | None = None
    ) -> None:
        if average not in AVERAGES:
            raise EatbenchError(f"emo-acc average {average!r} is not one of {', '.join(AVERAGES)}")
        super().__init__(profile, average=average)
        self.average = average
        self.judge_path = Path(judge_path) if judge_path is not None else None
        self.protocol = f"eat-face/vgg16-frame-acc/{average}-mean@v1"

    def judge(self) -> Any:
        """The emotion judge of this profile (loaded once per file).

        Raises:
            MissingWeightsError: the judge file is not in the searched folders.
        """
        from eatbench.judges.emotion import EmotionVGG16

        path = self.judge_path
        if path is None:
            from eatbench.judges.weights import resolve_weights

            path = resolve_weights("emotion-judge", self.profile)
        key = str(Path(path).resolve())
        if key not in self._judges:
            self._judges[key] = EmotionVGG16.from_pretrained(path)
        return self._judges[key]

    def judge_facts(self) -> dict[str, Any]:
        """Where the judge came from and its own held-out accuracy, for printing beside the value."""
        j = self.judge()
        return {"held_out_accuracy": j.info.get("held_out_accuracy"), "init": j.info.get("init")}

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        frames = check_frames(sample.gen, "generated video")
        if sample.emotion is None:
            raise InputError("emo-acc: the clip has no target emotion (pass --emotion or use a labelled dataset)")
        if sample.emotion not in EMOTIONS:
            raise InputError(f"emo-acc: target emotion {sample.emotion!r} is not one of {', '.join(EMOTIONS)}")
        judge = self.judge()
        classes = list(judge.config.classes)
        if sample.emotion not in classes:
            raise InputError(f"emo-acc: target emotion {sample.emotion!r} is not a judge class ({', '.join(classes)})")
        # 1. Classify every generated frame.  (T,)
        pred = judge.predict(frames)
        # 2. Count the frames classified as the target emotion, in that emotion's slot.
        correct, total = [0] * len(EMOTIONS), [0] * len(EMOTIONS)
        e = EMOTIONS.index(sample.emotion)
        correct[e] = int((pred == classes.index(sample.emotion)).sum())
        total[e] = len(pred)
        return {"correct": correct, "total": total}

    @staticmethod
    def per_emotion_counts(state: dict[str, Any]) -> dict[str, float | None]:
        """Accuracy in percent per emotion (``None`` for an emotion with no frames)."""
        correct = np.asarray(state["correct"], np.float64)
        total = np.asarray(state["total"], np.float64)
        return {e: (float(100.0 * c / t) if t > 0 else None) for e, c, t in zip(EMOTIONS, correct, total, strict=True)}

    def per_emotion(self, state: dict[str, Any]) -> dict[str, float | None]:
        """Table II's rows: accuracy in percent per emotion."""
        return self.per_emotion_counts(state)

    def details(self, state: dict[str, Any]) -> dict[str, Any]:
        return {"per_emotion": self.per_emotion(state)}

    def value(self, state: dict[str, Any]) -> float:
        if not state or sum(state["total"]) == 0:
            return float("nan")
        if self.average == "frames":
            return 100.0 * float(sum(state["correct"])) / float(sum(state["total"]))
        accs = [a for a in self.per_emotion_counts(state).values() if a is not None]
        return float(np.mean(accs))
