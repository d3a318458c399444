"""The golden vectors from ``jax.random``: where they are, and how a case is replayed.

The wheel ships the vector files at ``unirand/_vectors/``; a source checkout reads them from
``conformance/vectors/``.  Every ``*.json`` file there whose header says ``unirand.golden.v1``
is used.  A case is replayed generically, so a new sampler in the vectors (``"fn": "normal"``)
is covered without touching this module, in one of the two layouts the generators write:

- flat (``generate_jax_vectors.py``): ``getattr(unirand, fn)(key, shape, dtype, **params)``,
  ``params`` being every field beyond the common ones (``minval``, ``maxval``);
- ``params`` (``generate_jax_distributions.py``): ``getattr(unirand, fn)(key, shape=..., **params)``
  plus ``dtype=`` if the function takes one; otherwise ``dtype`` is the dtype of the array
  parameters (``p``, ``logits``), given as numbers or nested lists and converted with
  ``np.asarray(value, dtype)`` into the key's library.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

VECTOR_FILE = "jax_threefry2x32.v1.json"
SCHEMA = "unirand.golden.v1"
#: fields every case has; in the flat layout the rest are keyword arguments of its function
COMMON_FIELDS = frozenset({"name", "seed", "ops", "fn", "shape", "dtype", "expected", "params"})
#: functions whose result is key data, not a sampler called with (key, shape, dtype)
KEY_FNS = ("key_data",)
#: parameters the ``params`` layout stores as values of the case's dtype (arrays or numbers)
ARRAY_PARAMS = ("p", "logits", "b", "sigma", "scale", "concentration")
#: the case field naming the ARRAY_PARAMS passed as Python floats instead (JAX's weak types)
WEAK_FIELD = "weak_params"
#: float parameters: numbers (Python floats) or arrays of the case's dtype
BOUND_PARAMS = ("lower", "upper")
#: integer/array parameters whose arrays carry their dtype in a companion field (default int64)
TYPED_PARAMS = {"x": "x_dtype", "a": "a_dtype", "minval": "bound_dtype", "maxval": "bound_dtype"}
#: float parameters of the transforms (numbers, or lists of the case's dtype); a string other
#: than "inf", "-inf", "nan" is an option (``gumbel``'s ``mode``) and is passed as is
FLOAT_PARAMS = ("scale", "mean", "left", "mode", "right", "loc")
#: each function's float parameters of the case's dtype, before the general rules (``beta``'s
#: ``a`` is not ``choice``'s): numbers are Python floats, lists arrays of the case's dtype
FN_FLOAT_PARAMS = {
    "beta": ("a", "b"),
    "chisquare": ("df",),
    "f": ("dfnum", "dfden"),
    "t": ("df",),
    "dirichlet": ("alpha",),
}
#: array parameters whose dtype is a companion field, not the case's (``geometric``'s ``p``:
#: the case's dtype is its integer result)
OWN_DTYPE = {"p": "p_dtype", "lam": "lam_dtype", "n": "n_dtype"}

__all__ = [
    "ARRAY_PARAMS",
    "VECTOR_FILE",
    "apply_ops",
    "call",
    "call_params",
    "column",
    "elements",
    "expected_array",
    "load",
    "load_all",
    "matches",
    "param_dtypes",
    "params",
    "raw_bytes",
    "result_shape",
    "run_case",
    "scalar_params",
    "vector_files",
    "vectors_path",
]


def _folder() -> Path | None:
    package = Path(__file__).resolve().parent.parent  # unirand/
    for folder in (package / "_vectors", package.parent / "conformance" / "vectors"):
        if (folder / VECTOR_FILE).is_file():
            return folder
    return None


def vectors_path() -> Path | None:
    """The main vector file (shipped in the wheel, or in a source checkout); None if absent."""
    folder = _folder()
    return folder / VECTOR_FILE if folder else None


#: golden files the tests replay but the report does not yet: where a parameter is NaN,
#: negative or infinite, XLA:CPU's fused beta/chisquare/f/dirichlet kernels pick NaN bit
#: patterns by their vector loops' operand order (measured: even element by element), which
#: unirand does not reproduce; the tests compare NaN positions and every other byte there
REPORT_PENDING = frozenset({"jax_gamma_family.v1.json"})


def vector_files() -> list[Path]:
    """Every golden vector file beside the main one, the main one first (less
    :data:`REPORT_PENDING`)."""
    folder = _folder()
    if folder is None:
        return []
    others = sorted(
        p for p in folder.glob("*.json") if p.name != VECTOR_FILE and p.name not in REPORT_PENDING
    )
    return [
        folder / VECTOR_FILE,
        *(p for p in others if load(str(p))["header"].get("schema") == SCHEMA),
    ]


@cache
def load(path: str | None = None) -> dict[str, Any]:
    """One parsed vector file (``{"header": ..., "cases": [...]}``), read once per process."""
    found = Path(path) if path else vectors_path()
    if found is None:
        raise FileNotFoundError(
            f"golden vectors {VECTOR_FILE} not found (neither shipped in the package nor in a "
            "source checkout's conformance/vectors)"
        )
    return json.loads(found.read_text())


def load_all() -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Every vector file's header (with ``cases``: how many it has) by file name, and all cases."""
    files = vector_files()
    if not files:
        load()  # raises the FileNotFoundError
    parsed = {p.name: load(str(p)) for p in files}
    headers = {name: {**d["header"], "cases": len(d["cases"])} for name, d in parsed.items()}
    return headers, [c for d in parsed.values() for c in d["cases"]]


