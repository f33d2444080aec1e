"""Tests of svmkit.animate: the margin animation callback, its renderer and its replay."""

from __future__ import annotations

import io
import json
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from PIL import Image

from svmkit import _html, animate, widgets
from svmkit.animate import MarginAnimation
from svmkit.plot import decision_function_of, decision_grid

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
    assert animation.drawn == 1 + 101  # before training, then every batch (the last included)


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


def player_config(text):
    match = re.search(r"var config = (\{.*?\});\n", text)
    assert match, "player has no configuration"
    return json.loads(match.group(1).replace("<\\/", "</"))


def test_to_html_contains_every_frame_unique_ids_and_no_external_resources():
    animation = MarginAnimation(X, Y, every=3, resolution=40, live=False)
    fake_fit(ToyModel(), animation, 12)
    text = animation.to_html()
    uris = frames_in_html(text)
    assert len(uris) == animation.frame_count == 5
    assert uris == [_html.data_uri(frame) for frame in animation.frames]
    config = player_config(text)
    [axis] = config["axes"]  # one frame slider, with a play button, opening on the last frame
    assert axis["name"] is None and axis["start"] == 4 and config["play"] == {"delay": 125}
    assert axis["labels"][1] == "frame 2 of 5" and config["captions"] == animation.captions
    assert f'src="{uris[-1]}"' in text and 'alt="margin bands of the SVM during training, frame 5' \
        ' of 5"' in text
    assert "http://" not in text and "https://" not in text and "<script src" not in text
    assert len(text.encode()) < _html.MAX_HTML_BYTES
    ids = set(re.findall(r'id="(svmkit-animation-[0-9a-f]+)"', text))
    other = set(re.findall(r'id="(svmkit-animation-[0-9a-f]+)"', animation.to_html()))
    assert len(ids) == 1 and ids.isdisjoint(other)
    assert 'class="svmkit-player svmkit-animation" role="group"' in animation._repr_html_()


def test_to_html_refuses_pages_over_the_size_limit(monkeypatch):
    animation = MarginAnimation(X, Y, every=3, resolution=20, live=False)
    fake_fit(ToyModel(), animation, 6)
    monkeypatch.setattr(_html, "MAX_HTML_BYTES", 20_000)
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
    monkeypatch.setattr(widgets, "live_kernel", lambda: True)
    monkeypatch.setattr(widgets, "_has_ipywidgets", lambda: False)  # IPython's display suffices
    monkeypatch.delenv("SVMKIT_STATIC_WIDGETS", raising=False)
    animation = MarginAnimation(X, Y, every=2, resolution=20)
    fake_fit(ToyModel(), animation, 8)
    assert calls == {"display": 1, "update": animation.frame_count - 1}
    fake_fit(ToyModel(), animation, 2)  # a new fit gets a new output
    assert calls["display"] == 2

    monkeypatch.setenv("SVMKIT_STATIC_WIDGETS", "1")  # website build: record, do not display
    fake_fit(ToyModel(), MarginAnimation(X, Y, every=2, resolution=20), 4)
    assert calls["display"] == 2
    # An explicit argument wins over the environment, both ways.
    fake_fit(ToyModel(), MarginAnimation(X, Y, every=2, resolution=20, live=True), 4)
    assert calls["display"] == 3
    monkeypatch.delenv("SVMKIT_STATIC_WIDGETS")
    fake_fit(ToyModel(), MarginAnimation(X, Y, every=2, resolution=20, live=False), 4)
    assert calls["display"] == 3


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
        grid = torch.as_tensor(animation.grid, dtype=torch.float32)
        expected = model(grid).numpy().reshape(30, 30)
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
        np.asarray(model.predict(animation.grid.astype("float32"), verbose=0)).ravel(),
        rtol=1e-5,
        atol=1e-6,
    )


def test_keras_callback_is_svmkit_keras_adapter():
    pytest.importorskip("keras")
    from svmkit.keras import CallbackAdapter

    animation = MarginAnimation(X, Y, live=False)
    callback = animation.keras_callback()
    assert isinstance(callback, CallbackAdapter) and callback.callback is animation


def test_renderer_evaluates_models_like_plot_decision_grid():
    torch = pytest.importorskip("torch")
    model = torch.nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[0.7, -1.3]]))
        model.bias.fill_(0.2)
    animation = MarginAnimation(X, Y, resolution=25, padding=0.3, live=False)
    xx, yy, zz = decision_grid(decision_function_of(model), X, resolution=25, padding=0.3)
    np.testing.assert_array_equal(animation.decision_values(model), zz)
    np.testing.assert_array_equal(animation.renderer.xx, xx)
    np.testing.assert_array_equal(animation.renderer.yy, yy)
    # ... and those are the model's own values on the grid, in float32 like the model.
    np.testing.assert_allclose(zz, 0.7 * xx - 1.3 * yy + 0.2, rtol=1e-5, atol=1e-5)
    assert np.array_equal(animation.grid, np.column_stack([xx.ravel(), yy.ravel()]))


def test_renderer_keeps_only_the_last_model_alive():
    import gc
    import weakref

    animation = MarginAnimation(X, Y, resolution=10, live=False)
    first = ToyModel()
    animation.decision_values(first)
    alive = weakref.ref(first)
    animation.decision_values(ToyModel())
    del first
    gc.collect()
    assert alive() is None


def test_constructor_validation():
    with pytest.raises(ValueError, match="every"):
        MarginAnimation(X, Y, every=0)
    with pytest.raises(ValueError, match="max_frames"):
        MarginAnimation(X, Y, max_frames=1)
    with pytest.raises(ValueError, match="labels"):
        MarginAnimation(X, Y[:-1])
