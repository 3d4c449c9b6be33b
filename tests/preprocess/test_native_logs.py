"""MediaPipe's C++ notices stay off the terminal; everything else written to stderr still arrives."""

from __future__ import annotations

import os
import subprocess
import sys

from eatbench.preprocess.native_logs import quiet_native_logs

NOTICES = (
    b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n",
    b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
    b"W0000 00:00:1796093494.965753   31079 inference_feedback_manager.cc:114] Feedback manager requires a model"
    b" with a single signature inference. Disabling support for feedback tensors.\n",
    b"I0000 00:00:1796093494.965753   31079 gl_context.cc:357] GL version: 2.1\n",
)


def test_notices_are_dropped_and_other_lines_kept(capfd):
    with quiet_native_logs():
        for line in NOTICES:
            os.write(2, line)
        os.write(2, b"E0000 00:00:1796093494.965753   31079 calculator.cc:99] a real error\n")
        print("a Python warning", file=sys.stderr)
        with quiet_native_logs():  # nested blocks share the outer capture
            os.write(2, NOTICES[0] + b"inner line\n")
    lines = capfd.readouterr().err.splitlines()  # (pytest's sys.stderr bypasses descriptor 2: order aside)
    kept = ["E0000 00:00:1796093494.965753   31079 calculator.cc:99] a real error", "a Python warning", "inner line"]
    assert sorted(lines) == sorted(kept)


def test_face_detection_writes_nothing_to_stderr():
    """In a fresh process (MediaPipe's first graphs print the notices), no environment variable set."""
    code = (
        "import numpy as np; from eatbench.preprocess.mediapipe_face import detect_faces, face_mesh;"
        "f = np.zeros((2, 64, 64, 3), np.uint8); detect_faces(f); face_mesh(f); print('done')"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("GLOG_minloglevel", "TF_CPP_MIN_LOG_LEVEL")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0 and proc.stdout == "done\n"
    assert proc.stderr == ""


def test_a_real_command_prints_no_notice(tmp_path):
    """`eatbench generate` (its output contract runs MediaPipe face detection): stderr stays empty."""
    import methods_kit

    image, audio = methods_kit.write_face_and_speech(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("GLOG_minloglevel", "TF_CPP_MIN_LOG_LEVEL")}
    env["EATBENCH_HOME"] = str(tmp_path / "home")
    cmd = [sys.executable, "-m", "eatbench", "generate", "--method", "static-frame", "--image", str(image)]
    cmd += ["--audio", str(audio), "-o", str(tmp_path / "out.mkv")]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
