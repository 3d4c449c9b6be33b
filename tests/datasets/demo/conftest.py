"""Shared fixtures for the demo-corpus tests: a tiny corpus and a MediaPipe helper."""

from __future__ import annotations

import numpy as np
import pytest

from eatbench.datasets.demo import generate_corpus

TINY = {"actors": ["M003", "W009"], "emotions": ["happy", "sad"], "sentences": 1}


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory):
    """A 2 actors x 2 emotions x 1 sentence corpus, generated once per session (seed 0)."""
    root = tmp_path_factory.mktemp("demo") / "MEAD"
    generate_corpus(root, seed=0, workers=1, **TINY)
    return root


class Mesh:
    """MediaPipe face detection + Face Mesh (the bundled models), as the preprocessing stage runs them."""

    def __init__(self) -> None:
        import mediapipe as mp

        self.detector = mp.solutions.face_detection.FaceDetection(model_selection=0, min_detection_confidence=0.5)
        self.mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=True, refine_landmarks=True, max_num_faces=1, min_detection_confidence=0.5
        )

    def detect(self, frame: np.ndarray) -> bool:
        return bool(self.detector.process(np.ascontiguousarray(frame)).detections)

    def landmarks(self, frame: np.ndarray) -> np.ndarray | None:
        """(478, 2) pixel landmarks, or None when no face is found."""
        res = self.mesh.process(np.ascontiguousarray(frame))
        if not res.multi_face_landmarks:
            return None
        h, w = frame.shape[:2]
        return np.array([(p.x * w, p.y * h) for p in res.multi_face_landmarks[0].landmark], np.float32)


@pytest.fixture(scope="session")
def mesh():
    m = Mesh()
    yield m
    m.detector.close()
    m.mesh.close()
