"""A PyTorch training loop and its JAX port, checked step by step with the torch replay.

What it shows: porting a model from PyTorch to JAX is checked most easily when the port sees
the same random numbers as the original: the same initial weights, data, minibatch indices,
dropout masks and noise.  The PyTorch side below is written as PyTorch code usually is:
``torch.manual_seed``, ``nn.Linear`` (its ``kaiming_uniform_``/``uniform_`` initialization),
``torch.randn``/``torch.rand`` data, ``torch.randint`` minibatches, an input dropout written
``torch.rand(shape) < keep``, a hidden dropout written ``torch.bernoulli(torch.full(shape,
keep))``, label noise from a small ``torch.randn`` (fewer than 16 values: PyTorch's scalar
Box-Muller path, whose cached second normal carries from step to step), autograd and
``torch.optim.SGD``.  The JAX port draws the same numbers from
``unirand.replay.TorchCPUGenerator``, which replays the CPU ``torch.manual_seed`` stream in
NumPy (handing the arrays to ``jax.numpy``), and computes gradients with ``jax.grad``.

Why step by step: a port can go wrong in its random calls (order, shapes, dtypes) or in its
arithmetic.  Comparing every random tensor **bitwise** first, then the loss and the updated
weights **within a tolerance**, tells the two apart.  The tolerance (``LOSS_RTOL``, relative,
float32) is there because the arithmetic is each framework's own: MKL's and XLA's matrix
products and reductions sum in different orders, so the last bits of a float32 loss differ;
the random tensors have no such excuse and must match exactly.

What the replay covers (docs/replay.md): the CPU generator only, and the calls used here
(``rand``, ``randn``, ``randint``, ``uniform``, ``bernoulli``) are replayed bit for bit; the
port must make them in the same order as the original.  ``nn.Dropout``/``F.dropout`` are not
used: they call ``Tensor.bernoulli_(p)`` with a float ``p``, which on MKL builds running on
Intel CPUs draws from MKL's own stream (not replayed).  ``torch.bernoulli(torch.full(...))``
and ``torch.rand(...) < keep`` are the same on every CPU.

Run: ``python examples/torch_to_jax_migration.py`` (needs torch and jax).  Exit 0 means every
check held; the last line is ``OK: torch_to_jax_migration ...``.
"""

from __future__ import annotations

import math
import sys
import time
from typing import Any

import numpy as np

from unirand.replay import TorchCPUGenerator

SEED = 0
N, D_IN, HIDDEN, D_OUT = 64, 8, 16, 1
BATCH = 12  # < 16: the label noise uses torch's scalar normal path (cached normal)
STEPS = 6
LR = 0.1
KEEP_IN, KEEP_HIDDEN = 0.9, 0.8
LABEL_NOISE = 0.05
LOSS_RTOL = 1e-5  # float32 losses, relative (see the module docstring)
PARAM_RTOL, PARAM_ATOL = 1e-5, 1e-6

Record = dict[str, np.ndarray]  # the random tensors of one step, by name


def torch_program() -> tuple[Record, list[Record], list[float], list[np.ndarray]]:
    """The original: PyTorch as usually written.  Returns every random tensor and loss."""
    import torch

    torch.manual_seed(SEED)
    model = torch.nn.Sequential(
        torch.nn.Linear(D_IN, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, D_OUT)
    )
    x_all = torch.randn(N, D_IN)
    y_all = torch.rand(N, D_OUT)
    setup = {
        "w1": model[0].weight.detach().numpy().copy(),
        "b1": model[0].bias.detach().numpy().copy(),
        "w2": model[2].weight.detach().numpy().copy(),
        "b2": model[2].bias.detach().numpy().copy(),
        "x": x_all.numpy().copy(),
        "y": y_all.numpy().copy(),
    }
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    steps: list[Record] = []
    losses: list[float] = []
    for _ in range(STEPS):
        idx = torch.randint(0, N, (BATCH,))
        keep_in = torch.rand(BATCH, D_IN) < KEEP_IN
        keep_hidden = torch.bernoulli(torch.full((BATCH, HIDDEN), KEEP_HIDDEN))
        noise = torch.randn(BATCH, D_OUT)
        xb = x_all[idx] * keep_in / KEEP_IN
        yb = y_all[idx] + LABEL_NOISE * noise
        h = torch.relu(model[0](xb)) * keep_hidden / KEEP_HIDDEN
        loss = torch.mean((model[2](h) - yb) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        steps.append(
            {
                "idx": idx.numpy().copy(),
                "keep_in": keep_in.numpy().copy(),
                "keep_hidden": keep_hidden.numpy().copy(),
                "noise": noise.numpy().copy(),
            }
        )
        losses.append(float(loss.detach()))
    final = [p.detach().numpy().copy() for p in model.parameters()]
    return setup, steps, losses, final


def linear_init(g: TorchCPUGenerator, fan_in: int, fan_out: int, xp: Any) -> tuple[Any, Any]:
    """``nn.Linear``'s initialization replayed: ``kaiming_uniform_(a=sqrt(5))``, then the bias.

    The bounds are computed with the same Python float operations as ``torch.nn.init``, so they
    round the same way (docs/migration.md).
    """
    gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))  # torch.nn.init.calculate_gain
    bound = math.sqrt(3.0) * (gain / math.sqrt(fan_in))
    w = g.uniform(-bound, bound, (fan_out, fan_in), xp=xp)
    b_bound = 1 / math.sqrt(fan_in)
    b = g.uniform(-b_bound, b_bound, (fan_out,), xp=xp)
    return w, b


