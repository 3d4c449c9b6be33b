"""CSIM-portable and Emo-Acc-portable on real faces: a talking copy of the source scores high identity,
another person's source low; the smiling astronaut is happy, contempt is excluded, not scored."""

from __future__ import annotations

import numpy as np
import pytest
import real_talking as rt

from eatbench.errors import EatbenchError
from eatbench.metrics.base import Sample
from eatbench.metrics.csim_portable import CSIMPortable
from eatbench.metrics.emo_acc_portable import EXCLUDED, MEAD_TO_FER, EmoAccPortable
from eatbench.metrics.registry import compute_metrics


@pytest.fixture(scope="module")
def talking() -> np.ndarray:
    """2 s of Grace Hopper talking (her mouth opening with real speech), 50 frames."""
    return rt.talking_frames("grace-hopper", rt.speech((6.5, 8.5)))


@pytest.mark.slow
def test_identity_is_high_for_the_same_person_and_lower_for_others(talking):
    faces = rt.faces()
    same = compute_metrics(Sample(gen=talking, source=faces["grace-hopper"]), "csim-portable", "portable")
    other = compute_metrics(Sample(gen=talking, source=faces["tom-hanks"]), "csim-portable", "portable")
    s, o = same["csim-portable"], other["csim-portable"]
    assert s.ok and o.ok
    assert s.state["frames"] == 10 and s.state["frames_skipped"] == 0  # frames 0, 5, ..., 45
    # results/portable/identity_auc.json: same-person pairs above 0.96, different people below 0.93.
    assert s.value > 0.96 and o.value < 0.93


def test_a_source_without_a_face_is_an_input_error_and_the_step_is_checked(talking):
    blank = np.full((128, 128, 3), 127, np.uint8)
    score = compute_metrics(Sample(gen=talking[:5], source=blank), "csim-portable", "portable")["csim-portable"]
    assert not score.ok and "no face found in the source image" in score.error
    with pytest.raises(EatbenchError, match="frame_step"):
        CSIMPortable(frame_step=0)


def test_emotion_accuracy_on_the_smiling_astronaut():
    frames = np.repeat(rt.faces()["eileen-collins"][None], 4, axis=0)
    happy = compute_metrics(Sample(gen=frames, emotion="happy"), "emo-acc-portable", "portable")["emo-acc-portable"]
    sad = compute_metrics(Sample(gen=frames, emotion="sad"), "emo-acc-portable", "portable")["emo-acc-portable"]
    contempt = compute_metrics(Sample(gen=frames, emotion="contempt"), "emo-acc-portable", "portable")
    assert happy.value == 100.0 and sad.value == 0.0
    assert (
        contempt["emo-acc-portable"].state["frames_excluded"] == 4
        and sum(contempt["emo-acc-portable"].state["total"]) == 0
    )
    assert EXCLUDED == ("contempt",) and len(set(MEAD_TO_FER.values())) == 7
    with pytest.raises(EatbenchError, match="not provided by judge profile"):
        EmoAccPortable(profile="official")
