"""Tests of svmkit.animate: the margin animation callback, its replay, and score_run."""

from __future__ import annotations

import io
import json
import re
from typing import ClassVar

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from PIL import Image

from svmkit import animate, widgets
from svmkit.animate import Baseline, MarginAnimation, score_run

RNG = np.random.default_rng(0)
X = np.concatenate([RNG.normal(-1.5, 0.6, (40, 2)), RNG.normal(1.5, 0.6, (40, 2))])
Y = np.repeat([-1.0, 1.0], 40)


class ToyModel:
    """A linear 'model' z = w·x + b that a fake training loop changes in place."""

    def __init__(self):
        self.w = np.array([0.1, 0.0])
        self.b = 0.5

    def __call__(self, points):
        return points @ self.w + self.b

    def margin_width(self):
        return 2 / np.linalg.norm(self.w)


def fake_fit(model, callback, batches, batches_per_epoch=4):
    callback.on_train_begin(model)
    for step in range(batches):
        model.w = model.w + np.array([0.05, 0.02])
        model.b *= 0.9
        callback.on_batch_end(step, {"loss": 1.0 / (step + 1), "model": model})
        if (step + 1) % batches_per_epoch == 0:
            callback.on_epoch_end(step // batches_per_epoch, {"model": model})
    callback.on_train_end({"model": model})


def frames_in_html(text):
    match = re.search(r"var frames = (\[.*?\]);", text)
    assert match, "player has no frame array"
    return json.loads(match.group(1).replace("<\\/", "</"))


def decode(frame):
    return np.asarray(Image.open(io.BytesIO(frame)).convert("RGB"), dtype=float)


@pytest.mark.parametrize(("batches", "every", "expected"), [(20, 5, 5), (22, 5, 6), (3, 10, 2)])
def test_frame_count_initial_periodic_and_final(batches, every, expected):
    animation = MarginAnimation(X, Y, every=every, resolution=40, live=False)
    fake_fit(ToyModel(), animation, batches)
    # one before training, one every `every` batches, one at the end unless just drawn
    assert animation.frame_count == expected
    assert animation.captions[0].startswith("batch 0 ")
    assert animation.captions[-1].startswith(f"batch {batches} ")


def test_captions_name_the_epoch_each_drawn_batch_belongs_to():
    # 4 batches per epoch, drawn every 4: batch 4 is the last of epoch 1, batch 8 of epoch 2.
    animation = MarginAnimation(X, Y, every=4, resolution=20, live=False)
    fake_fit(ToyModel(), animation, 8)
    epochs = [re.search(r"epoch (\d+)", caption).group(1) for caption in animation.captions]
    assert epochs == ["0", "1", "2"], animation.captions


def test_downsampling_keeps_first_and_last_and_bounds_memory():
    animation = MarginAnimation(
        X, Y, every=1, resolution=20, max_frames=7, live=False, figsize=(2, 2), dpi=40
    )
    fake_fit(ToyModel(), animation, 101)
    assert animation.frame_count == 7
    steps = [int(caption.split()[1]) for caption in animation.captions]
    assert steps[0] == 0 and steps[-1] == 101
    assert steps == sorted(steps) and len(set(steps)) == 7
    gaps = np.diff(steps)
    assert gaps.max() <= 2 * gaps.min() + 2  # spread evenly over the run
    assert len(animation._kept) <= 2 * 7 + 1  # thinned while training, not only at the end


def test_frames_differ_as_the_model_changes_and_show_the_bands():
    animation = MarginAnimation(X, Y, every=5, resolution=60, live=False, image_format="png")
    fake_fit(ToyModel(), animation, 30)
    first, last = decode(animation.frames[0]), decode(animation.frames[-1])
    assert first.shape == last.shape == (360, 400, 3)  # 5 × 4.5 in at 80 dpi
    assert np.abs(first - last).mean() > 1.0
    # At the start z = 0.1 x₁ + 0.5 lies in (−1, 1] over the whole plane: only pale bands;
    # after training the strong tint of the z > 1 band appears.
    strong_positive = np.array(matplotlib.colors.to_rgb(animation_band(3))) * 255
    assert not np.any(np.all(np.abs(first - strong_positive) < 4, axis=-1))
    assert np.any(np.all(np.abs(last - strong_positive) < 4, axis=-1))


def animation_band(index):
    from svmkit.plot import BAND_COLORS

    return BAND_COLORS[index]


def test_decision_values_grid_orientation():
    animation = MarginAnimation(X, Y, resolution=11, live=False)
    z = animation.decision_values(lambda points: points[:, 0])
    assert z.shape == (11, 11)
    assert np.all(np.diff(z, axis=1) > 0) and np.allclose(np.diff(z, axis=0), 0)
    with pytest.raises(ValueError, match="binary model"):
        animation.decision_values(lambda points: np.zeros((len(points), 3)))


def test_to_html_contains_every_frame_unique_ids_and_no_external_resources():
    animation = MarginAnimation(X, Y, every=3, resolution=40, live=False)
    fake_fit(ToyModel(), animation, 12)
    text = animation.to_html()
    uris = frames_in_html(text)
    assert len(uris) == animation.frame_count == 5
    assert uris == [widgets._data_uri(frame) for frame in animation.frames]
    assert text.count('type="range"') == 1 and "<button" in text
    assert "http://" not in text and "https://" not in text and "<script src" not in text
    assert len(text.encode()) < widgets.MAX_HTML_BYTES
    ids = set(re.findall(r'id="(svmkit-animation-[0-9a-f]+)"', text))
    other = set(re.findall(r'id="(svmkit-animation-[0-9a-f]+)"', animation.to_html()))
    assert len(ids) == 1 and ids.isdisjoint(other)
    assert animation._repr_html_().startswith("<div")


def test_to_html_refuses_pages_over_the_size_limit(monkeypatch):
    animation = MarginAnimation(X, Y, every=3, resolution=20, live=False)
    fake_fit(ToyModel(), animation, 6)
    monkeypatch.setattr(widgets, "MAX_HTML_BYTES", 20_000)
    with pytest.raises(ValueError, match="MB"):
        animation.to_html()


def test_empty_animation_has_a_plain_repr():
    animation = MarginAnimation(X, Y, live=False)
    assert animation._repr_html_() is None
    assert "frames=0" in repr(animation)
    with pytest.raises(ValueError, match="no frames"):
        animation.to_html()


def test_save_gif_round_trip_and_other_formats(tmp_path, monkeypatch):
    animation = MarginAnimation(X, Y, every=4, resolution=30, live=False)
    fake_fit(ToyModel(), animation, 16)
    path = animation.save(tmp_path / "run.gif", fps=5)
    with Image.open(path) as gif:
        assert gif.n_frames == animation.frame_count == 5
        assert gif.size == (400, 360)
        assert gif.info["duration"] == 200
    html_path = animation.save(tmp_path / "run.html")
    assert len(frames_in_html(html_path.read_text(encoding="utf-8"))) == 5
    monkeypatch.setattr(animate.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="ffmpeg"):
        animation.save(tmp_path / "run.mp4")
    with pytest.raises(ValueError, match=r"\.gif"):
        animation.save(tmp_path / "run.avi")


def test_live_display_updates_one_handle(monkeypatch):
    import IPython.display

    calls = {"display": 0, "update": 0}

    class Handle:
        def update(self, obj):
            assert isinstance(obj, IPython.display.Image)
            calls["update"] += 1

    def fake_display(obj, display_id=False):
        assert display_id is True
        calls["display"] += 1
        return Handle()

    monkeypatch.setattr(IPython.display, "display", fake_display)
    monkeypatch.setattr(animate, "live_kernel", lambda: True)
    monkeypatch.delenv("SVMKIT_STATIC_WIDGETS", raising=False)
    animation = MarginAnimation(X, Y, every=2, resolution=20)
    fake_fit(ToyModel(), animation, 8)
    assert calls == {"display": 1, "update": animation.frame_count - 1}

    monkeypatch.setenv("SVMKIT_STATIC_WIDGETS", "1")  # website build: record, do not display
    fake_fit(ToyModel(), MarginAnimation(X, Y, every=2, resolution=20), 4)
    assert calls["display"] == 1


def test_with_a_torch_model_and_svmkit_fit():
    torch = pytest.importorskip("torch")
    svmkit_torch = pytest.importorskip("svmkit.torch")
    torch.manual_seed(0)
    model = svmkit_torch.LinearSVM(2)
    animation = MarginAnimation(X, Y, every=5, resolution=30, live=False)
    svmkit_torch.fit(
        model,
        X.astype(np.float32),
        Y.astype(np.float32),
        loss="hinge",
        epochs=3,
        batch_size=16,
        callbacks=[animation],
        progress=False,
        seed=0,
    )
    # 80 samples / 16 = 5 batches per epoch, 15 batches: initial + 3 periodic frames
    assert animation.frame_count == 4
    assert animation.epoch == 3
    assert "margin width 2/‖w‖" in animation.captions[-1]
    z = animation.decision_values(model)
    with torch.no_grad():
        expected = model(torch.as_tensor(animation.grid)).numpy().reshape(30, 30)
    np.testing.assert_allclose(z, expected, rtol=1e-6)


def test_keras_callback_records_frames_during_model_fit():
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="hinge")
    animation = MarginAnimation(X, Y, every=2, resolution=20, live=False)
    callback = animation.keras_callback()
    assert isinstance(callback, keras.callbacks.Callback)
    model.fit(
        X.astype("float32"),
        Y.astype("float32"),
        batch_size=20,
        epochs=2,
        verbose=0,
        callbacks=[callback],
    )
    # 4 batches per epoch, 8 batches: initial + 4 periodic frames
    assert animation.frame_count == 5
    assert animation.epoch == 2
    np.testing.assert_allclose(
        animation.decision_values(model).ravel(),
        np.asarray(model.predict(animation.grid, verbose=0)).ravel(),
        rtol=1e-5,
        atol=1e-6,
    )


