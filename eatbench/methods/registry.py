"""Every method by name: the reference methods, EAT-Face and its variants, the baselines, any plugin.

Methods register through the ``eatbench.methods`` entry point group: each entry names a
:class:`~eatbench.methods.base.Method` subclass (``name = "package.module:Class"``), registered
under the class's ``name`` the first time the registry is read. eatbench's own methods and the
baselines are listed in its ``pyproject.toml``; a third-party package adds a method by declaring the
same group in its own metadata, without editing eatbench::

    [project.entry-points."eatbench.methods"]
    mymethod = "mypackage.method:MyMethod"

A plugin that cannot be imported is listed by ``eatbench methods list`` with the reason, and only
a command that uses it fails. :func:`resolve_method` builds a method by name and variant (with
``from_folder`` it builds the ingest method instead, for any name, so tables can hold methods that
never run here), and :func:`list_methods` describes them all without importing any model library.

Example:
    >>> resolve_method("static-frame").name
    'static-frame'
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import asdict, dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from eatbench.errors import EatbenchError
from eatbench.methods.base import METHODS, Method
from eatbench.methods.contract import GenerationFailed, run_method

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "eatbench.methods"

__all__ = [
    "ENTRY_POINT_GROUP",
    "GenerationFailed",
    "MethodInfo",
    "get_method",
    "list_methods",
    "method_class",
    "method_names",
    "method_variants",
    "resolve_method",
    "resolve_variant",
    "run_method",
]

_loaded = False
_broken: dict[str, str] = {}  # entry point name -> why it could not be loaded


def _load() -> None:
    """Register every method of the ``eatbench.methods`` entry points (once per process)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    found: list[type[Method]] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
        except Exception as err:  # a broken plugin must not take the other methods down
            _broken[ep.name.lower()] = f"cannot load {ep.value}: {type(err).__name__}: {err}"
            logger.debug("method entry point %s failed", ep.name, exc_info=True)
            continue
        if not (isinstance(obj, type) and issubclass(obj, Method)):
            _broken[ep.name.lower()] = f"{ep.value} is not a eatbench.methods.base.Method subclass"
            continue
        found.append(obj)
    for obj in sorted(found, key=lambda c: (c.listing_order, c.name)):
        if obj.name in METHODS:
            if METHODS.get(obj.name) is not obj:
                logger.warning("method %r of %s.%s is registered already; ignored", obj.name, obj.__module__, obj)
            continue
        METHODS.register(obj.name)(obj)
    if not len(METHODS):
        raise EatbenchError(
            f"no methods registered: the {ENTRY_POINT_GROUP!r} entry points are missing, so eatbench is not "
            "installed; install it (`pip install -e .` in the repository)"
        )


def method_names() -> list[str]:
    """Every registered method name, in registration order."""
    _load()
    return METHODS.names()


def _split_variant_name(name: str) -> tuple[str, str | None]:
    """``eatface-w/o-eve`` → (``eatface``, ``w/o-EVE``): a method name with one of its variants appended."""
    if name in METHODS:
        return name, None
    for registered in METHODS.names():
        cls = METHODS.get(registered)
        for v in cls.variants:
            if name.lower() == f"{registered}-{v}".lower():
                return registered, v
    return name, None


def method_class(name: str) -> type[Method]:
    """The registered class of method ``name`` (case-insensitive).

    Raises:
        EatbenchError: an unknown name, with suggestions, or a plugin that cannot be loaded.
    """
    _load()
    base = _split_variant_name(name)[0]
    if base.lower() in _broken and base not in METHODS:
        raise EatbenchError(f"method {base!r}: {_broken[base.lower()]}")
    return METHODS.get(base)


def method_variants(name: str) -> tuple[str, ...]:
    """The variants method ``name`` declares, in the order tables list them (empty: none).

    >>> method_variants("eatface")
    ('w/o-EVE', 'w/o-FEC', 'w/o-Emo', 'full')
    """
    return method_class(name).variants


def resolve_variant(name: str, variant: str | None) -> str | None:
    """The variant that names a series of method ``name``: the declared spelling of ``variant``, or
    None for the method's default variant (``full`` is EAT-Face itself) and for no variant.

    >>> resolve_variant("eatface", "W/O-eve"), resolve_variant("eatface", "full")
    ('w/o-EVE', None)

    Raises:
        EatbenchError: an unknown method, a method without variants, or an unknown variant.
    """
    _load()
    base, named = _split_variant_name(name)
    cls = METHODS.get(base)
    if variant is None:
        variant = named
    elif named is not None and cls.canonical_variant(variant) != named:
        raise EatbenchError(f"--method {name} names variant {named}, but --variant {variant} was given")
    if variant is None:
        return None
    canonical = cls.canonical_variant(variant)
    return None if canonical == cls.default_variant else canonical