def jax_program() -> tuple[Record, list[Record], list[float], list[np.ndarray]]:
    """The port: JAX, drawing the same numbers from the replay, in the same order."""
    import jax
    import jax.numpy as jnp

    g = TorchCPUGenerator(SEED)  # torch.manual_seed(SEED)
    w1, b1 = linear_init(g, D_IN, HIDDEN, jnp)  # nn.Linear(D_IN, HIDDEN)
    w2, b2 = linear_init(g, HIDDEN, D_OUT, jnp)  # nn.Linear(HIDDEN, D_OUT)
    x_all = g.randn((N, D_IN), xp=jnp)
    y_all = g.rand((N, D_OUT), xp=jnp)
    params = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}
    setup = {k: np.asarray(v) for k, v in params.items()}
    setup |= {"x": np.asarray(x_all), "y": np.asarray(y_all)}

    def loss_fn(p: dict[str, Any], xb: Any, yb: Any, keep_hidden: Any) -> Any:
        h = jax.nn.relu(xb @ p["w1"].T + p["b1"]) * keep_hidden / KEEP_HIDDEN
        return jnp.mean((h @ p["w2"].T + p["b2"] - yb) ** 2)

    value_and_grad = jax.jit(jax.value_and_grad(loss_fn))
    steps: list[Record] = []
    losses: list[float] = []
    for _ in range(STEPS):
        # int64 indices stay in NumPy (JAX without x64 has no int64); they index the batch.
        idx = g.randint(0, N, (BATCH,))  # torch.randint(0, N, (BATCH,))
        keep_in = g.rand((BATCH, D_IN), xp=jnp) < KEEP_IN  # torch.rand(...) < KEEP_IN
        keep_hidden = g.bernoulli(KEEP_HIDDEN, (BATCH, HIDDEN), xp=jnp)  # torch.bernoulli(full)
        noise = g.randn((BATCH, D_OUT), xp=jnp)  # torch.randn(BATCH, D_OUT)
        xb = x_all[idx] * keep_in / KEEP_IN
        yb = y_all[idx] + LABEL_NOISE * noise
        loss, grads = value_and_grad(params, xb, yb, keep_hidden)
        params = {k: v - LR * grads[k] for k, v in params.items()}
        steps.append(
            {
                "idx": np.asarray(idx),
                "keep_in": np.asarray(keep_in),
                "keep_hidden": np.asarray(keep_hidden),
                "noise": np.asarray(noise),
            }
        )
        losses.append(float(loss))
    final = [np.asarray(params[k]) for k in ("w1", "b1", "w2", "b2")]
    return setup, steps, losses, final


def same_bytes(name: str, a: np.ndarray, b: np.ndarray) -> None:
    """Asserts that two arrays have the same dtype, shape and bytes."""
    assert a.dtype == b.dtype and a.shape == b.shape, (name, a.dtype, a.shape, b.dtype, b.shape)
    assert a.tobytes() == b.tobytes(), f"{name}: the port's numbers differ from torch's"


def main() -> int:
    """Runs both programs and compares them step by step."""
    try:
        import jax  # noqa: F401
        import torch  # noqa: F401
    except ImportError as exc:
        print(f"SKIP: torch_to_jax_migration needs torch and jax ({exc})")
        return 0
    start = time.perf_counter()
    t_setup, t_steps, t_losses, t_final = torch_program()
    j_setup, j_steps, j_losses, j_final = jax_program()

    print(f"torch.manual_seed({SEED}): {len(t_setup)} setup tensors, {STEPS} training steps")
    for name in t_setup:
        same_bytes(f"setup {name}", t_setup[name], j_setup[name])
    print("  init weights, inputs, targets: bitwise equal (" + ", ".join(t_setup) + ")")
    print("  step  torch loss  jax loss   rel diff")
    worst = 0.0
    for step, (ts, js, tl, jl) in enumerate(zip(t_steps, j_steps, t_losses, j_losses, strict=True)):
        for name in ts:
            same_bytes(f"step {step} {name}", ts[name], js[name])
        rel = abs(tl - jl) / abs(tl)
        worst = max(worst, rel)
        print(f"  {step:4d}  {tl:.7f}   {jl:.7f}  {rel:.1e}")
        assert rel <= LOSS_RTOL, f"step {step}: loss {jl} vs torch {tl} (rel {rel:.2e})"
    names = ", ".join(t_steps[0])
    print(f"  every step's random tensors ({names}): bitwise equal")
    for name, tp, jp in zip(("w1", "b1", "w2", "b2"), t_final, j_final, strict=True):
        np.testing.assert_allclose(jp, tp, rtol=PARAM_RTOL, atol=PARAM_ATOL, err_msg=name)
    print(f"  final weights within rtol {PARAM_RTOL:.0e}, atol {PARAM_ATOL:.0e}")
    elapsed = time.perf_counter() - start
    print(
        f"OK: torch_to_jax_migration: {STEPS} steps, every random tensor bitwise, losses within "
        f"rtol {LOSS_RTOL:.0e} (largest {worst:.1e}) ({elapsed:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