def test_fallback_keras_adapter_forwards_the_protocol():
    pytest.importorskip("keras")
    events = []

    class Target:
        def on_train_begin(self, model):
            events.append(("begin", model))

        def on_batch_end(self, step, logs):
            events.append(("batch", step, logs["loss"], logs["model"]))

        def on_epoch_end(self, epoch, logs):
            events.append(("epoch", epoch))

        def on_train_end(self, logs):
            events.append(("end",))

    adapter = animate._fallback_keras_adapter()(Target())
    adapter.set_model("MODEL")
    adapter.on_train_begin()
    adapter.on_train_batch_end(0, {"loss": np.float32(0.5)})
    adapter.on_train_batch_end(0, {"loss": 0.25})
    adapter.on_epoch_end(0, {})
    adapter.on_train_end()
    assert events == [
        ("begin", "MODEL"),
        ("batch", 0, 0.5, "MODEL"),
        ("batch", 1, 0.25, "MODEL"),
        ("epoch", 0),
        ("end",),
    ]


def test_constructor_validation():
    with pytest.raises(ValueError, match="every"):
        MarginAnimation(X, Y, every=0)
    with pytest.raises(ValueError, match="max_frames"):
        MarginAnimation(X, Y, max_frames=1)
    with pytest.raises(ValueError, match="labels"):
        MarginAnimation(X, Y[:-1])


