"""Small fake upstream repositories: scripts with the real names and flags that write outputs in
the upstream formats and quirks (shared/reference/baselines-and-datasets.md §3, checked against
the repositories' code). They run under ``sys.executable`` as the "upstream python".

``FAKE_MODE`` (environment) picks a fault: ``crash`` (exit like MakeItTalk's "no face": -1),
``sleep`` (hang), ``short`` (half the frames), ``blank`` (grey frames, no face).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

FAKEIO = """
import os, time, fractions
import av, numpy as np, soundfile as sf

MODE = os.environ.get("FAKE_MODE", "")


def fault_start():
    if MODE == "crash":
        print("Cannot detect face landmarks. Exit.")
        raise SystemExit(-1)
    if MODE == "sleep":
        time.sleep(600)


def n_frames(wav, fps=25.0):
    data, sr = sf.read(wav, dtype="int16")
    assert sr == 16000, sr
    return int(round(len(data) / sr * fps))


def apply_fault(frames):
    if MODE == "short":
        return frames[: len(frames) // 2]
    if MODE == "blank":
        return [np.full_like(f, 128) for f in frames]
    return frames


def read_video(path):
    with av.open(path) as c:
        s = c.streams.video[0]
        fps = float(s.average_rate)
        return [f.to_ndarray(format="rgb24") for f in c.decode(s)], fps


def talk(frame, i, box):
    x0, y0, x1, y1 = box
    out = frame.copy()
    out[y0:y1, x0:x1] = (out[y0:y1, x0:x1] * (0.7 + 0.3 * np.sin(i / 2.0) ** 2)).astype(np.uint8)
    return out


def write_video(path, frames, fps):
    with av.open(path, "w") as c:
        s = c.add_stream("libx264", rate=fractions.Fraction(fps).limit_denominator(1000))
        s.pix_fmt = "yuv444p"
        s.options = {"crf": "0"}
        s.height, s.width = frames[0].shape[:2]
        for i, f in enumerate(frames):
            vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(f), format="rgb24")
            for p in s.encode(vf):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
"""

MAKEITTALK = """
import argparse, glob, os, pickle
import cv2, numpy as np, soundfile as sf
import fakeio

parser = argparse.ArgumentParser()
parser.add_argument("--jpg", type=str, required=True)
parser.add_argument("--close_input_face_mouth", default=False, action="store_true")
parser.add_argument("--load_AUTOVC_name", type=str, default="examples/ckpt/ckpt_autovc.pth")
parser.add_argument("--load_a2l_G_name", type=str, default="examples/ckpt/ckpt_speaker_branch.pth")
parser.add_argument("--load_a2l_C_name", type=str, default="examples/ckpt/ckpt_content_branch.pth")
parser.add_argument("--load_G_name", type=str, default="examples/ckpt/ckpt_116_i2i_comb.pth")
parser.add_argument("--amp_lip_x", type=float, default=2.0)
opt = parser.parse_args()
for ck in (opt.load_AUTOVC_name, opt.load_a2l_G_name, opt.load_a2l_C_name, opt.load_G_name):
    open(ck, "rb").close()
img = cv2.imread("examples/" + opt.jpg)[:, :, ::-1]
fakeio.fault_start()
ains = sorted(glob.glob1("examples", "*.wav"))
for ain in ains:  # upstream rewrites every wav in place with a 16 kHz copy
    data, sr = sf.read("examples/" + ain, dtype="int16")
    sf.write("examples/" + ain, data, 16000)
with open(os.path.join("examples", "dump", "random_val_fl.pickle"), "wb") as fp:
    pickle.dump(ains, fp)
sketch = np.full_like(img, 255)
for ain in ains:
    n = fakeio.n_frames("examples/" + ain, 62.5)
    frames = [np.concatenate([img, fakeio.talk(img, i, (100, 140, 156, 180)), sketch], axis=1) for i in range(n)]
    frames = fakeio.apply_fault(frames)
    fakeio.write_video("out.mp4", frames, 62.5)
    os.replace("out.mp4", "examples/{}_pred_fls_{}_audio_embed.mp4".format(opt.jpg[:-4], ain[:-4]))
"""

STYLEHEAT = """
import argparse, os, random
import cv2, numpy as np
import fakeio

parser = argparse.ArgumentParser()
parser.add_argument("--config", default="./configs/inference.yaml")
parser.add_argument("--cross_id", action="store_true")
parser.add_argument("--image_source", type=str, default=None)
parser.add_argument("--output_dir", default="./")
parser.add_argument("--inversion_option", type=str, default="encode")
parser.add_argument("--if_extract", action="store_true")
parser.add_argument("--audio_path", type=str, default=None)
args = parser.parse_args()
open(args.config).close()
if not args.if_extract:
    raise KeyError("coeff_3dmm")  # StyleHEAT#17: get_3dmm without --if_extract
