"""``unirand.replay.TorchCUDAGenerator`` against real sources.

* Values printed from real GPUs in PyTorch issues (URLs beside each case): ``rand`` and
  ``randn``, below one wave of threads and above it (where the SM count matters).
* Recorded GPU files ``conformance/vectors/torch_cuda_*.v1.json`` from
  ``conformance/generate_torch_cuda_vectors.py``, replayed whenever one is present.
* Self-consistency of the offsets, the state layout, the errors and thread safety (in
  addition, not instead).  The Philox block itself: test_replay_philox.py.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import threading
from pathlib import Path

import numpy as np
import pytest

from unirand.replay import TorchCUDAGenerator
from unirand.replay.torch_cuda import RANDN_ABS_ERROR, RANDN_REL_ERROR_FLOAT64

ROOT = Path(__file__).resolve().parents[2]
GPU_FILES = sorted((ROOT / "conformance" / "vectors").glob("torch_cuda_*.v1.json"))

# -- values printed from real GPUs ----------------------------------------------------------

# torch prints 4 decimals: a printed value is within 5e-5 of the device's value.
PRINT = 5e-5 + 1e-7


def test_rand_issue_47347() -> None:
    # https://github.com/pytorch/pytorch/issues/47347 (torch.manual_seed(0); Uniform(0, 1)
    # .rsample((5,)) on CUDA == low + torch.rand(5) * (high - low) == torch.rand(5)).
    g = TorchCUDAGenerator(0, sm_count=80)
    got = g.rand(5)
    np.testing.assert_allclose(got, [0.3990, 0.5167, 0.0249, 0.9401, 0.9459], rtol=0, atol=PRINT)
    assert got.dtype == np.float32 and g.get_offset() == 4


def test_randn_issue_79496() -> None:
    # https://github.com/pytorch/pytorch/issues/79496: torch.manual_seed(10); randn(3) on CUDA.
    got = TorchCUDAGenerator(10, sm_count=80).randn(3)
    want = [-0.1029, 1.6810, -0.2708]
    np.testing.assert_allclose(got, want, rtol=0, atol=PRINT + RANDN_ABS_ERROR)


def test_randn_issue_62467_rtx_a6000() -> None:
    # https://github.com/pytorch/pytorch/issues/62467: Generator('cuda').manual_seed(43),
    # empty(1, 3, 128, 128).normal_() on an RTX A6000 (84 SMs x 1536 threads), [..., 0, 0].
    x = TorchCUDAGenerator(43, sm_count=84, max_threads_per_sm=1536).randn((1, 3, 128, 128))
    want = [[1.9983, 0.8704, 2.1127]]
    np.testing.assert_allclose(x[..., 0, 0], want, rtol=0, atol=PRINT + RANDN_ABS_ERROR)


def _corners(x: np.ndarray) -> np.ndarray:
    rows = x[[0, 1, 2, -3, -2, -1]]
    return rows[:, [0, 1, 2, -3, -2, -1]]


def test_randn_issue_97097_rtx_a4000_beyond_one_wave() -> None:
    # https://github.com/pytorch/pytorch/issues/97097, machine 1 (RTX A4000: 48 SMs x 1536
    # threads = 73 728 per wave): manual_seed(14); FloatTensor(1000, 100).normal_(5, 5**.5).
    # The last rows lie past one wave: they take lane 1 of their threads' Philox blocks.
    x = TorchCUDAGenerator(14, sm_count=48, max_threads_per_sm=1536).randn((1000, 100))
    std = np.float32(5**0.5)
    want = [
        [2.8731, 5.2727, 2.9889, 1.6853, 9.6331, 6.6319],
        [3.9968, 3.8097, 5.7328, 4.4029, 3.9804, 7.4698],
        [6.5552, 4.0857, 4.2315, 2.7704, 3.5479, 3.3063],
        [8.6297, 2.3137, 6.2596, 7.9358, 4.4697, 2.7475],
        [7.0551, 7.8583, 3.9990, 4.1139, 8.9315, 4.2042],
        [2.7337, 2.2106, 7.7815, 8.2207, 6.5395, 4.2604],
    ]
    atol = PRINT + float(std) * RANDN_ABS_ERROR + 1e-6
    np.testing.assert_allclose(_corners(x * std + np.float32(5)), want, rtol=0, atol=atol)


def test_randn_issue_158398_rtx_3060_beyond_one_wave() -> None:
    # https://github.com/pytorch/pytorch/issues/158398, the first printout ("On my one
    # machine"): randn([1, 64, 2048], generator=Generator('cuda').manual_seed(42)).  The issue's
    # environment report names an RTX 3060 (28 SMs x 1536 threads = 43 008 per wave); which of
    # the two printouts came from it is not stated, and this one matches that launch shape.
    x = TorchCUDAGenerator(42, sm_count=28, max_threads_per_sm=1536).randn((1, 64, 2048))[0]
    want = [
        [0.1940, 2.1614, -0.1721, 1.4540, -2.7733, -0.8932],
        [-0.4574, 0.8063, 0.1580, 0.1124, 0.2769, -1.2535],
        [1.1346, -0.6329, -0.9147, -1.0001, -1.1552, -0.6955],
        [-0.4861, 0.3358, 1.0578, -0.7282, 0.5087, 0.1318],
        [0.7881, 0.8339, -1.1424, -0.6297, -1.1112, -0.4091],
        [-1.2356, -0.4083, -0.4695, -0.4841, 1.2850, -0.0282],
    ]
    np.testing.assert_allclose(_corners(x), want, rtol=0, atol=PRINT + RANDN_ABS_ERROR)


@pytest.mark.parametrize(
    ("gpu", "sm_count", "tail"),
    [("H100 SXM", 132, [-0.6970, -0.7780, 0.3267]), ("A100", 108, [0.1549, -0.6797, -0.1656])],
)
def test_randn_issue_143086_h100_vs_a100(gpu: str, sm_count: int, tail: list[float]) -> None:
    # https://github.com/pytorch/pytorch/issues/143086: Generator('cuda').manual_seed(1);
    # randn(1, 49*12*112*144) printed [-0.2963, 2.6764, -0.1408, ..., *tail] on each card.
    # Only the printed elements are evaluated (``_draw_at``), not the 9.5 M-element tensor.
    n = 49 * 12 * 112 * 144
    g = TorchCUDAGenerator(1, sm_count=sm_count, max_threads_per_sm=2048)
    got = g._draw_at("normal_f32", n, [0, 1, 2, n - 3, n - 2, n - 1])
    want = [-0.2963, 2.6764, -0.1408, *tail]
    np.testing.assert_allclose(got, want, rtol=0, atol=PRINT + RANDN_ABS_ERROR)


def test_randn_h100_pcie_would_differ_from_143086_h100() -> None:
    # The tail depends on the SM count: an H100 PCIe (114 SMs) gives other values.
    n = 49 * 12 * 112 * 144
    got = TorchCUDAGenerator(1, sm_count=114)._draw_at("normal_f32", n, [n - 1])
    assert abs(float(got[0]) - 0.3267) > 0.01


def test_randn_automatic1111_docstring() -> None:
    # AUTOMATIC1111/stable-diffusion-webui modules/rng_philox.py docstring: the expected output
    # of its CPU imitation of torch.randn((3, 4), device='cuda') at seed 0 (8 digits, computed
    # in float64 on a CPU, not printed from a GPU; it agrees with the model to < 1e-6).
    want = [
        [-0.92466259, -0.42534415, -2.6438457, 0.14518388],
        [-0.12086647, -0.57972564, -0.62285122, -0.32838709],
        [-1.07454231, -0.36314407, -1.67105067, 2.26550497],
    ]
    got = TorchCUDAGenerator(0, sm_count=80).randn((3, 4))
    np.testing.assert_allclose(got, want, rtol=0, atol=RANDN_ABS_ERROR)


# -- recorded GPU files ---------------------------------------------------------------------


def _gpu_cases() -> list[tuple[str, int, int]]:
    out = []
    for path in GPU_FILES:
        record = json.loads(path.read_text())
        out += [(path.name, i, len(record["sequences"])) for i in range(len(record["sequences"]))]
    return out


def _as_array(hexes: list[str], dtype: str) -> np.ndarray:
    if dtype == "bfloat16":
        import ml_dtypes

        return np.frombuffer(bytes.fromhex("".join(hexes)), ml_dtypes.bfloat16)
    return np.frombuffer(bytes.fromhex("".join(hexes)), np.dtype(dtype).newbyteorder("<"))


def check_recorded_sequence(record: dict, index: int, name: str = "record") -> None:
    """Replay one recorded call sequence through the model and compare with the GPU's output."""
    assert record["format"] == "unirand.torch_cuda_vectors.v1"
    seq = record["sequences"][index]
    g = TorchCUDAGenerator(
        seq["seed"], sm_count=record["sm_count"], max_threads_per_sm=record["max_threads_per_sm"]
    )
    assert g.threads_per_wave == record["threads_per_wave"]
    if seq["set_offset"] is not None:
        g.set_offset(seq["set_offset"])
    for call in seq["calls"]:
        where = f"{name} sequence {index}: {call['op']}{call['shape']} {call['dtype']}"
        assert g.get_offset() == call["offset_before"], where
        if call["op"] == "rand":
            out = g.rand(call["shape"], call["dtype"])
        elif call["op"] == "randn":
            out = g.randn(call["shape"], call["dtype"])
        else:
            out = g.randint(call["low"], call["high"], call["shape"], call["dtype"])
        assert g.get_offset() == call["offset_after"], where
        assert g.get_state().tobytes().hex() == call["state_after_hex"], where
        flat = out.reshape(-1)
        want = _as_array(call["sample_hex"], call["dtype"])
        got = flat[np.asarray(call["sample_index"], dtype=np.intp)]
        if call["op"] == "randn":
            w64, g64 = want.astype(np.float64), got.astype(np.float64)
            if call["dtype"] == "float64":
                bound = RANDN_REL_ERROR_FLOAT64 * np.maximum(np.abs(w64), 1e-300)
            elif call["dtype"] == "float32":
                bound = RANDN_ABS_ERROR
            else:  # the float32 difference may move a float16/bfloat16 rounding by one ulp
                bound = RANDN_ABS_ERROR + np.spacing(np.abs(want)).astype(np.float64)
            assert np.all(np.abs(g64 - w64) <= bound), (where, np.max(np.abs(g64 - w64)))
        else:
            np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8), err_msg=where)
            digest = hashlib.sha256(np.ascontiguousarray(flat).tobytes()).hexdigest()
            assert digest == call["sha256"], where


