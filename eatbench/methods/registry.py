"""Every method by name: the reference methods, EAT-Face and its variants, and the external baselines.

Importing this module imports every method module, which registers its classes in
:data:`eatbench.methods.base.METHODS`. :func:`get_method` builds one (with ``from_folder`` it builds
the ingest method instead, for any name, so tables can hold methods that never run here), and
:func:`list_methods` describes them all for ``eatbench methods list``.

Example:
    >>> get_method("static-frame").name
    'static-frame'
"""

from __future__ import annotations

import importlib
import inspect
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from eatbench.errors import EatbenchError
from eatbench.methods.base import METHODS, Method
from eatbench.methods.contract import GenerationFailed, run_method

logger = logging.getLogger(__name__)

# Modules that register methods. A module missing from this checkout (EAT-Face lands separately) is
# skipped with a debug message; any other import error is raised.
METHOD_MODULES: tuple[str, ...] = (
    "eatbench.methods.reference",
    "eatbench.methods.eatface",
    "baselines.makeittalk",
    "baselines.styleheat",
    "baselines.iplap",
    "baselines.eamm",
    "baselines.emogen",
)

__all__ = [
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


def _load() -> None:
    global _loaded
    if _loaded:
        return
    for module in METHOD_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as err:
            if err.name != module:
                raise
            logger.debug("method module %s is not in this checkout", module)
    _loaded = True


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
        EatbenchError: an unknown name, with suggestions.
    """
    _load()
    return METHODS.get(_split_variant_name(name)[0])


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
        options: further constructor arguments.

    Raises:
        EatbenchError: an unknown method or variant, a variant for a method without variants, or an
            option the method does not take.
    """
    if from_folder is not None:
        return get_method(name, from_folder=from_folder)
    _load()
    base, named = _split_variant_name(name)
    cls = METHODS.get(base)
    if variant is not None or named is not None:
        options["variant"] = resolve_variant(name, variant) or cls.default_variant
    if weights is not None:
        options["weights"] = weights
    return get_method(base, **options)


def get_method(name: str, from_folder: str | Path | None = None, **options: Any) -> Method:
    """Build method ``name``.

    Args:
        name: a registered name (case-insensitive), or with ``from_folder`` any label.
        from_folder: score videos found in this folder instead of generating (``--from-folder``).
        options: constructor arguments (e.g. ``weights=`` for EAT-Face, ``shift_frames=``).

    Raises:
        EatbenchError: an unknown name (with suggestions), or an option the method does not take.
    """
    _load()
    if from_folder is not None:
        from baselines.ingest import FolderMethod

        return FolderMethod(name, from_folder)
    cls = METHODS.get(name)
    params = {} if cls.__init__ is object.__init__ else inspect.signature(cls.__init__).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    for key in options:
        if key not in params and not takes_any:
            raise EatbenchError(f"method {name!r} takes no option {key!r}")
    return cls(**options)


@dataclass(frozen=True)
class MethodInfo:
    """What ``eatbench methods list`` shows for one method."""

    name: str
    kind: str  # reference | model | external
    version: str
    emotion: str  # how the emotion is controlled ("none" when it is not)
    available: bool
    reason: str
    upstream: str = ""
    config: dict[str, str] = field(default_factory=dict)  # key -> "ENV_VAR: meaning"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def list_methods() -> list[MethodInfo]:
    """Describe every registered method: can it run here, why not, and which settings it reads."""
    infos = []
    for name in method_names():
        cls = METHODS.get(name)
        try:
            method = cls()
            state = method.availability()
        except EatbenchError as err:  # e.g. a broken config file
            method, state = None, None
            reason = str(err)
        emotion = getattr(cls, "emotion_source", None) or (
            f"label ({len(cls.emotions)} emotions)" if cls.emotions else "none"
        )
        infos.append(
            MethodInfo(
                name=cls.name,
                kind=getattr(cls, "kind", "model"),
                version=cls.version,
                emotion=emotion,
                available=bool(state and state.ok),
                reason=(state.reason if state else reason),
                upstream=getattr(cls, "upstream", ""),
                config=method.config_keys() if method is not None and hasattr(method, "config_keys") else {},
            )
        )
    return infos