fakeio.fault_start()
pose_style = random.randint(0, 45)  # unseeded upstream
print("pose_style={}".format(pose_style))
img = cv2.imread(args.image_source)[:, :, ::-1]
big = cv2.resize(img, (1024, 1024), interpolation=cv2.INTER_CUBIC)
n = fakeio.n_frames(args.audio_path)
frames = [fakeio.talk(big, i + pose_style, (400, 560, 624, 720)) for i in range(n)]
name = os.path.splitext(os.path.basename(args.image_source))[0]
fakeio.write_video(os.path.join(args.output_dir, name + ".mp4"), frames, 25)
fakeio.write_video(os.path.join(args.output_dir, name + "_audio.mp4"), fakeio.apply_fault(frames), 25)
"""

IPLAP = """
import argparse, os
import numpy as np
import fakeio

parser = argparse.ArgumentParser()
parser.add_argument("--input", "--input_template_video", type=str, default="./test/template_video/129.mp4")
parser.add_argument("--audio", type=str, default="./test/template_video/audio2.wav")
parser.add_argument("--output_dir", type=str, default="./test_result")
parser.add_argument("--static", type=bool, default=False)
parser.add_argument("--landmark_gen_checkpoint_path", type=str, default="./test/checkpoints/landmarkgenerator_checkpoint.pth")
parser.add_argument("--renderer_checkpoint_path", type=str, default="./test/checkpoints/renderer_checkpoint.pth")
args = parser.parse_args()
for ck in (args.landmark_gen_checkpoint_path, args.renderer_checkpoint_path):
    open(ck, "rb").close()
temp_dir = "tempfile_of_{}".format(args.output_dir.split("/")[-1])
os.makedirs(args.output_dir, exist_ok=True)
os.makedirs(temp_dir, exist_ok=True)
if args.input.split(".")[1] in ["jpg", "png", "jpeg"]:
    raise NameError("name 'fps' is not defined")  # the image branch never sets fps
