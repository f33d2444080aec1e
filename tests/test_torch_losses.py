"""Hinge losses: values and (sub)gradients against hand computations and numpy references."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from svmkit.torch import hinge_loss, multiclass_hinge_loss, squared_hinge_loss  # noqa: E402

pytestmark = pytest.mark.usefixtures("torch_single_thread")


def test_hinge_value_and_gradient_by_hand():
    # margins y z = 2, 0.5, -1, 1 (the last one exactly on the kink).
    z = torch.tensor([2.0, 0.5, 1.0, -1.0], requires_grad=True)
    y = torch.tensor([1.0, 1.0, -1.0, -1.0])
    loss = hinge_loss(z, y)
    # terms max(0, 1 - yz): 0, 0.5, 2, 0 → mean 2.5 / 4
    assert loss.item() == pytest.approx(0.625)
    loss.backward()
    # d/dz_i = -y_i / n where 1 - y_i z_i > 0; 0 where the term is 0, including the kink
    # (torch.relu's gradient at 0 is 0).
    torch.testing.assert_close(z.grad, torch.tensor([0.0, -0.25, 0.25, 0.0]))


def test_squared_hinge_value_and_gradient_by_hand():
    z = torch.tensor([[2.0], [0.5], [1.0], [-1.0]], requires_grad=True)
    y = torch.tensor([1.0, 1.0, -1.0, -1.0])
    loss = squared_hinge_loss(z, y)
    # terms 0, 0.25, 4, 0 → mean 4.25 / 4
    assert loss.item() == pytest.approx(1.0625)
    loss.backward()
    # d/dz_i = -2 y_i max(0, 1 - y_i z_i) / n: 0, -0.25, 1, 0 (smooth at the kink)
    torch.testing.assert_close(z.grad, torch.tensor([[0.0], [-0.25], [1.0], [0.0]]))


@pytest.mark.parametrize("loss", [hinge_loss, squared_hinge_loss])
def test_binary_losses_accept_column_shapes(loss):
    z = torch.randn(6, generator=torch.Generator().manual_seed(0))
    y = torch.tensor([1.0, -1.0, 1.0, 1.0, -1.0, -1.0])
    expected = loss(z, y)
    torch.testing.assert_close(loss(z[:, None], y), expected)
    torch.testing.assert_close(loss(z, y[:, None]), expected)
    torch.testing.assert_close(loss(z.double(), y), expected.double())


# --- multiclass against numpy references --------------------------------------------------------


def _reference(z: np.ndarray, y: np.ndarray, kind: str) -> float:
    n, K = z.shape
    t = -np.ones((n, K))
    t[np.arange(n), y] = 1.0
    if kind == "ovr":  # keras.losses.hinge on one-hot labels: mean over classes, then samples
        return float(np.maximum(0.0, 1.0 - t * z).mean(axis=1).mean())
    if kind == "squared_ovr":
        return float((np.maximum(0.0, 1.0 - t * z) ** 2).mean(axis=1).mean())
    total = 0.0
    for i in range(n):
        others = [z[i, k] for k in range(K) if k != y[i]]
        total += max(0.0, 1.0 + max(others) - z[i, y[i]])
    return total / n


@pytest.mark.parametrize("kind", ["ovr", "squared_ovr", "crammer_singer"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_multiclass_matches_numpy_reference(kind, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=1.5, size=(7, 4))
    z[0] = -np.abs(z[0])  # all scores negative: where max over k ≠ y matters most
    y = rng.integers(0, 4, size=7)
    value = multiclass_hinge_loss(torch.tensor(z), torch.tensor(y), kind=kind)
    assert value.item() == pytest.approx(_reference(z, y, kind), rel=1e-12)


def test_multiclass_by_hand_and_gradient():
    z = torch.tensor([[2.0, 0.5, -1.0]], requires_grad=True)
    y = torch.tensor([0])
    ovr = multiclass_hinge_loss(z, y, kind="ovr")
    # t = (+1, -1, -1): terms max(0, 1-2), max(0, 1+0.5), max(0, 1-1) → (0 + 1.5 + 0) / 3
    assert ovr.item() == pytest.approx(0.5)
    ovr.backward()
    # Only the middle term is active: d/dz_1 (1 + z_1) / 3 = 1/3; z_2 sits on its kink → 0.
    torch.testing.assert_close(z.grad, torch.tensor([[0.0, 1.0 / 3.0, 0.0]]))

    z = torch.tensor([[0.5, 1.0, -1.0]], requires_grad=True)
    cs = multiclass_hinge_loss(z, y, kind="crammer_singer")
    # 1 + max(1.0, -1.0) - 0.5 = 1.5; gradient -1 on the true class, +1 on the best other one.
    assert cs.item() == pytest.approx(1.5)
    cs.backward()
    torch.testing.assert_close(z.grad, torch.tensor([[-1.0, 1.0, 0.0]]))


def test_crammer_singer_differs_from_keras_quirk_when_all_others_negative():
    # keras' categorical_hinge would use max(0, 1 + 0 - 0.5) = 0.5 here; the maths gives
    # max(0, 1 + (-2) - 0.5) = 0.
    z = torch.tensor([[0.5, -2.0, -3.0]])
    assert multiclass_hinge_loss(z, torch.tensor([0]), kind="crammer_singer").item() == 0.0


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: hinge_loss(torch.zeros(3, 2), torch.ones(3)), ValueError, "z must have shape"),
        (lambda: hinge_loss(torch.zeros(3), torch.ones(4)), ValueError, "y has shape"),
        (lambda: hinge_loss([0.0], torch.ones(1)), TypeError, "z must be a torch.Tensor"),
        (lambda: squared_hinge_loss(torch.zeros(1), [1.0]), TypeError, "y must be"),
        (
            lambda: multiclass_hinge_loss(torch.zeros(3, 2), torch.zeros(3, dtype=torch.long), "x"),
            ValueError,
            "kind",
        ),
        (
            lambda: multiclass_hinge_loss(torch.zeros(3), torch.zeros(3, dtype=torch.long)),
            ValueError,
            "z must have shape",
        ),
        (
            lambda: multiclass_hinge_loss(torch.zeros(3, 2), torch.zeros(2, dtype=torch.long)),
            ValueError,
            "y must have shape",
        ),
        (
            lambda: multiclass_hinge_loss(torch.zeros(3, 2), torch.zeros(3)),
            TypeError,
            "y must hold integer class indices",
        ),
    ],
)
def test_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()
