"""Tests of svmkit.plot: band rule, grids, model adapters and the static figures."""

from __future__ import annotations

from typing import ClassVar

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb

from svmkit import plot


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_margin_bands_rule_including_boundaries():
    z = np.array([-5.0, -1.0, -0.999, 0.0, 1e-9, 1.0, 1.000001, 7.0])
    assert plot.margin_bands(z).tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    assert plot.margin_bands(z.reshape(2, 4)).shape == (2, 4)


def test_decision_grid_orientation_and_extent():
    X = np.array([[0.0, 10.0], [2.0, 14.0]])
    xx, yy, zz = plot.decision_grid(lambda P: 100 * P[:, 0] + P[:, 1], X, resolution=5, padding=1.0)
    assert xx.shape == yy.shape == zz.shape == (5, 5)
    assert xx[0, 0] == -1.0 and xx[0, -1] == 3.0
    assert yy[0, 0] == 9.0 and yy[-1, 0] == 15.0
    np.testing.assert_allclose(zz, 100 * xx + yy)


def test_decision_grid_rejects_wrong_output_size():
    with pytest.raises(ValueError, match="one value per point"):
        plot.decision_grid(lambda P: P, np.arange(6.0).reshape(3, 2))


def _pixel_rgb(fig, ax, x, y):
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())
    px, py = ax.transData.transform((x, y))
    row = pixels.shape[0] - round(py)
    return pixels[row, round(px), :3] / 255.0


def test_margin_band_colours_of_known_points():
    """z = x₁ − 1: each probe point must be painted with the colour of its band."""
    X = np.array([[-4.0, -2.0], [4.0, 2.0]])
    y = np.array([-1, 1])
    fig, ax = plt.subplots(figsize=(6, 5), dpi=100)
    plot.plot_margin_bands(ax, lambda P: P[:, 0] - 1.0, X, y, legend=False, resolution=300)
    probes = {-2.5: 0, 0.5: 1, 1.5: 2, 3.0: 3}  # x₁ -> expected band of z = x₁ − 1
    for x1, band in probes.items():
        assert plot.margin_bands(x1 - 1.0) == band
        rgb = _pixel_rgb(fig, ax, x1, 0.7)
        np.testing.assert_allclose(
            rgb, to_rgb(plot.BAND_COLORS[band]), atol=0.03, err_msg=f"x1={x1}"
        )


def test_plot_margin_bands_artists_lines_and_labels():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = np.where(X[:, 0] > 0, 1, -1)
    _fig, ax = plt.subplots()
    artists = plot.plot_margin_bands(
        ax, lambda P: 2 * P[:, 0], X, y, support_vectors=[0, 3, 5], title="t"
    )
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$" and ax.get_title() == "t"
    assert list(artists["lines"].levels) == [-1.0, 0.0, 1.0]
    assert len(artists["support_vectors"].get_offsets()) == 3
    negative, positive = artists["points"]
    assert len(negative.get_offsets()) == int((y < 0).sum())
    assert len(positive.get_offsets()) == int((y > 0).sum())
    np.testing.assert_allclose(negative.get_facecolor()[0][:3], to_rgb(plot.CLASS_COLORS[0]))
    labels = [text.get_text() for text in artists["legend"].get_texts()]
    assert labels == ["y = −1", "y = +1", "z = 0", "z = ±1", "support vectors"]


def test_support_vectors_mask_equals_indices():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [3.0, 1.0]])
    y = np.array([0, 0, 1, 1])  # {0, 1} labels are accepted
    _fig, (a, b) = plt.subplots(1, 2)
    mask = np.array([False, True, True, False])
    rings_a = plot.plot_margin_bands(
        a, lambda P: P[:, 0] - 1.5, X, y, support_vectors=mask, resolution=20
    )["support_vectors"]
    rings_b = plot.plot_margin_bands(
        b, lambda P: P[:, 0] - 1.5, X, y, support_vectors=[1, 2], resolution=20
    )["support_vectors"]
    np.testing.assert_array_equal(rings_a.get_offsets(), rings_b.get_offsets())


def test_plot_margin_bands_rejects_bad_labels():
    _fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="two classes"):
        plot.plot_margin_bands(ax, lambda P: P[:, 0], np.zeros((3, 2)), np.array([0, 1, 2]))


def test_decision_function_of_torch_linear():
    torch = pytest.importorskip("torch")
    layer = torch.nn.Linear(2, 1)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[2.0, -1.0]]))
        layer.bias.fill_(0.25)
    layer.train()
    decision_fn = plot.decision_function_of(layer)
    points = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    z = decision_fn(points)
    assert z.shape == (3,)
    np.testing.assert_allclose(z, [2.25, -0.75, 0.75], rtol=1e-6)
    assert layer.training  # the adapter restores the training mode


def test_decision_function_of_rejects_multiclass_torch():
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match="one output column"):
        plot.decision_function_of(torch.nn.Linear(2, 3))(np.zeros((4, 2)))


