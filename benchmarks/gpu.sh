#!/usr/bin/env bash
# `make bench-gpu`: the MNIST benchmark on a lent GPU machine, in one command (issue 13, item 5).
#
# That machine has python3 with CUDA PyTorch and JAX but no Keras, no TensorFlow and no network.
# Prepare it HERE, where PyPI is reachable:  make gpu-wheels   (fills _build/gpu: wheels + MNIST)
# Then run on the device, e.g. with the device tool's `run`:
#     carry=["_build/gpu"], timeout_s=600, command="bash benchmarks/gpu.sh"
# The results land in benchmarks/results/gpu-<card>.json and, when $OUT is set, in $OUT/ too.
#
# Steps: print the card and the versions; install what python3 lacks from _build/gpu/wheels into
# _build/gpu/site-<python> (pip --target --no-deps, only the missing distributions; put on PYTHONPATH, and
# svmkit itself runs from this source tree through PYTHONPATH); check MNIST; run
# benchmarks/mnist.py with the torch rows and the Keras rows on KERAS_BACKEND=torch, then the
# augmented model and the streamed-features rows (torch), then the frontier (a larger augmented
# model chosen on the validation split, searched for FRONTIER_S seconds at most), then the Keras
# rows again on KERAS_BACKEND=jax. Only the first benchmark step is fatal: a later step that fails
# is reported and the rows measured so far are kept (with $OUT set, the JSON is written there row
# by row, so it comes back even when the run is stopped at its time limit).
#
# Options:
#   --quick         tiny sizes, raw pixels only, no recipe rows (mnist.py --quick): a smoke test;
#                   results go to _build/gpu/results/, never to benchmarks/results/
#   --device D      torch/Keras device (default cuda); `--device cpu` smoke-tests it on a CPU machine
#   --gpu-dir DIR   the prepared folder (default _build/gpu): DIR/wheels, DIR/data/mnist.npz
#   --results DIR   where the JSON goes (default benchmarks/results, or DIR/results with --quick
#                   or a CPU device)
#   --no-jax        skip the Keras-on-jax pass
#   --no-frontier   skip the frontier search
#   -- ARGS...      passed on to benchmarks/mnist.py (e.g. -- --dims 16384,32768)
# Environment: PYTHON (default python3), BUDGET_S (default 480: the jax pass is skipped when the
# run has already taken longer, so that the whole stays inside the device tool's 600 s),
# FRONTIER_S (default 150: seconds after which the frontier search starts no new point).
set -euo pipefail

die() { echo "bench-gpu: ERROR: $*" >&2; exit 1; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
PYTHON=${PYTHON:-python3}
BUDGET_S=${BUDGET_S:-480}
FRONTIER_S=${FRONTIER_S:-150}
FRONTIER=1
QUICK=0
DEVICE=cuda
GPU_DIR=_build/gpu
RESULTS=""
JAX=1
EXTRA=()
while (($#)); do
    case $1 in
        --quick) QUICK=1 ;;
        --device) (($# >= 2)) || die "--device needs a value (cuda or cpu)"; DEVICE=$2; shift ;;
        --gpu-dir) (($# >= 2)) || die "--gpu-dir needs a folder"; GPU_DIR=$2; shift ;;
        --results) (($# >= 2)) || die "--results needs a folder"; RESULTS=$2; shift ;;
        --no-jax) JAX=0 ;;
        --no-frontier) FRONTIER=0 ;;
        --) shift; EXTRA=("$@"); break ;;
        -h | --help) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see bash benchmarks/gpu.sh --help)" ;;
    esac
    shift
done
case $DEVICE in cuda | cpu) ;; *) die "--device takes cuda or cpu, got '$DEVICE'" ;; esac
command -v "$PYTHON" >/dev/null || die "no '$PYTHON' on PATH (set PYTHON=...)"
[[ -d $GPU_DIR/wheels ]] || die "no wheel folder $GPU_DIR/wheels: run 'make gpu-wheels' where PyPI is reachable, then carry _build/gpu to this machine"
GPU_DIR=$(cd "$GPU_DIR" && pwd)