# -- score_run ------------------------------------------------------------------------------
BASELINE = Baseline(
    epochs_to_target=4, final_accuracy=0.95, margin_width=1.0, description="SGD lr=0.1"
)


def test_epochs_to_reach_arithmetic():
    assert animate.epochs_to_reach([0.2, 0.5, 0.99, 0.97, 1.0]) == 3.0
    assert animate.epochs_to_reach([0.9]) == 1.0
    assert animate.epochs_to_reach([0.2, 0.5, 0.98, 0.99], fraction=0.5) == 2.0
    assert animate.epochs_to_reach(np.linspace(0, 1, 10), batches_per_epoch=4) == 2.5
    with pytest.raises(ValueError, match="empty"):
        animate.epochs_to_reach([])


def test_score_run_pass():
    score = score_run(
        {"loss": [1, 0.5, 0.4], "accuracy": [0.90, 0.955, 0.96]},
        baseline=BASELINE,
        margin_width=0.95,
    )
    assert score.passed
    assert score.epochs_to_target == 2.0 and score.speedup == 2.0
    assert score.final_accuracy == 0.96
    text = repr(score)
    assert text.startswith("RunScore: PASS") and "SGD lr=0.1" in text and "✗" not in text


@pytest.mark.parametrize(
    ("accuracy", "margin", "failing"),
    [
        ([0.5, 0.6, 0.7, 0.8, 0.9, 0.96], 1.0, "epochs to 99%"),  # slower: 6 > 4 epochs
        ([0.92, 0.93], 1.0, "final accuracy"),  # fast but 0.93 < 0.95 − 0.005
        ([0.96, 0.96], 0.8, "margin width"),  # margin 20 % narrower than the baseline
    ],
)
def test_score_run_fail(accuracy, margin, failing):
    score = score_run(accuracy, baseline=BASELINE, margin_width=margin)
    assert not score.passed
    assert repr(score).startswith("RunScore: FAIL")
    failed = [name for name, _, _, ok in score.checks if not ok]
    assert len(failed) == 1 and failed[0].startswith(failing)


def test_score_run_reads_keras_history_and_logged_margin():
    class KerasLikeHistory:
        history: ClassVar[dict] = {"accuracy": [0.8, 0.95, 0.951], "margin_width": [2.0, 1.5, 1.2]}

    score = score_run(KerasLikeHistory(), baseline=BASELINE)
    assert score.margin_width == 1.2 and score.passed
    no_margin = score_run([0.95], baseline=Baseline(1, 0.95))
    assert no_margin.passed and len(no_margin.checks) == 2
    baseline = Baseline.from_history(KerasLikeHistory(), description="measured")
    assert (baseline.epochs_to_target, baseline.margin_width) == (2.0, 1.2)
    with pytest.raises(KeyError, match="accuracy"):
        score_run({"loss": [1.0]}, baseline=BASELINE)