def test_decision_function_of_keras_dense():
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.layers[-1].set_weights(
        [np.array([[1.0], [3.0]], dtype="float32"), np.array([-0.5], dtype="float32")]
    )
    z = plot.decision_function_of(model)(np.array([[1.0, 1.0], [0.0, -1.0]]))
    assert z.shape == (2,)
    np.testing.assert_allclose(z, [3.5, -3.5], rtol=1e-6)


def test_decision_function_of_estimator_and_callable():
    class Estimator:
        def decision_function(self, X):
            return X.sum(axis=1)

    points = np.array([[1.0, 2.0], [3.0, -4.0]])
    np.testing.assert_allclose(plot.decision_function_of(Estimator())(points), [3.0, -1.0])
    np.testing.assert_allclose(plot.decision_function_of(lambda P: P[:, :1])(points), [1.0, 3.0])
    with pytest.raises(TypeError, match="decision_function_of"):
        plot.decision_function_of(42)


def test_decision_function_of_a_fitted_scikit_learn_svc():
    # SVC has predict() and no parameters(): it must not be mistaken for a Keras model.
    from sklearn.svm import SVC

    X = np.array([[-2.0, 0.0], [-1.0, 1.0], [1.0, -1.0], [2.0, 0.0]])
    svc = SVC(kernel="linear").fit(X, [-1, -1, 1, 1])
    np.testing.assert_allclose(plot.decision_function_of(svc)(X), svc.decision_function(X))


def test_plot_losses_history_like_objects():
    class KerasLikeHistory:
        history: ClassVar[dict] = {"loss": [3.0, 2.0], "accuracy": [0.1, 0.2]}

    _fig, ax = plt.subplots()
    lines = plot.plot_losses(ax, KerasLikeHistory())
    assert [line.get_label() for line in lines] == ["loss"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2])
    lines = plot.plot_losses(ax, {"accuracy": [0.1, 0.9]}, keys=["accuracy"])
    np.testing.assert_array_equal(lines[0].get_ydata(), [0.1, 0.9])
    with pytest.raises(KeyError, match="val_loss"):
        plot.plot_losses(ax, {"loss": [1.0]}, keys=["val_loss"])


def test_plot_kernel_error_slope_and_reference():
    dims = np.array([10, 100, 1000, 10000])
    _fig, ax = plt.subplots()
    slope = plot.plot_kernel_error(ax, dims, 3.0 * dims**-0.5, label="gaussian")
    assert slope == pytest.approx(-0.5)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["gaussian (slope -0.50)", "∝ 1/√D"]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    repeats = np.column_stack([dims**-1.0, 1.2 * dims**-1.0])
    assert plot.plot_kernel_error(ax, dims, repeats, reference=False) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="shape"):
        plot.plot_kernel_error(ax, dims, [1.0, 2.0])


def test_plot_confusion_matrix_counts_and_normalisation():
    _fig, (a, b) = plt.subplots(1, 2)
    y_true = ["cat", "cat", "dog", "dog", "dog"]
    y_pred = ["cat", "dog", "dog", "dog", "cat"]
    counts = plot.plot_confusion_matrix(a, y_true, y_pred)
    np.testing.assert_array_equal(counts, [[1, 1], [1, 2]])
    assert sorted(t.get_text() for t in a.texts) == ["1", "1", "1", "2"]
    assert a.get_xlabel() == "predicted label" and a.get_ylabel() == "true label"
    fractions = plot.plot_confusion_matrix(b, y_true, y_pred, labels=["dog", "cat"], normalize=True)
    np.testing.assert_allclose(fractions, [[2 / 3, 1 / 3], [1 / 2, 1 / 2]])
    with pytest.raises(ValueError, match="bird"):
        plot.plot_confusion_matrix(a, ["bird"], ["cat"], labels=["cat"])


def test_show_digits_titles_and_flat_input():
    images = np.arange(5 * 784).reshape(5, 784) % 255
    fig = plot.show_digits(images, [1, 2, 3, 4, 5], predictions=[1, 2, 0, 4, 5], ncols=2)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["1", "2", "3 → 0", "4", "5"]
    assert fig.axes[2].title.get_color() == "#D55E00"
    assert fig.axes[0].images[0].get_array().shape == (28, 28)


def test_no_warning_when_the_margin_lines_leave_the_plot(recwarn):
    """z > 1 everywhere (e.g. an untrained model): bands only, and no contour warning."""
    _fig, ax = plt.subplots()
    artists = plot.plot_margin_bands(ax, lambda P: 5.0 + 0 * P[:, 0], np.eye(2), [-1, 1],
                                     resolution=20)
    assert artists["lines"] is None
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]
    partial = plot.plot_margin_bands(ax, lambda P: P[:, 0] + 0.25, np.eye(2), [-1, 1],
                                     resolution=20)
    assert list(partial["lines"].levels) == [0.0, 1.0]
