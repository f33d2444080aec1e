"""Error messages name the offending argument first, and say exactly what was wrong.

``pytest.raises(match=...)`` searches anywhere in the message, and for names like "X" or "y"
almost any message matches (issue 14). Here every message is matched whole, from its first
character: ``^<argument> must ...$`` (a trailing "…" matches any rest, e.g. an object's repr).
A message that names the wrong argument, or none, fails.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from svmkit import contract as c
from svmkit import data as d
from svmkit import dual
from svmkit import kernels as k
from svmkit import objective as o


def _pattern(message: str) -> str:
    if message.endswith("…"):
        return "^" + re.escape(message[:-1])
    return "^" + re.escape(message) + "$"


NUMPY_CASES = [
    (
        "pair-Y-1d",
        lambda: k.laplacian_kernel([[0.0]], [0.0, 1.0]),
        ValueError,
        "Y must be 2-dimensional (n_samples, n_features), got 1 dimension(s) with shape (2,); "
        "reshape a single feature with Y.reshape(-1, 1)",
    ),
    (
        "rff-X-1d",
        lambda: k.random_fourier_features([0.0, 1.0], np.zeros((2, 4)), np.zeros(4), 1.0),
        ValueError,
        "X must be 2-dimensional (n_samples, n_features), got 1 dimension(s) with shape (2,); "
        "reshape a single feature with X.reshape(-1, 1)",
    ),
    (
        "rff-omega-1d",
        lambda: k.random_fourier_features(np.zeros((1, 2)), np.zeros(4), np.zeros(4), 1.0),
        ValueError,
        "omega must be 2-dimensional (n_samples, n_features), got 1 dimension(s) with shape "
        "(4,); reshape a single feature with omega.reshape(-1, 1)",
    ),
    (
        "kae-X-nan",
        lambda: k.kernel_approximation_error(
            [[np.nan]], kernel="gaussian", sigma=1.0, output_dim=4
        ),
        ValueError,
        "X contains NaN or infinity",
    ),
    (
        "lambda_from_C-C",
        lambda: o.lambda_from_C(0, 10),
        ValueError,
        "C must be a finite number > 0, got 0",
    ),
    (
        "lambda_from_C-n",
        lambda: o.lambda_from_C(1.0, 0),
        ValueError,
        "n_samples must be a positive integer, got 0",
    ),
    (
        "C_from_lambda-lam",
        lambda: o.C_from_lambda(-1.0, 10),
        ValueError,
        "lam must be a finite number > 0, got -1.0",
    ),
    (
        "C_from_lambda-n",
        lambda: o.C_from_lambda(1.0, 1.5),
        TypeError,
        "n_samples must be an integer, got float",
    ),
    (
        "primal-X",
        lambda: o.primal_objective([1.0, 2.0], [1, -1], [1.0], 0.0, lam=0.1),
        ValueError,
        (
            "X must be 2-dimensional (n_samples, n_features), got 1 dimension(s) with shape (2,); "
            "reshape a single feature with X.reshape(-1, 1)"
        ),
    ),
    (
        "primal-y",
        lambda: o.primal_objective([[1.0], [2.0]], [1, 2], [1.0], 0.0, lam=0.1),
        ValueError,
        "y must hold two classes labelled {-1, +1} or {0, 1}, got values [1, 2]",
    ),
    (
        "primal-len",
        lambda: o.primal_objective([[1.0], [2.0]], [1, -1, 1], [1.0], 0.0, lam=0.1),
        ValueError,
        "y has 3 labels but X has 2 rows",
    ),
    (
        "primal-w",
        lambda: o.primal_objective([[1.0], [2.0]], [1, -1], [1.0, 2.0], 0.0, lam=0.1),
        ValueError,
        "w must hold 1 weights, got shape (2,)",
    ),
    (
        "primal-lam",
        lambda: o.primal_objective([[1.0], [2.0]], [1, -1], [1.0], 0.0, lam=-0.1),
        ValueError,
        "lam must be non-negative, got -0.1",
    ),
    (
        "gauss-sigma",
        lambda: k.gaussian_kernel([[0.0]], sigma=0),
        ValueError,
        "sigma must be a finite number > 0, got 0",
    ),
    (
        "lap-sigma",
        lambda: k.laplacian_kernel([[0.0]], sigma=-1),
        ValueError,
        "sigma must be a finite number > 0, got -1",
    ),
    (
        "cauchy-sigma",
        lambda: k.cauchy_kernel([[0.0]], sigma=float("nan")),
        ValueError,
        "sigma must be a finite number > 0, got nan",
    ),
    (
        "pair-Y",
        lambda: k.gaussian_kernel([[0.0, 1.0]], [[0.0]]),
        ValueError,
        "Y has 1 features but X has 2",
    ),
    (
        "pair-X",
        lambda: k.gaussian_kernel([0.0, 1.0]),
        ValueError,
        (
            "X must be 2-dimensional (n_samples, n_features), got 1 dimension(s) with shape (2,); "
            "reshape a single feature with X.reshape(-1, 1)"
        ),
    ),
    (
        "kernel_matrix-kernel",
        lambda: k.kernel_matrix([[0.0]], kernel="rbf", sigma=1.0),
        ValueError,
        "kernel must be one of 'gaussian', 'laplacian', 'cauchy'; got 'rbf'",
    ),
    (
        "default_scale-n",
        lambda: k.default_scale(0, "gaussian"),
        ValueError,
        "n_features_in must be a positive integer, got 0",
    ),
    (
        "default_scale-kernel",
        lambda: k.default_scale(2, "poly"),
        ValueError,
        "kernel must be one of 'gaussian', 'laplacian', 'cauchy'; got 'poly'",
    ),
    (
        "freq-n",
        lambda: k.sample_frequencies(0, 3),
        ValueError,
        "n_features_in must be a positive integer, got 0",
    ),
    (
        "freq-out",
        lambda: k.sample_frequencies(2, -3),
        ValueError,
        "output_dim must be a positive integer, got -3",
    ),
    (
        "freq-kernel",
        lambda: k.sample_frequencies(2, 3, kernel="rbf"),
        ValueError,
        "kernel must be one of 'gaussian', 'laplacian', 'cauchy'; got 'rbf'",
    ),
    (
        "freq-seed-type",
        lambda: k.sample_frequencies(2, 3, seed=1.5),
        TypeError,
        "seed must be None or a non-negative integer, got float",
    ),
    (
        "freq-seed-neg",
        lambda: k.sample_frequencies(2, 3, seed=-1),
        ValueError,
        "seed must be None or a non-negative integer, got -1",
    ),
    (
        "freq-seed-bool",
        lambda: k.sample_frequencies(2, 3, seed=True),
        TypeError,
        "seed must be None or a non-negative integer, got bool",
    ),
    (
        "freq-orth",
        lambda: k.sample_frequencies(2, 3, kernel="laplacian", orthogonal=True),
        ValueError,
        (
            "orthogonal random features are only defined for kernel='gaussian', got "
            "kernel='laplacian'"
        ),
    ),
    (
        "phases-out",
        lambda: k.sample_phases(0),
        ValueError,
        "output_dim must be a positive integer, got 0",
    ),
    (
        "rff-omega-rows",
        lambda: k.random_fourier_features(np.zeros((1, 2)), np.zeros((3, 4)), np.zeros(4), 1.0),
        ValueError,
        "omega has 3 rows but X has 2 features",
    ),
    (
        "rff-beta",
        lambda: k.random_fourier_features(np.zeros((1, 2)), np.zeros((2, 4)), np.zeros(3), 1.0),
        ValueError,
        "beta has 3 entries but omega has 4 columns",
    ),
    (
        "rff-scale",
        lambda: k.random_fourier_features(np.zeros((1, 2)), np.zeros((2, 4)), np.zeros(4), 0.0),
        ValueError,
        "scale must be a finite number > 0, got 0.0",
    ),
    (
        "rff-beta-2d",
        lambda: k.random_fourier_features(
            np.zeros((1, 2)), np.zeros((2, 4)), np.zeros((4, 1)), 1.0
        ),
        ValueError,
        "beta must be 1-dimensional (n_samples,), got 2 dimension(s) with shape (4, 1)",
    ),
    (
        "kae-out",
        lambda: k.kernel_approximation_error(
            np.zeros((2, 2)), kernel="gaussian", sigma=1.0, output_dim=0
        ),
        ValueError,
        "output_dim must be a positive integer, got 0",
    ),
    (
        "blobs-n",
        lambda: d.make_blobs(1),
        ValueError,
        "n_samples must be at least 2, got 1",
    ),
    (
        "blobs-n0",
        lambda: d.make_blobs(0),
        ValueError,
        "n_samples must be a positive integer, got 0",
    ),
    (
        "blobs-spread",
        lambda: d.make_blobs(10, spread=0),
        ValueError,
        "spread must be a finite number > 0, got 0",
    ),
    (
        "moons-noise",
        lambda: d.make_moons(10, noise=-0.1),
        ValueError,
        "noise must be a finite number >= 0, got -0.1",
    ),
    (
        "moons-noise-type",
        lambda: d.make_moons(10, noise="a"),
        TypeError,
        "noise must be a real number, got str",
    ),
    (
        "moons-noise-bool",
        lambda: d.make_moons(10, noise=True),
        TypeError,
        "noise must be a real number, got bool",
    ),
    (
        "moons-noise-inf",
        lambda: d.make_moons(10, noise=float("inf")),
        ValueError,
        "noise must be a finite number >= 0, got inf",
    ),
    (
        "circles-factor",
        lambda: d.make_circles(10, factor=1.0),
        ValueError,
        "factor must be in (0, 1), got 1.0",
    ),
    (
        "circles-factor0",
        lambda: d.make_circles(10, factor=0),
        ValueError,
        "factor must be a finite number > 0, got 0",
    ),
    (
        "xor-seed",
        lambda: d.make_xor(10, seed=-2),
        ValueError,
        "seed must be a non-negative integer or None, got -2",
    ),
    (
        "xor-seed-type",
        lambda: d.make_xor(10, seed=1.0),
        TypeError,
        "seed must be an integer or None, got float",
    ),
    (
        "xor-seed-bool",
        lambda: d.make_xor(10, seed=False),
        TypeError,
        "seed must be an integer or None, got bool",
    ),
    (
        "flatten-1d",
        lambda: d.flatten_images(np.zeros(3)),
        ValueError,
        (
            "images must have shape (n_samples, height, width) or (n_samples, n_pixels), got "
            "shape (3,)"
        ),
    ),
    (
        "flatten-int",
        lambda: d.flatten_images(np.full((1, 2), 256)),
        ValueError,
        "images must hold integer pixel values in 0..255",
    ),
    (
        "flatten-neg",
        lambda: d.flatten_images(np.full((1, 2), -1)),
        ValueError,
        "images must hold integer pixel values in 0..255",
    ),
    (
        "flatten-float",
        lambda: d.flatten_images(np.full((1, 2), 1.5)),
        ValueError,
        "images must hold float values in [0, 1]; pass the uint8 images to scale by 1/255",
    ),
    (
        "flatten-floatneg",
        lambda: d.flatten_images(np.full((1, 2), -0.5)),
        ValueError,
        "images must hold float values in [0, 1]; pass the uint8 images to scale by 1/255",
    ),
    (
        "deskew-ndim",
        lambda: d.deskew(np.zeros((2, 2))),
        ValueError,
        "images must have shape (n, height, width), got (2, 2)",
    ),
    (
        "deskew-dtype",
        lambda: d.deskew(np.zeros((1, 2, 2), dtype=bool)),
        TypeError,
        "images must be numeric, got dtype bool",
    ),
    (
        "deskew-chunk",
        lambda: d.deskew(np.zeros((1, 2, 2)), chunk_size=0),
        ValueError,
        "chunk_size must be a positive integer, got 0",
    ),
    (
        "mnist-timeout",
        lambda: d.load_mnist("/tmp/x", timeout=-1),
        ValueError,
        "timeout must be a finite number > 0, got -1",
    ),
    (
        "dual-C",
        lambda: dual.solve_dual([[0.0], [1.0]], [1, -1], C=0),
        ValueError,
        "C must be a finite number > 0, got 0",
    ),
    (
        "dual-kernel",
        lambda: dual.solve_dual([[0.0], [1.0]], [1, -1], kernel="poly"),
        ValueError,
        "kernel must be one of 'linear', 'rbf', 'laplacian'; got 'poly'",
    ),
    (
        "dual-tol",
        lambda: dual.solve_dual([[0.0], [1.0]], [1, -1], tol=0),
        ValueError,
        "tol must be a finite number > 0, got 0",
    ),
    (
        "dual-max_iter",
        lambda: dual.solve_dual([[0.0], [1.0]], [1, -1], max_iter=0),
        ValueError,
        "max_iter must be a positive integer, got 0",
    ),
    (
        "dual-sigma",
        lambda: dual.solve_dual([[0.0], [1.0]], [1, -1], kernel="rbf", sigma=-1.0),
        ValueError,
        "sigma must be a finite number > 0, got -1.0",
    ),
    (
        "dual-y",
        lambda: dual.solve_dual([[0.0], [1.0]], [1, 1]),
        ValueError,
        "y has a single class (1); a binary SVM needs both classes",
    ),
    (
        "dual-Xy",
        lambda: dual.solve_dual([[0.0], [1.0]], [1, -1, 1]),
        ValueError,
        "y has 3 labels but X has 2 samples",
    ),
    (
        "kkt-C",
        lambda: dual.kkt_violations(np.zeros(2), [1, -1], np.zeros(2), C=0),
        ValueError,
        "C must be a finite number > 0, got 0",
    ),
    (
        "fs-kernel",
        lambda: c.FeatureSpec(kernel="rbf"),
        ValueError,
        "kernel must be one of 'gaussian', 'laplacian', 'cauchy'; got 'rbf'",
    ),
    (
        "fs-sigma",
        lambda: c.FeatureSpec(sigma=0),
        ValueError,
        "sigma must be a finite number > 0, got 0",
    ),
    (
        "fs-out",
        lambda: c.FeatureSpec(output_dim=0),
        ValueError,
        "output_dim must be a positive integer, got 0",
    ),
    (
        "fs-flag",
        lambda: c.FeatureSpec(normalize=1),
        TypeError,
        "normalize must be True or False, got 1",
    ),
    (
        "fs-seed",
        lambda: c.FeatureSpec(seed=-1),
        ValueError,
        "seed must be None or an integer in [0, 2**63), got -1",
    ),
    (
        "fs-seed-type",
        lambda: c.FeatureSpec(seed="a"),
        TypeError,
        "seed must be None or a non-negative integer, got 'a'",
    ),
    (
        "fs-seed-big",
        lambda: c.FeatureSpec(seed=2**63),
        ValueError,
        "seed must be None or an integer in [0, 2**63), got 9223372036854775808",
    ),
    (
        "fs-orth",
        lambda: c.FeatureSpec(kernel="cauchy", orthogonal=True),
        ValueError,
        "orthogonal random features need kernel='gaussian', got kernel='cauchy'",
    ),
    (
        "ts-loss",
        lambda: c.TrainSpec(loss="log"),
        ValueError,
        (
            "loss must be one of 'hinge', 'squared_hinge', 'ovr', 'squared_ovr', "
            "'crammer_singer'; got 'log'"
        ),
    ),
    (
        "ts-opt",
        lambda: c.TrainSpec(optimizer="lbfgs"),
        ValueError,
        "optimizer must be one of 'sgd', 'adam'; got 'lbfgs'",
    ),
    (
        "ts-lam",
        lambda: c.TrainSpec(lam=-1),
        ValueError,
        "lam must be a finite number ≥ 0, got -1",
    ),
    (
        "ts-lam-type",
        lambda: c.TrainSpec(lam="a"),
        TypeError,
        "lam must be a number, got str",
    ),
    (
        "ts-lam-bool",
        lambda: c.TrainSpec(lam=True),
        TypeError,
        "lam must be a number, got bool",
    ),
    (
        "ts-lam-inf",
        lambda: c.TrainSpec(lam=float("inf")),
        ValueError,
        "lam must be a finite number ≥ 0, got inf",
    ),
    (
        "ts-epochs",
        lambda: c.TrainSpec(epochs=0),
        ValueError,
        "epochs must be a positive integer, got 0",
    ),
    (
        "ts-batch",
        lambda: c.TrainSpec(batch_size=0),
        ValueError,
        "batch_size must be a positive integer, got 0",
    ),
    (
        "ts-lr",
        lambda: c.TrainSpec(lr=0),
        ValueError,
        "lr must be a finite number > 0, got 0",
    ),
    (
        "ts-decay",
        lambda: c.TrainSpec(lr_decay=1.5),
        ValueError,
        "lr_decay must be in (0, 1], got 1.5",
    ),
    (
        "ts-decay0",
        lambda: c.TrainSpec(lr_decay=0),
        ValueError,
        "lr_decay must be a finite number > 0, got 0",
    ),
    (
        "ts-seed",
        lambda: c.TrainSpec(seed=-1),
        ValueError,
        "seed must be None or an integer in [0, 2**63), got -1",
    ),
    (
        "ts-fromC",
        lambda: c.TrainSpec.from_C(0, 10),
        ValueError,
        "C must be a finite number > 0, got 0",
    ),
    (
        "ts-fromC-n",
        lambda: c.TrainSpec.from_C(1.0, 0),
        ValueError,
        "n_samples must be a positive integer, got 0",
    ),
    (
        "ts-decay_to",
        lambda: c.TrainSpec().decay_to(0, 10),
        ValueError,
        "fraction must be a finite number > 0, got 0",
    ),
    (
        "signed",
        lambda: c.signed_labels([0, 2], name="targets"),
        ValueError,
        "targets must hold two classes labelled {-1, +1} or {0, 1}, got values [0, 2]",
    ),
    (
        "check_seed-name",
        lambda: c.check_seed(-1, "random_state"),
        ValueError,
        "random_state must be None or an integer in [0, 2**63), got -1",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [case[1:] for case in NUMPY_CASES],
    ids=[case[0] for case in NUMPY_CASES],
)
def test_numpy_core_messages_are_exact(call, error, message):
    with pytest.raises(error, match=_pattern(message)):
        call()


def _framework_cases():
    torch = pytest.importorskip("torch")
    keras = pytest.importorskip("keras")
    from svmkit import keras as sk
    from svmkit.keras import losses as kl
    from svmkit.torch import LinearSVM, RandomFourierFeatures, rff_svm
    from svmkit.torch.losses import hinge_loss, multiclass_hinge_loss, squared_hinge_loss

    return [
        (
            "t-lin-in",
            lambda: LinearSVM(0),
            ValueError,
            "in_features must be a positive integer, got 0",
        ),
        (
            "t-lin-out",
            lambda: LinearSVM(2, 0),
            ValueError,
            "out_features must be a positive integer, got 0",
        ),
        (
            "t-lin-margin",
            lambda: LinearSVM(2, 3).margin_width(),
            ValueError,
            "margin_width is defined for a binary SVM (out_features=1), got out_features=3",
        ),
        (
            "t-rff-in",
            lambda: RandomFourierFeatures(0, 4),
            ValueError,
            "in_features must be a positive integer, got 0",
        ),
        (
            "t-rff-out",
            lambda: RandomFourierFeatures(2, 0),
            ValueError,
            "output_dim must be a positive integer, got 0",
        ),
        (
            "t-rff-kernel",
            lambda: RandomFourierFeatures(2, 4, kernel="rbf"),
            ValueError,
            "kernel must be one of 'gaussian', 'laplacian', 'cauchy'; got 'rbf'",
        ),
        (
            "t-rff-fwd",
            lambda: RandomFourierFeatures(2, 4, seed=0)(torch.zeros(3, 5)),
            ValueError,
            "x has 5 features but the layer expects in_features=2",
        ),
        (
            "t-rffsvm-n",
            lambda: rff_svm(2, n_classes=1),
            ValueError,
            "n_classes must be at least 2, got 1",
        ),
        (
            "t-hinge-z",
            lambda: hinge_loss([1.0], torch.ones(1)),
            TypeError,
            "z must be a torch.Tensor, got list",
        ),
        (
            "t-hinge-y",
            lambda: hinge_loss(torch.ones(1), [1.0]),
            TypeError,
            "y must be a torch.Tensor, got list",
        ),
        (
            "t-hinge-zshape",
            lambda: hinge_loss(torch.ones(2, 2), torch.ones(2)),
            ValueError,
            (
                "z must have shape (n,) or (n, 1) for a binary loss, got (2, 2); use "
                "multiclass_hinge_loss for several outputs"
            ),
        ),
        (
            "t-hinge-yshape",
            lambda: squared_hinge_loss(torch.ones(2), torch.ones(3)),
            ValueError,
            "y has shape (3,) but z has shape (2,)",
        ),
        (
            "t-mc-kind",
            lambda: multiclass_hinge_loss(
                torch.ones(2, 3), torch.zeros(2, dtype=torch.long), kind="x"
            ),
            ValueError,
            "kind must be one of 'ovr', 'squared_ovr', 'crammer_singer'; got 'x'",
        ),
        (
            "t-mc-z",
            lambda: multiclass_hinge_loss(torch.ones(2), torch.zeros(2, dtype=torch.long)),
            ValueError,
            "z must have shape (n, K) for a multiclass loss, got (2,)",
        ),
        (
            "t-mc-y",
            lambda: multiclass_hinge_loss(torch.ones(2, 3), torch.zeros(3, dtype=torch.long)),
            ValueError,
            "y must have shape (2,) (class indices), got (3,)",
        ),
        (
            "t-mc-ydtype",
            lambda: multiclass_hinge_loss(torch.ones(2, 3), torch.zeros(2)),
            TypeError,
            "y must hold integer class indices, got dtype torch.float32",
        ),
        (
            "k-lin-units",
            lambda: sk.LinearSVM(0),
            ValueError,
            "units must be a positive integer, got 0",
        ),
        (
            "k-lin-l2",
            lambda: sk.LinearSVM(1, l2=-1.0),
            ValueError,
            "l2 must be a finite number ≥ 0, got -1.0",
        ),
        (
            "k-lin-margin",
            lambda: (lambda m: (m.build((None, 2)), m.margin_width()))(sk.LinearSVM(3)),
            ValueError,
            "margin_width is defined for a binary SVM (units=1), got units=3",
        ),
        (
            "k-rff-kernel",
            lambda: sk.RandomFourierFeatures(4, kernel=3),
            ValueError,
            (
                "kernel must be one of 'gaussian', 'laplacian', 'cauchy' or a "
                "keras.initializers.Initializer; got 3"
            ),
        ),
        (
            "k-rff-kernelname",
            lambda: sk.RandomFourierFeatures(4, kernel="rbf"),
            ValueError,
            "kernel must be one of 'gaussian', 'laplacian', 'cauchy'; got 'rbf'",
        ),
        (
            "k-rff-out",
            lambda: sk.RandomFourierFeatures(0),
            ValueError,
            "output_dim must be a positive integer, got 0",
        ),
        (
            "k-rff-sigma",
            lambda: sk.RandomFourierFeatures(4, sigma=-1.0),
            ValueError,
            "sigma must be a finite number > 0, got -1.0",
        ),
        (
            "k-rff-orth-init",
            lambda: sk.RandomFourierFeatures(
                4, kernel=keras.initializers.RandomNormal(), orthogonal=True
            ),
            ValueError,
            "orthogonal random features need kernel='gaussian'; got …",
        ),
        (
            "k-rff-build",
            lambda: sk.RandomFourierFeatures(4).build((None, None)),
            ValueError,
            (
                "RandomFourierFeatures needs a known last input dimension; got input shape (None, "
                "None)"
            ),
        ),
        (
            "k-lin-build",
            lambda: sk.LinearSVM(1).build((None, None)),
            ValueError,
            "LinearSVM needs a known last input dimension; got input shape (None, None)",
        ),
        (
            "k-hinge-shape",
            lambda: kl.hinge_loss(np.ones((2, 3)), np.ones(2)),
            ValueError,
            "y_true and y_pred must have the same shape; got y_true (2, 3) and y_pred (2,).",
        ),
        (
            "k-mc-pred",
            lambda: kl.multiclass_hinge_loss(np.zeros(2), np.ones(2)),
            ValueError,
            "y_pred must have shape (n, K); got (2,).",
        ),
        (
            "k-mc-cols",
            lambda: kl.multiclass_hinge_loss(np.zeros(2), np.ones((2, 1))),
            ValueError,
            "y_pred must have at least 2 class columns; got 1.",
        ),
        (
            "k-mc-true",
            lambda: kl.multiclass_hinge_loss(np.zeros((2, 2, 2)), np.ones((2, 3))),
            ValueError,
            "y_true must hold class indices of shape (n,) or one-hot rows (n, K); got (2, 2, 2).",
        ),
        (
            "k-mc-kind",
            lambda: kl.multiclass_hinge_loss(np.zeros(2), np.ones((2, 3)), kind="x"),
            ValueError,
            "kind must be one of 'ovr', 'squared_ovr', 'crammer_singer'; got 'x'",
        ),
        (
            "k-MC-kind",
            lambda: kl.MulticlassHinge(kind="x"),
            ValueError,
            "kind must be one of 'ovr', 'squared_ovr', 'crammer_singer'; got 'x'",
        ),
    ]


# The cases are built inside the test so that importing this module loads no framework.
FRAMEWORK_IDS = [
    "t-lin-in",
    "t-lin-out",
    "t-lin-margin",
    "t-rff-in",
    "t-rff-out",
    "t-rff-kernel",
    "t-rff-fwd",
    "t-rffsvm-n",
    "t-hinge-z",
    "t-hinge-y",
    "t-hinge-zshape",
    "t-hinge-yshape",
    "t-mc-kind",
    "t-mc-z",
    "t-mc-y",
    "t-mc-ydtype",
    "k-lin-units",
    "k-lin-l2",
    "k-lin-margin",
    "k-rff-kernel",
    "k-rff-kernelname",
    "k-rff-out",
    "k-rff-sigma",
    "k-rff-orth-init",
    "k-rff-build",
    "k-lin-build",
    "k-hinge-shape",
    "k-mc-pred",
    "k-mc-cols",
    "k-mc-true",
    "k-mc-kind",
    "k-MC-kind",
]


@pytest.mark.parametrize("index", range(len(FRAMEWORK_IDS)), ids=FRAMEWORK_IDS)
def test_framework_messages_are_exact(index):
    name, call, error, message = _framework_cases()[index]
    assert name == FRAMEWORK_IDS[index]
    with pytest.raises(error, match=_pattern(message)):
        call()


_X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
_Y = np.array([0, 1, 1, 0])


def _fit(**params):
    from svmkit.estimator import SVMClassifier

    return lambda y=_Y: SVMClassifier(**params).fit(_X, y)


ESTIMATOR_CASES = [
    ("C", _fit(C=0), ValueError, "C must be a finite number > 0, got 0"),
    ("kernel", _fit(kernel="poly"), ValueError,
     "kernel must be one of 'linear', 'rbf', 'laplacian'; got 'poly'"),
    ("n_components", _fit(n_components=0), ValueError,
     "n_components must be a positive integer, got 0"),
    ("loss", _fit(loss="log"), ValueError,
     "loss must be one of 'hinge', 'squared_hinge'; got 'log'"),
    ("backend", _fit(backend="jax"), ValueError,
     "backend must be one of 'torch', 'keras'; got 'jax'"),
    ("max_epochs", _fit(max_epochs=0), ValueError, "max_epochs must be a positive integer, got 0"),
    ("batch_size", _fit(batch_size=0), ValueError, "batch_size must be a positive integer, got 0"),
    ("learning_rate", _fit(learning_rate=-1.0), ValueError,
     "learning_rate must be a finite number > 0, got -1.0"),
    ("gamma-name", _fit(gamma="wide"), ValueError,
     "gamma must be one of 'scale', 'auto'; got 'wide'"),
    ("gamma-value", _fit(gamma=-1.0), ValueError, "gamma must be a finite number > 0, got -1.0"),
    ("orthogonal-type", _fit(orthogonal=1), TypeError, "orthogonal must be True or False, got 1"),
    ("orthogonal-kernel", _fit(kernel="laplacian", orthogonal=True), ValueError,
     "orthogonal random features need kernel='rbf', got kernel='laplacian'"),
    ("device", _fit(device="quantum", max_epochs=1), ValueError,
     "device 'quantum' is not usable: …"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [case[1:] for case in ESTIMATOR_CASES],
    ids=[case[0] for case in ESTIMATOR_CASES],
)
def test_estimator_messages_are_exact(call, error, message):
    with pytest.raises(error, match=_pattern(message)):
        call()


def test_estimator_single_class_message():
    with pytest.raises(ValueError, match=r"^y has a single class \(.*0.*\); SVMClassifier needs"):
        _fit()(np.zeros(4))