fakeio.fault_start()
template, fps = fakeio.read_video(args.input)
assert fps == 25
n = fakeio.n_frames(args.audio) - 4  # the mel windowing drops the last frames
h, w = template[0].shape[:2]
box = (w // 2 - 30, h // 2, w // 2 + 30, h // 2 + 25)
frames = [np.concatenate([np.zeros_like(template[0]), fakeio.talk(template[i % len(template)], i, box)], axis=1) for i in range(n)]
out = os.path.join(args.output_dir, "{}_N_{}_Nl_{}.mp4".format(args.input.split("/")[-1][:-4] + "result", 25, 15))
fakeio.write_video(out, fakeio.apply_fault(frames), fps)
"""

EAMM = """
import argparse, os
import cv2, numpy as np
import fakeio

parser = argparse.ArgumentParser()
parser.add_argument("--config", default="config/MEAD_emo_video_aug_delta_4_crop_random_crop.yaml")
parser.add_argument("--checkpoint", default="log/124_52000.pth.tar")
parser.add_argument("--audio_checkpoint", default="log/1-6000.pth.tar")
parser.add_argument("--emo_checkpoint", default="log/5-3000.pth.tar")
parser.add_argument("--source_image", default="test/image/21.png")
parser.add_argument("--driving_video", default="test/video/disgusted.mp4")
parser.add_argument("--in_file", type=str, default="test/audio/sample1.mov")
parser.add_argument("--pose_file", type=str, default="test/pose/21.npy")
parser.add_argument("--result_path", default="result/")
parser.add_argument("--cpu", dest="cpu", action="store_true")
parser.add_argument("--emotion", default="disgusted")
opt = parser.parse_args()
for f in (opt.config, opt.checkpoint, opt.audio_checkpoint, opt.emo_checkpoint, "./shape_predictor_68_face_landmarks.dat"):
    open(f, "rb").close()
pose = np.load(opt.pose_file).reshape(-1, 7)
fakeio.fault_start()
driving, fps = fakeio.read_video(opt.driving_video)
print("driving={} fps={} emotion={}".format(opt.driving_video, fps, opt.emotion))
src = cv2.resize(cv2.imread(opt.source_image)[:, :, ::-1], (256, 256))
n = fakeio.n_frames(opt.in_file, fps)
frames = [fakeio.talk(src, i, (100, 150, 156, 175)) for i in range(n)]
fakeio.write_video(os.path.join(opt.result_path, "neutral.mp4"), frames, fps)
fakeio.write_video(os.path.join(opt.result_path, "emotion.mp4"), frames, fps)
fakeio.write_video(os.path.join(opt.result_path, "emotion.mov"), fakeio.apply_fault(frames), fps)
"""

EMOGEN = """
import argparse, os
import cv2, numpy as np
import fakeio

parser = argparse.ArgumentParser()
parser.add_argument("--checkpoint_path", type=str, required=True)
parser.add_argument("--face", type=str, required=True)
parser.add_argument("--audio", type=str)
parser.add_argument("--outfile", type=str, default="results/result_voice.mp4")
parser.add_argument("--emotion", type=str, required=True)
parser.add_argument("--static", type=bool, default=False)
args = parser.parse_args()
open(args.checkpoint_path, "rb").close()
open("face_detection/detection/sfd/s3fd.pth", "rb").close()
emotion_dict = {"ANG": 0, "DIS": 1, "FEA": 2, "HAP": 3, "NEU": 4, "SAD": 5}
emotion = emotion_dict[args.emotion]
src = open("models/wav2lip.py").read()
if "\\n        emotion = emotion.unsqueeze(1)" in src:
    raise RuntimeError("The size of tensor a (5) must match the size of tensor b (6)")  # README lines not commented
fakeio.fault_start()
if args.face.split(".")[1] in ["jpg", "png", "jpeg"]:
    full_frames, fps = [cv2.imread(args.face)[:, :, ::-1]], 25.0
else:
    full_frames, fps = fakeio.read_video(args.face)
n = fakeio.n_frames(args.audio, fps) - 3
h, w = full_frames[0].shape[:2]
box = (w // 2 - 30, h // 2, w // 2 + 30, h // 2 + 25)
frames = [fakeio.talk(full_frames[0 if len(full_frames) == 1 else i % len(full_frames)], i + emotion, box) for i in range(n)]
open("temp/result.avi", "wb").close()
if not os.path.isdir("results"):
    raise SystemExit(1)  # ffmpeg cannot write results/{EMO}.mp4
fakeio.write_video("results/{}.mp4".format(args.emotion), fakeio.apply_fault(frames), fps)
"""

WAV2LIP = """\
class Wav2Lip:
    def forward(self, audio_sequences, face_sequences, emotion):
        B = audio_sequences.size(0)

        #emotion = (B, 6)
        # repeating the same emotion for every frame
        emotion = emotion.unsqueeze(1).repeat(1, 5, 1) #(B, T, 6)

        input_dim_size = len(face_sequences.size())
        if input_dim_size > 4:
            audio_sequences = torch.cat([audio_sequences[:, i] for i in range(audio_sequences.size(1))], dim=0)
            emotion = torch.cat([emotion[:, i] for i in range(emotion.size(1))], dim=0) #(B*T, 6)
"""

REPOS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "makeittalk": (
        "main_end2end.py",
        MAKEITTALK,
        (
            "examples/ckpt/ckpt_autovc.pth",
            "examples/ckpt/ckpt_speaker_branch.pth",
            "examples/ckpt/ckpt_content_branch.pth",
            "examples/ckpt/ckpt_116_i2i_comb.pth",
            "examples/dump/emb.pickle",
        ),
    ),
    "styleheat": ("inference.py", STYLEHEAT, ()),  # files added below from the adapter's list
    "iplap": ("inference_single.py", IPLAP, ()),
    "eamm": ("demo.py", EAMM, ("test/pose/21.npy",)),
    "emogen": ("inference.py", EMOGEN, ("checkpoints/emogen.pth",)),
}


def make_repo(name: str, root: Path) -> Path:
    """Write the fake repository of ``name`` under ``root`` with every file the adapter requires."""
    import numpy as np

    from eatbench.methods.registry import METHODS, method_names

    method_names()
    entry, script, extra = REPOS[name]
    repo = root / name
    repo.mkdir(parents=True)
    (repo / "fakeio.py").write_text(textwrap.dedent(FAKEIO))
    (repo / entry).write_text(textwrap.dedent(script))
    for rel in (*METHODS.get(name).required, *extra):
        path = repo / rel
        if rel.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        elif not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"fake checkpoint " + rel.encode())
    if name == "makeittalk":
        (repo / "examples" / "sample.wav").write_bytes(b"RIFF original example, must stay untouched")
    if name == "eamm":
        np.save(repo / "test/pose/21.npy", np.zeros((1, 7), np.float32))
    if name == "emogen":
        (repo / "models" / "wav2lip.py").write_text(WAV2LIP)
    return repo