def resolve_method(
    name: str,
    variant: str | None = None,
    *,
    weights: str | Path | None = None,
    from_folder: str | Path | None = None,
    layout: str | None = None,
    **options: Any,
) -> Method:
    """A method instance by name and variant: what ``--method``, ``--variant``, ``--weights`` and
    ``--from-folder`` mean on every command.

    Args:
        name: a registered name (``eatface-w/o-eve`` spells a variant too), or with ``from_folder`` any label.
        variant: one of the method's declared variants (case-insensitive); None: its default, or the
            variant a ``weights`` folder holds.
        weights: the method's weights folder (for methods that take ``weights=``).
        from_folder: score videos found in this folder instead of generating (``--from-folder``).
        layout: the frame geometry of the videos in ``from_folder`` (``raw``, ``cropped``, ``upstream``:
            :mod:`eatbench.methods.ingest`).
        options: further constructor arguments.

    Raises:
        EatbenchError: an unknown method or variant, a variant for a method without variants, or an
            option the method does not take.
    """
    _load()
    base, named = _split_variant_name(name)
    if from_folder is not None:
        from eatbench.methods.ingest import FolderMethod

        adapter = METHODS.get(base) if base in METHODS else None
        if adapter is None and variant is not None:
            return FolderMethod(name, from_folder, layout, None, variant)
        return FolderMethod(base if adapter else name, from_folder, layout, adapter, variant or named)
    if layout is not None:
        raise EatbenchError(f"--layout {layout}: only with --from-folder (it says how the folder's videos are framed)")
    cls = method_class(base)
    if variant is not None or named is not None:
        options["variant"] = resolve_variant(name, variant) or cls.default_variant
    if weights is not None:
        options["weights"] = weights
    return get_method(base, **options)


def get_method(name: str, **options: Any) -> Method:
    """Build registered method ``name`` with constructor ``options`` (``weights=``, ``shift_frames=``...).

    Raises:
        EatbenchError: an unknown name (with suggestions), a plugin that cannot be loaded, or an option
            the method does not take.
    """
    _load()
    if name.lower() in _broken and name not in METHODS:
        raise EatbenchError(f"method {name!r}: {_broken[name.lower()]}")
    cls = METHODS.get(name)
    params = {} if cls.__init__ is object.__init__ else inspect.signature(cls.__init__).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    for key in options:
        if key not in params and not takes_any:
            raise EatbenchError(f"method {name!r} takes no option {key!r}")
    return cls(**options)


@dataclass(frozen=True)
class MethodInfo:
    """What ``eatbench methods list`` shows for one method, or one variant of a method."""

    name: str
    kind: str  # reference | model | external | plugin
    version: str
    emotion: str  # how the emotion is controlled ("none" when it is not)
    available: bool
    reason: str
    variant: str | None = None  # for a method with variants: which one (one row each)
    default: bool = True  # the variant the plain name runs
    upstream: str = ""
    config: dict[str, str] = field(default_factory=dict)  # key -> "ENV_VAR: meaning"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def list_methods() -> list[MethodInfo]:
    """Describe every registered method (each variant on its own row): can it run here, why not, and
    which settings it reads. Imports no model library."""
    infos = []
    for name in method_names():
        cls = METHODS.get(name)
        for variant in cls.variants or (None,):
            infos.append(_describe(cls, variant))
    for name, reason in _broken.items():
        if name not in METHODS:
            infos.append(MethodInfo(name, "plugin", "?", "?", False, reason))
    return infos


def _describe(cls: type[Method], variant: str | None) -> MethodInfo:
    method: Method | None = None
    try:
        method = cls() if variant is None else cls(variant=variant)  # type: ignore[call-arg]
        state = method.availability()
        available, reason = state.ok, state.reason
    except EatbenchError as err:  # e.g. a broken config file
        available, reason = False, str(err)
    emotions = method.emotions if method is not None else cls.emotions
    emotion = getattr(cls, "emotion_source", None) if emotions else None
    emotion = emotion or (f"label ({len(emotions)} emotions)" if emotions else "none")
    return MethodInfo(
        name=cls.name,
        kind=getattr(cls, "kind", "model"),
        version=cls.version,
        emotion=emotion,
        available=available,
        reason=reason,
        variant=variant,
        default=variant == cls.default_variant,
        upstream=getattr(cls, "upstream", ""),
        config=method.config_keys() if method is not None and hasattr(method, "config_keys") else {},
    )