START=$SECONDS
step() { echo; echo "== [$((SECONDS - START)) s] $*"; }
JSON=""
if [[ -n ${OUT:-} ]]; then
    # The whole log comes back too, and the rows measured so far even when a step fails.
    mkdir -p "$OUT"
    exec > >(tee "$OUT/bench-gpu.log") 2>&1
fi

# ---- 1. the card and the versions ------------------------------------------------------------
step "machine"
CARD=cpu
if [[ $DEVICE == cuda ]]; then
    command -v nvidia-smi >/dev/null || die "--device cuda but no nvidia-smi here (use --device cpu for a CPU smoke test)"
    nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
    CARD=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1)
elif command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
fi
SLUG=$(echo "$CARD" | tr '[:upper:]' '[:lower:]' | sed -E 's/[^a-z0-9]+/-/g; s/^-+|-+$//g')
echo "card: $CARD (results file gpu-$SLUG.json)"

# svmkit runs from this source tree; the missing packages go to $SITE (both on PYTHONPATH, which
# benchmarks/mnist.py's child processes inherit). One site per interpreter and processor, so that
# a folder filled by another Python never shadows this one's packages.
TAG=$("$PYTHON" -c 'import platform, sys; print(f"{sys.implementation.cache_tag}-{platform.machine()}")') \
    || die "'$PYTHON' does not run"
SITE=$GPU_DIR/site-$TAG
export PYTHONPATH="$ROOT:$SITE${PYTHONPATH:+:$PYTHONPATH}"
export SVMKIT_OFFLINE=1 TF_CPP_MIN_LOG_LEVEL=2 MPLBACKEND=Agg PYTHONUNBUFFERED=1

"$PYTHON" - <<'EOF' || die "python3 cannot import torch (this script needs CUDA PyTorch)"
import platform
import torch
print(f"python {platform.python_version()}, torch {torch.__version__} "
      f"(cuda {torch.version.cuda}, available: {torch.cuda.is_available()})")
try:
    import jax
    print(f"jax {jax.__version__}")
except ImportError:
    print("jax: not installed")
EOF
if [[ $DEVICE == cuda ]]; then
    "$PYTHON" -c "import torch, sys; sys.exit(not torch.cuda.is_available())" \
        || die "torch.cuda.is_available() is False on this machine"
fi

# ---- 2. the missing packages, from the carried wheels -----------------------------------------
step "packages"
MISSING=$("$PYTHON" - "$GPU_DIR/wheels" <<'EOF'
import re
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

# Each wheel's distribution (its file name's first field), unless python3 already has it.
names = sorted({re.sub(r"[-_.]+", "-", w.name.split("-")[0]).lower()
                for w in Path(sys.argv[1]).glob("*.whl")})
missing = []
for name in names:
    try:
        distribution(name)
    except PackageNotFoundError:
        missing.append(name)
print(" ".join(missing))
EOF
)
if [[ -n $MISSING ]]; then
    echo "installing into $SITE: $MISSING"
    "$PYTHON" -m pip --version >/dev/null 2>&1 || die "python3 has no pip, and these are missing: $MISSING"
    # shellcheck disable=SC2086  # one argument per distribution name
    "$PYTHON" -m pip install --quiet --no-index --no-deps --no-compile --disable-pip-version-check \
        --find-links "$GPU_DIR/wheels" --target "$SITE" $MISSING \
        || die "pip could not install $MISSING from $GPU_DIR/wheels"
else
    echo "nothing to install: python3 has every carried distribution"
fi
# Everything the benchmark imports (KERAS_BACKEND=torch: TensorFlow is not needed).
KERAS_BACKEND=torch "$PYTHON" - <<'EOF' || die "a package is missing (named above): run 'make gpu-wheels' where PyPI is reachable and carry _build/gpu"
import importlib
import sys

for module in ("numpy", "scipy", "sklearn", "matplotlib", "PIL", "pooch", "tqdm", "keras",
               "svmkit", "svmkit.data", "svmkit.torch", "svmkit.keras"):
    try:
        importlib.import_module(module)
    except Exception as error:
        print(f"bench-gpu: ERROR: cannot import {module}: {type(error).__name__}: {error}",
              file=sys.stderr)
        sys.exit(1)
import keras
import svmkit
print(f"keras {keras.__version__}, svmkit {svmkit.__version__} (from {svmkit.__file__})")
EOF

