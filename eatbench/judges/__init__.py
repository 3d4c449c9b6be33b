"""Judges: the networks metrics run, and the registry of their weights files.

- :mod:`eatbench.judges.weights`: which file each judge needs, its checksum, where it is looked for,
  how to obtain it (``eatbench weights list|verify|fetch``).
- :mod:`eatbench.judges.syncnet`: SyncNet_S (LSE-D/LSE-C), state-dict compatible with ``syncnet_v2.model``.
- :mod:`eatbench.judges.arcface`: IResNet (the ArcFace backbone) and the ONNX embedding path (CSIM).
- :mod:`eatbench.judges.inception`: the pytorch-fid FID-Inception (FID).
- :mod:`eatbench.judges.lpips_net`: the LPIPS v0.1 AlexNet network (LPIPS).

Nothing here is imported by ``eatbench --help``; each module imports torch on its own.
"""
