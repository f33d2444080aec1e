"""svmkit.contract's specs hold normalised values, at the edges of their ranges (issue 14).

Mutation testing found that the checks' *results* were never looked at: a spec that validated
``sigma=2`` but kept the int, or refused ``lr_decay=1`` (inside the documented (0, 1]), passed.
"""

from __future__ import annotations

import numpy as np
import pytest

from svmkit import contract
from svmkit.contract import FeatureSpec, TrainSpec, check_penalty, check_seed


def test_feature_spec_stores_the_checked_values():
    spec = FeatureSpec(sigma=2, output_dim=np.int64(8), seed=np.int64(3))
    assert type(spec.sigma) is float and spec.sigma == 2.0
    assert type(spec.output_dim) is int and spec.output_dim == 8
    assert type(spec.seed) is int and spec.seed == 3
    for flag in ("orthogonal", "normalize", "trainable"):
        assert type(getattr(FeatureSpec(**{flag: np.bool_(True)}), flag)) is bool


def test_train_spec_stores_the_checked_values():
    spec = TrainSpec(
        lam=1, epochs=np.int64(2), batch_size=np.int64(16), lr=1, lr_decay=1, seed=np.int64(5)
    )
    assert type(spec.lam) is float and spec.lam == 1.0
    assert type(spec.epochs) is int and spec.epochs == 2
    assert type(spec.batch_size) is int and spec.batch_size == 16
    assert type(spec.lr) is float and spec.lr == 1.0
    assert type(spec.lr_decay) is float and spec.lr_decay == 1.0  # (0, 1] includes 1
    assert type(spec.seed) is int and spec.seed == 5


def test_full_batch_recipe():
    spec = TrainSpec(batch_size=None, epochs=3)
    assert spec.batch(10) == 10 and spec.steps(10) == 3
    assert TrainSpec(batch_size=4).batch(3) == 3  # never more than the data


@pytest.mark.parametrize("seed", [0, 2**62, 2**63 - 1])
def test_seeds_up_to_two_to_the_63_are_accepted(seed):
    assert check_seed(seed) == seed
    assert FeatureSpec(seed=seed).seed == TrainSpec(seed=seed).seed == seed


def test_check_penalty_default_name_and_zero():
    assert check_penalty(0) == 0.0 and type(check_penalty(0)) is float
    assert check_penalty(np.float32(0.5)) == 0.5
    with pytest.raises(ValueError, match=r"^lam must be a finite number ≥ 0, got -1\.0$"):
        check_penalty(-1.0)
    with pytest.raises(ValueError, match=r"^weight_decay must be a finite number ≥ 0, got nan$"):
        check_penalty(float("nan"), "weight_decay")


def test_n_outputs_of_binary_and_multiclass_losses():
    assert TrainSpec().n_outputs([0, 1, 2]) == 1  # a binary loss has one output
    assert TrainSpec(loss="ovr").n_outputs(np.array([0, 2, 1, 2, 3])) == 4
    assert TrainSpec(loss="crammer_singer").n_outputs([1, 1]) == 2  # at least two
    with pytest.raises(TypeError, match=r"^y must contain real numbers"):
        TrainSpec(loss="ovr").n_outputs(np.array(["a", "b"]))


@pytest.mark.skipif(not hasattr(contract, "check_spec"), reason="older contract")
def test_check_spec_names_the_argument():
    spec = TrainSpec()
    assert contract.check_spec(spec, "training", TrainSpec) is spec
    with pytest.raises(
        TypeError, match=r"^training must be a svmkit\.contract\.TrainSpec, got str$"
    ):
        contract.check_spec("adam", "training", TrainSpec)
    with pytest.raises(TypeError, match=r"^features must be a svmkit\.contract\.FeatureSpec, got "):
        contract.check_spec(spec, "features", FeatureSpec)


@pytest.mark.skipif(not hasattr(contract, "validation_pair"), reason="older contract")
@pytest.mark.parametrize("bad", [None, ([0.0],), ([0.0], [1], [2]), "ab"])
def test_validation_pair(bad):
    X_val, y_val = [[0.0]], [1]
    assert contract.validation_pair((X_val, y_val)) == (X_val, y_val)
    assert contract.validation_pair([X_val, y_val]) == (X_val, y_val)
    with pytest.raises(TypeError, match=r"^validation_data must be a pair \(X_val, y_val\)$"):
        contract.validation_pair(bad)
