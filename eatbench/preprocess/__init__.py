"""Preprocessing: MediaPipe face detection and Face Mesh, the benchmark crop, and cached prepared clips.

- :mod:`eatbench.preprocess.mediapipe_face`: ``detect_faces``, ``face_mesh``, ``arcface_five``, ``mask_box``.
- :mod:`eatbench.preprocess.crop`: the square, face-centred, 25 fps, 256×256 crop.
- :mod:`eatbench.preprocess.prepare`: ``PreparedClip``, ``prepare_clip``, ``prepare_clips``, ``load_prepared``.

Import from the submodules; this package imports nothing heavy so ``eatbench --help`` stays fast.
"""