def column(case: dict[str, Any]) -> str:
    """The report column of a case: ``fn/dtype`` for samplers, the last key op for key data.

    Key-data cases are named after what they test: ``key`` (seeding only), ``split`` or
    ``fold_in`` (the last op that made the key; ``index`` only selects).  ``choice`` without
    ``p`` is ``choice/int64`` with replacement (its indices are int64 ``randint`` draws, which
    need 64-bit types on JAX), else ``choice``; with ``p`` it is named after ``p``'s dtype.
    """
    if case["fn"] in KEY_FNS:
        made = [op for op, _ in case["ops"] if op != "index"]
        return made[-1] if made else "key"
    if case["fn"] == "choice" and not case.get("dtype"):
        p = case.get("params", {})
        # without p and with replacement, choice draws int64 randint indices (JAX with x64)
        return "choice/int64" if p.get("replace", True) else "choice"
    return f"{case['fn']}/{case['dtype']}" if case.get("dtype") else case["fn"]


def params(case: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments of the case's function (``minval``/``maxval`` for uniform)."""
    if "params" in case:
        return dict(case["params"])
    return {k: v for k, v in case.items() if k not in COMMON_FIELDS}


def apply_ops(key: Any, ops: list[list[Any]]) -> Any:
    """``split``/``index``/``fold_in`` in order, on the key's own library and device."""
    import unirand

    for op, arg in ops:
        if op == "split":
            key = unirand.split(key, tuple(arg) if isinstance(arg, list) else arg)
        elif op == "index":
            key = key[tuple(arg)] if isinstance(arg, list) else key[arg]
        elif op == "fold_in":
            key = unirand.fold_in(key, arg)
        else:
            raise ValueError(f"unknown op {op!r} in golden case")
    return key


def call(key: Any, fn: str, shape: Any, dtype: str | None, kwargs: dict[str, Any]) -> Any:
    """``fn`` of the public API on ``key``: key data, or a sampler ``(key, shape, dtype, **kw)``."""
    import unirand

    if fn in KEY_FNS:
        return getattr(unirand, fn)(key)
    args = (key, tuple(shape)) if dtype is None else (key, tuple(shape), dtype)
    return getattr(unirand, fn)(*args, **kwargs)


def run_case(case: dict[str, Any], key: Any) -> Any:
    """The case on ``key`` (a fresh ``unirand.key(seed)`` already moved to the target)."""
    key = apply_ops(key, case["ops"])
    if "params" in case:
        return call_params(key, case["fn"], case["shape"], case["dtype"], case["params"])
    return call(key, case["fn"], case.get("shape", ()), case.get("dtype"), params(case))


def call_params(
    key: Any, fn: str, shape: list[int] | None, dtype: str | None, kwargs: dict[str, Any]
) -> Any:
    """A case of the ``params`` layout: keywords, array parameters as NumPy arrays.

    ``p``/``logits`` (and ``lower``/``upper`` when lists) have the case's dtype; ``x``, ``a``,
    ``minval``, ``maxval`` as lists have the dtype named by their companion field
    (:data:`TYPED_PARAMS`), integers stay Python ints.  The samplers move arrays to the key's
    library themselves; a host array keeps float64 where the library would not (JAX without
    x64 turns a float64 array into float32 on creation).  ``shape`` and ``dtype`` are passed
    to the functions that take them.
    """
    import unirand

    func = getattr(unirand, fn)
    takes = inspect.signature(func).parameters
    args: dict[str, Any] = {}
    if "shape" in takes:
        args["shape"] = None if shape is None else tuple(shape)
    companions = set(TYPED_PARAMS.values()) | {WEAK_FIELD} | set(OWN_DTYPE.values())
    weak = set(kwargs.get(WEAK_FIELD, ()))
    own_floats = FN_FLOAT_PARAMS.get(fn, ())
    for name, value in kwargs.items():
        if name in companions:
            continue
        if name in own_floats:
            listed = isinstance(value, list)
            value = (
                np.asarray(_decode(value), numpy_dtype(dtype)) if listed else float(_decode(value))
            )
        elif name in weak:
            value = float(_decode(value))
        elif name in OWN_DTYPE and OWN_DTYPE[name] in kwargs:
            value = np.asarray(_decode(value), dtype=numpy_dtype(kwargs[OWN_DTYPE[name]]))
        elif name in FLOAT_PARAMS and not _option(value):
            listed = isinstance(value, list)
            value = (
                np.asarray(_decode(value), numpy_dtype(dtype)) if listed else float(_decode(value))
            )
        elif name in ARRAY_PARAMS or (name in BOUND_PARAMS and isinstance(value, list)):
            value = np.asarray(_decode(value), dtype=numpy_dtype(dtype))
        elif name in BOUND_PARAMS:
            value = float(_decode(value))
        elif name in TYPED_PARAMS and isinstance(value, list):
            typed = numpy_dtype(kwargs.get(TYPED_PARAMS[name], "int64"))
            value = np.asarray(_decode(value) if typed.kind not in "iub" else value, dtype=typed)
        args[name] = value
    if "dtype" in takes:
        args["dtype"] = dtype
    return func(key, **args)


def scalar_params(case: dict[str, Any]) -> bool:
    """Whether a case's array parameters are numbers (so any ``shape`` broadcasts with them)."""
    arrays = (*ARRAY_PARAMS, *BOUND_PARAMS, *TYPED_PARAMS, *FLOAT_PARAMS, *OWN_DTYPE)
    arrays += FN_FLOAT_PARAMS.get(case["fn"], ())
    return not any(isinstance(v, list) for k, v in params(case).items() if k in arrays)


def param_dtypes(case: dict[str, Any]) -> set[str]:
    """The dtypes of a case's array parameters named by companion fields (``geometric``'s
    ``p_dtype``, ``binomial``'s ``n_dtype``): a column is named after its result's dtype, and
    a parameter may need a dtype a library lacks (bfloat16 ``p`` on array-api-strict)."""
    fields = (*TYPED_PARAMS.values(), *OWN_DTYPE.values())
    given = case.get("params", {})
    return {given[f] for f in fields if isinstance(given.get(f), str)}


def _option(value: Any) -> bool:
    """A string option (``mode="high"``), not a non-finite float written as a string."""
    return isinstance(value, str) and value not in ("inf", "-inf", "nan")


def _decode(value: Any) -> Any:
    """Nested lists of numbers with "inf", "-inf", "nan" for the non-finite ones."""
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return float(value) if isinstance(value, str) else value


def elements(case: dict[str, Any]) -> int:
    """How many elements the case's result has."""
    n = 1
    for d in case["expected"]["shape"]:
        n *= d
    return n


def result_shape(case: dict[str, Any]) -> tuple[int, ...]:
    return tuple(case["expected"]["shape"])


def raw_bytes(a: np.ndarray) -> bytes:
    """Little-endian, C-order bytes: the form the vectors hash."""
    a = np.ascontiguousarray(a)
    return a.astype(a.dtype.newbyteorder("<")).tobytes()


def numpy_dtype(name: str | None) -> np.dtype:
    if name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def expected_array(case: dict[str, Any]) -> np.ndarray | None:
    """The expected result as an array when the vectors carry its bytes (else only a hash)."""
    want = case["expected"]
    if "hex" not in want:
        return None
    dtype = numpy_dtype(want["dtype"]).newbyteorder("<")
    flat = np.frombuffer(bytes.fromhex(want["hex"]), dtype=dtype)
    return flat.astype(flat.dtype.newbyteorder("=")).reshape(want["shape"])


def matches(case: dict[str, Any], got: np.ndarray) -> bool:
    """Shape, dtype and every byte equal to the case's expected result."""
    want = case["expected"]
    if list(got.shape) != want["shape"] or str(got.dtype) != want["dtype"]:
        return False
    raw = raw_bytes(got)
    if "hex" in want:
        return raw.hex() == want["hex"]
    return hashlib.sha256(raw).hexdigest() == want["sha256"]