# ---- 3. MNIST: the carried, verified cache (the machine cannot download) ----------------------
step "MNIST"
if [[ -f $GPU_DIR/data/mnist.npz ]]; then
    export SVMKIT_DATA=$GPU_DIR/data
fi
"$PYTHON" - <<'EOF' || die "MNIST is not available offline: run 'make gpu-wheels' (it copies mnist.npz into _build/gpu/data) and carry _build/gpu"
from svmkit.data import load_mnist, mnist_cache_dir
x_train, _, x_test, _ = load_mnist(offline=True)
print(f"MNIST from {mnist_cache_dir()}: {len(x_train)} training and {len(x_test)} test images")
EOF

# ---- 4. the benchmark --------------------------------------------------------------------------
if [[ -z $RESULTS ]]; then
    if ((QUICK)) || [[ $DEVICE != cuda ]]; then RESULTS=$GPU_DIR/results; else RESULTS=benchmarks/results; fi
fi
mkdir -p "$RESULTS"
NAME=gpu-$SLUG$( ((QUICK)) && echo -quick || true).json
# A fresh file per run: one machine and one date per file (mnist.py merges into an existing one).
# With $OUT set it is written there, row by row: what was measured comes back whatever happens.
WORK=${OUT:-$GPU_DIR/run}
if [[ -z ${OUT:-} ]]; then rm -rf "$WORK" && mkdir -p "$WORK"; fi
JSON=$WORK/$NAME
ARGS=(--device "$DEVICE" --json "$JSON")
if ((QUICK)); then ARGS+=(--quick --inputs raw --no-recipe); fi
ARGS+=(${EXTRA[@]+"${EXTRA[@]}"})

step "torch rows and Keras rows on KERAS_BACKEND=torch"
KERAS_BACKEND=torch KERAS_TORCH_DEVICE=$DEVICE "$PYTHON" benchmarks/mnist.py --framework both "${ARGS[@]}" \
    || die "benchmarks/mnist.py failed on the torch backend (see above)"

FAILED=()
step "the augmented model and the streamed-features rows (torch)"
AUGMENT_ARGS=(--extra-only --augmented --streaming)
if ((QUICK)); then AUGMENT_ARGS+=(--augment-epochs 1); fi
"$PYTHON" benchmarks/mnist.py --framework torch "${AUGMENT_ARGS[@]}" "${ARGS[@]}" \
    || FAILED+=("augmented/streamed rows")

if ((FRONTIER)); then
    step "the frontier: a larger augmented model chosen on the validation split (torch)"
    "$PYTHON" benchmarks/mnist.py --framework torch --extra-only --frontier \
        --frontier-budget "$FRONTIER_S" "${ARGS[@]}" || FAILED+=("frontier")
fi

JAX_STATUS="skipped (--no-jax)"
if ((JAX)) && ((SECONDS - START > BUDGET_S)); then
    JAX_STATUS="skipped: $((SECONDS - START)) s spent, over BUDGET_S=$BUDGET_S"
elif ((JAX)); then
    step "Keras rows on KERAS_BACKEND=jax"
    JAX_PLATFORM=$([[ $DEVICE == cuda ]] && echo cuda || echo cpu)
    if KERAS_BACKEND=jax JAX_PLATFORMS=$JAX_PLATFORM XLA_PYTHON_CLIENT_PREALLOCATE=false \
        "$PYTHON" benchmarks/mnist.py --framework keras --no-recipe "${ARGS[@]}"; then
        JAX_STATUS=done
    else
        JAX_STATUS="FAILED (see above); the other rows are kept"
        FAILED+=("Keras on jax")
    fi
fi

# ---- 5. the results ------------------------------------------------------------------------------
step "results"
[[ -s $JSON ]] || die "benchmarks/mnist.py wrote no $JSON"
cp "$JSON" "$RESULTS/$NAME"
echo "wrote $RESULTS/$NAME (Keras on jax: $JAX_STATUS)"
if [[ -n ${OUT:-} ]]; then
    echo "(written row by row to \$OUT/$NAME)"
fi
if ((${#FAILED[@]})); then
    echo "bench-gpu: WARNING: these steps failed (see above), their rows are missing: ${FAILED[*]}" >&2
fi
echo "bench-gpu: done in $((SECONDS - START)) s"
