"""The portable profile's files: shipped by installed packages, equal to their registered checksums, each
with its licence in `eatbench weights list`; dlib's non-commercial 68-point model is never registered."""

from __future__ import annotations

from eatbench.judges import weights as w


def test_every_portable_file_is_installed_verified_and_licensed():
    entries = w.entries("portable")
    assert {e.name for e in entries} == {"dlib-shape-5", "dlib-face-recognition", "fer-emotion", "silero-vad"}
    for e in entries:
        row = w.status(e, verify=True)
        assert row["present"], row
        assert row["verified"].startswith("ok"), row
        assert e.licence and ("MIT" in e.licence or "public domain" in e.licence)
    assert all(e.licence for e in w.entries(None))  # every file of every profile says its licence
    assert not any("68_face_landmarks" in e.filename for e in w.entries(None))