@pytest.mark.skipif(not GPU_FILES, reason="no conformance/vectors/torch_cuda_*.v1.json recorded")
@pytest.mark.parametrize(("name", "index", "count"), _gpu_cases() or [("none", 0, 0)])
def test_recorded_gpu_vectors(name: str, index: int, count: int) -> None:
    record = json.loads((ROOT / "conformance" / "vectors" / name).read_text())
    check_recorded_sequence(record, index, name)


def _load_generator_script():  # type: ignore[no-untyped-def]
    path = ROOT / "conformance" / "generate_torch_cuda_vectors.py"
    spec = importlib.util.spec_from_file_location("generate_torch_cuda_vectors", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_recorded_file_format_round_trip() -> None:
    """The recording script's format and the checker agree (a model-made stand-in for a GPU).

    This proves the harness, not the model: the real proof is a file recorded on a GPU.
    """
    script = _load_generator_script()
    sm_count, threads = 2, 1024
    wave = 256 * sm_count * (threads // 256)
    record = {
        "format": script.FORMAT,
        "sm_count": sm_count,
        "max_threads_per_sm": threads,
        "threads_per_wave": wave,
        "sequences": script.sequences(wave),
    }
    for seq in record["sequences"]:
        g = TorchCUDAGenerator(seq["seed"], sm_count=sm_count, max_threads_per_sm=threads)
        if seq["set_offset"] is not None:
            g.set_offset(seq["set_offset"])
        for call in seq["calls"]:
            call["offset_before"] = g.get_offset()
            if call["op"] == "randint":
                out = g.randint(call["low"], call["high"], call["shape"], call["dtype"])
            else:
                out = getattr(g, call["op"])(call["shape"], call["dtype"])
            flat = np.ascontiguousarray(out.reshape(-1))
            call.update(script.summarize(flat.tobytes(), flat.itemsize, wave))
            call["offset_after"] = g.get_offset()
            call["state_after_hex"] = g.get_state().tobytes().hex()
    record = json.loads(json.dumps(record))
    for index in range(len(record["sequences"])):
        check_recorded_sequence(record, index)
    # a single flipped bit in a recorded rand value must fail
    call = record["sequences"][0]["calls"][0]
    call["sample_hex"][0] = f"{int(call['sample_hex'][0], 16) ^ 1:08x}"
    with pytest.raises(AssertionError):
        check_recorded_sequence(record, 0)


# -- the model's own bookkeeping (self-consistency, in addition to the above) ----------------


def test_offsets_follow_calc_execution_policy() -> None:
    g = TorchCUDAGenerator(0, sm_count=2, max_threads_per_sm=1024)  # 2048 threads per wave
    t = g.threads_per_wave
    assert t == 2048
    steps = [
        (lambda: g.rand(t), 4),  # one value per thread
        (lambda: g.rand(4 * t), 4),  # all four lanes of one block
        (lambda: g.rand(4 * t + 1), 8),  # a second block for thread 0
        (lambda: g.rand(2 * t + 1, "float64"), 8),  # unroll 2
        (lambda: g.randn(4 * t + 1, "float16"), 8),  # computed in float: unroll 4
        (lambda: g.randint(0, 2**28, 2 * t), 4),  # 64-bit words: unroll 2
        (lambda: g.randint(0, 2**28 - 1, 4 * t), 4),  # 32-bit words: unroll 4
        (lambda: g.rand((0, 3)), 0),  # nothing launched
    ]
    for draw, increment in steps:
        before = g.get_offset()
        draw()
        assert g.get_offset() - before == increment
    assert g.launch(5, 4) == (256, 4)


def test_one_wave_values_do_not_depend_on_the_gpu() -> None:
    small = TorchCUDAGenerator(5, sm_count=1, max_threads_per_sm=1024)  # 1024 per wave
    big = TorchCUDAGenerator(5, sm_count=132)
    np.testing.assert_array_equal(small.rand(1024), big.rand(1024))
    assert not np.array_equal(small.rand(1025), big.rand(1025))


def test_draw_at_agrees_with_full_draw() -> None:
    g = TorchCUDAGenerator(9, sm_count=3, max_threads_per_sm=1536)
    n = 4 * g.threads_per_wave + 77
    for kind, itemsize in (("uniform_f32", 4), ("u64", 8), ("normal_f64", 8)):
        idx = np.arange(0, n, 97)
        at = g._draw_at(kind, n, idx)
        full = g._draw(kind, n, itemsize)
        np.testing.assert_array_equal(at, full[idx])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_rand_range_and_dtype(dtype: str) -> None:
    x = TorchCUDAGenerator(3, sm_count=4).rand((64, 65), dtype)
    assert str(x.dtype) == dtype and x.shape == (64, 65)
    assert float(x.min()) >= 0 and float(x.max()) < 1


def test_randint_formula() -> None:
    g = TorchCUDAGenerator(11, sm_count=2)
    words = g._draw_at("u32", 300, np.arange(300))
    np.testing.assert_array_equal(g.randint(-3, 7, 300), words.astype(np.int64) % 10 - 3)
    big = g._draw_at("u64", 300, np.arange(300), offset=g.get_offset())
    got = g.randint(-(2**40), 2**40, 300)
    np.testing.assert_array_equal(got, (big % np.uint64(2**41)).astype(np.int64) - 2**40)
    x = g.randint(-128, 128, 1000, "int8")
    assert x.dtype == np.int8 and x.min() < -100 and x.max() > 100


def test_seed_and_state() -> None:
    g = TorchCUDAGenerator(-1, sm_count=1)
    assert g.initial_seed() == 2**64 - 1
    g.rand(5)
    state = g.get_state()
    assert state.dtype == np.uint8 and state.tobytes() == bytes(8 * [255]) + (4).to_bytes(
        8, "little"
    )
    first = g.rand(7)
    g.set_state(state)
    np.testing.assert_array_equal(g.rand(7), first)
    g.manual_seed(2**32 + 42)
    assert g.get_offset() == 0 and g.initial_seed() == 2**32 + 42
    # the seed's high word is the key's second word: unlike the CPU generator, it matters
    assert not np.array_equal(g.rand(5), TorchCUDAGenerator(42, sm_count=1).rand(5))


def test_jax_output_matches_numpy() -> None:
    pytest.importorskip("jax")
    a = TorchCUDAGenerator(2, sm_count=4).rand((3, 5), xp="jax")
    b = TorchCUDAGenerator(2, sm_count=4).rand((3, 5))
    assert type(a).__module__.startswith("jax")
    np.testing.assert_array_equal(np.asarray(a), b)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: TorchCUDAGenerator(0, sm_count=0), ValueError, "sm_count"),
        (lambda: TorchCUDAGenerator(0, sm_count=True), TypeError, "sm_count"),
        (lambda: TorchCUDAGenerator(0, sm_count=4.0), TypeError, "sm_count"),
        (lambda: TorchCUDAGenerator(0, sm_count=4, max_threads_per_sm=128), ValueError, "max_th"),
        (lambda: TorchCUDAGenerator(2**64, sm_count=4), ValueError, "seed"),
        (lambda: TorchCUDAGenerator("1", sm_count=4), TypeError, "seed"),
    ],
)
def test_constructor_errors(call, error, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda g: g.rand((2, -1)), ValueError, "shape"),
        (lambda g: g.rand(3, "int32"), TypeError, "dtype"),
        (lambda g: g.randn(3, xp="torch"), ValueError, "xp"),
        (lambda g: g.randint(5, 5, 3), ValueError, "low < high"),
        (lambda g: g.randint(0, 300, 3, "int8"), ValueError, "int8"),
        (lambda g: g.randint(0, 2**63, 3), ValueError, "high"),
        (lambda g: g.randint(0.5, 3, 3), TypeError, "low"),
        (lambda g: g.randint(0, 3, 3, "float32"), TypeError, "dtype"),
        (lambda g: g.set_offset(6), ValueError, "multiple of 4"),
        (lambda g: g.set_state(b"\x00" * 15), ValueError, "16 bytes"),
    ],
)
def test_errors_leave_the_state_alone(call, error, match) -> None:  # type: ignore[no-untyped-def]
    g = TorchCUDAGenerator(0, sm_count=4)
    g.rand(3)
    before = g.get_state().copy()
    with pytest.raises(error, match=match):
        call(g)
    np.testing.assert_array_equal(g.get_state(), before)


def test_threads_reserve_distinct_offsets() -> None:
    """Like CUDAGeneratorImpl's mutex around philox_cuda_state: concurrent launches reserve
    disjoint offset ranges, so 16 threads get 16 distinct results and the serial offset."""
    g = TorchCUDAGenerator(1, sm_count=2, max_threads_per_sm=512)
    n = 50 * g.threads_per_wave
    barrier = threading.Barrier(16)
    out: list[bytes] = []

    def work() -> None:
        barrier.wait()
        out.append(g.rand(n).tobytes())

    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    serial = TorchCUDAGenerator(1, sm_count=2, max_threads_per_sm=512)
    expected = sorted(serial.rand(n).tobytes() for _ in range(16))
    assert len(set(out)) == 16 and sorted(out) == expected
    assert g.get_offset() == serial.get_offset()
