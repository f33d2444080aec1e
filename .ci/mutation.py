"""`make mutation`: mutmut 3 over svmkit's numerical core, one module at a time, score per module.

Usage::

    python .ci/mutation.py                       # every module of MODULES
    python .ci/mutation.py svmkit/objective.py   # some of them
    python .ci/mutation.py --report              # the table again, from _build/mutation/

mutmut plants one small bug at a time (``*`` → ``/``, ``<`` → ``<=``, a constant + 1, a string
changed, an argument dropped...) into a copy of the package under ``mutants/`` and runs the
selected tests that call the mutated function. A mutant is *killed* when a test fails (or it times
out). A surviving mutant is a missing test, unless tests/MUTANTS.md lists it with the reason it is
equivalent or harmless. Results, logs and the diff of every survivor go to ``_build/mutation/``.

Each module runs with its own fast test selection (MODULES below) in a fresh ``mutants/``, so one
module's tests never slow another's mutants. Two things mutmut cannot do by itself here are patched
in before its command line runs:

- ``__init__`` methods of Keras layers and losses and of scikit-learn estimators are not mutated:
  both frameworks read the ``__init__`` signature (``get_config``, ``get_params``), and mutmut's
  trampoline replaces it by ``(*args, **kwargs)``. Their argument checks live in
  ``svmkit.contract`` and ``svmkit._validation``, which are mutated and tested directly.
- The test selection and the mutated file come from MODULES, not from pyproject.toml.
"""

from __future__ import annotations

import ast
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "mutation"

_NUMPY_MESSAGES = "tests/test_error_messages.py::test_numpy_core_messages_are_exact"
_FRAMEWORK_MESSAGES = "tests/test_error_messages.py::test_framework_messages_are_exact"
# Tests that start a fresh interpreter import the unmutated package: they cannot kill anything.
_NOT_IN_PROCESS = "not process_state and not global_generators and not notices_off_the_page"

#: Module → the tests that exercise it (the fast ones; mutmut runs only those that call the
#: mutated function, stopping at the first failure).
MODULES: dict[str, list[str]] = {
    "svmkit/objective.py": ["tests/test_objective.py", _NUMPY_MESSAGES],
    "svmkit/kernels.py": ["tests/test_kernels.py", "tests/test_rbf_sampler.py", _NUMPY_MESSAGES],
    "svmkit/contract.py": [
        "tests/test_contract.py", "tests/test_contract_values.py", _NUMPY_MESSAGES,
        _FRAMEWORK_MESSAGES,
        "tests/test_streaming.py::test_stores_features_follows_the_budget_and_the_frozen_map",
        "tests/test_streaming.py::test_stores_features_rejects_a_bad_budget_by_name",
        "-k", _NOT_IN_PROCESS,
    ],
    # (chapter 2's SGD comparison trains for seconds and checks the primal side, not SMO)
    "svmkit/dual.py": ["tests/test_dual.py", _NUMPY_MESSAGES, "-k", "not pytorch_sgd"],
    "svmkit/data.py": ["tests/test_data.py", "tests/test_mnist.py", _NUMPY_MESSAGES],
    "svmkit/torch/losses.py": [
        "tests/test_torch_losses.py", "tests/test_twin_values.py", _FRAMEWORK_MESSAGES,
    ],
    "svmkit/torch/layers.py": [
        "tests/test_torch_layers.py", "tests/test_twin_values.py", "tests/test_rbf_sampler.py",
        _FRAMEWORK_MESSAGES,
    ],
    "svmkit/keras/losses.py": [
        "tests/test_keras_losses.py", "tests/test_twin_values.py", _FRAMEWORK_MESSAGES,
    ],
    "svmkit/keras/layers.py": [
        "tests/test_keras_layers.py", "tests/test_keras_phases.py", "tests/test_rbf_sampler.py",
        "tests/test_twin_values.py", _FRAMEWORK_MESSAGES,
    ],
    # (scikit-learn's check_estimator battery takes most of the time; its input checks are
    # scikit-learn's validate_data, not svmkit's numbers)
    "svmkit/estimator.py": [
        "tests/test_estimator.py", "tests/test_estimator_objective.py",
        "tests/test_rbf_sampler.py", "tests/test_lr_schedule.py",
        "tests/test_error_messages.py::test_estimator_messages_are_exact",
        "tests/test_error_messages.py::test_estimator_single_class_message",
        "-k", "not loads_no_framework and not sklearn_compatible and not test_torch_fit",
    ],
}  # fmt: skip

#: Functions left unmutated, with the reason: they hold no number a reader learns from.
SKIP: dict[str, tuple[str, ...]] = {
    # the network download (pooch does the hashing and the writing) and where the cache lives
    "svmkit/data.py": ("_download", "mnist_cache_dir", "_is_offline"),
}

# The ``__init__`` of classes derived from these is left alone (see the module docstring).
_SIGNATURE_READERS = ("keras.", "BaseEstimator", "ClassifierMixin")
_KILLED = {"killed", "timeout", "segfault", "caught by type check"}
_MUTANT_NAME = re.compile(r"svmkit\.[\w.ǁ]+__mutmut_\d+")


def _frozen_init_lines(source: str, skip: tuple[str, ...] = ()) -> set[int]:
    """Line numbers of ``def __init__`` in classes whose base Keras or scikit-learn inspects,
    and of the functions named in ``skip``."""
    tree = ast.parse(source)
    lines = {
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name in skip
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            reader in ast.unparse(base) for base in node.bases for reader in _SIGNATURE_READERS
        ):
            lines.update(
                item.lineno
                for item in node.body
                if isinstance(item, ast.FunctionDef) and item.name == "__init__"
            )
    return lines


def _run_mutmut(module: str) -> int:
    """In a child process: mutate ``module`` only, test it with its selection, save the results."""
    from mutmut import configuration
    from mutmut.__main__ import cli
    from mutmut.mutation import file_mutation, pragma_handling
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    original = pragma_handling.get_ignored_lines

    def get_ignored_lines(filename, source, metadata_wrapper, coverage_excluded_lines=None):
        ignored = original(filename, source, metadata_wrapper, coverage_excluded_lines)
        frozen = _frozen_init_lines(source, SKIP.get(module, ()))
        ignored.ignore_node_lines = set(ignored.ignore_node_lines) | frozen
        return ignored

    pragma_handling.get_ignored_lines = file_mutation.get_ignored_lines = get_ignored_lines
    config = configuration.config()
    config.only_mutate = [module]
    config.pytest_add_cli_args_test_selection = MODULES[module]
    try:
        cli(["run", "--max-children", "2"], standalone_mode=False)
    except SystemExit as stop:
        if stop.code:
            return int(stop.code)
    results = SourceFileMutationData(path=Path(module))
    results.load()
    statuses = {
        name: status_by_exit_code[code] for name, code in results.exit_code_by_key.items()
    }
    diffs = {
        name: get_diff_for_mutant(name, path=module)
        for name, status in statuses.items()
        if status not in _KILLED
    }
    result = OUT / (module.replace("/", ".") + ".json")
    result.write_text(json.dumps({"statuses": statuses, "diffs": diffs}, indent=1))
    return 0


def _explained() -> set[str]:
    listing = ROOT / "tests" / "MUTANTS.md"
    return set(_MUTANT_NAME.findall(listing.read_text())) if listing.is_file() else set()


def _cpu_seconds() -> float:
    """CPU time (user + system) of the finished child processes: mutmut and its workers."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def report(modules: list[str], seconds: dict[str, float], cpu: dict[str, float]) -> int:
    """Print the score table and write the survivors' diffs; return the unexplained survivors."""
    explained = _explained()
    rows, survivors = [], []
    for module in modules:
        path = OUT / (module.replace("/", ".") + ".json")
        if not path.is_file():
            continue
        result = json.loads(path.read_text())
        statuses = result["statuses"]
        killed = sum(status in _KILLED for status in statuses.values())
        left = {name: status for name, status in statuses.items() if status not in _KILLED}
        listed = sum(name in explained for name in left)
        took = f"{seconds[module]:.0f} s" if module in seconds else ""
        took += f" ({cpu[module]:.0f} s CPU)" if module in cpu else ""
        rows.append((module, len(statuses), killed, len(left), listed, killed, took))
        diffs = result["diffs"]
        survivors += [(name, status, diffs.get(name, "")) for name, status in left.items()]
    print(f"\n{'module':<24} {'mutants':>7} {'killed':>7} {'left':>5} {'in MUTANTS.md':>13} "
          f"{'score':>6}  time (CPU time of mutmut and its workers)")  # fmt: skip
    for module, total, killed, left, listed, _, took in rows:
        score = f"{killed / total:.1%}" if total else "-"
        print(f"{module:<24} {total:>7} {killed:>7} {left:>5} {listed:>13} {score:>6}  {took}")
    total = sum(row[1] for row in rows)
    if total:
        killed = sum(row[2] for row in rows)
        print(f"{'all':<24} {total:>7} {killed:>7} {total - killed:>5} "
              f"{sum(row[4] for row in rows):>13} {killed / total:>6.1%}  "
              f"{sum(seconds.values()):.0f} s ({sum(cpu.values()):.0f} s CPU)")  # fmt: skip
    unexplained = [item for item in survivors if item[0] not in explained]
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "survivors.md", "w") as listing:
        for name, status, diff in sorted(survivors):
            mark = "" if name in explained else "  (not in tests/MUTANTS.md)"
            listing.write(f"## {name}: {status}{mark}\n\n```diff\n{diff}\n```\n\n")
    if unexplained:
        print(f"\n{len(unexplained)} survivors are neither killed nor explained in "
              f"tests/MUTANTS.md (diffs in {OUT.relative_to(ROOT)}/survivors.md):")  # fmt: skip
        print("\n".join(f"  {name} ({status})" for name, status, _ in sorted(unexplained)))
    return len(unexplained)


def main(argv: list[str]) -> int:
    os.chdir(ROOT)
    if argv[:1] == ["--mutmut"]:
        return _run_mutmut(argv[1])
    if argv[:1] == ["--report"]:
        report(list(MODULES), {}, {})
        return 0
    chosen = argv or list(MODULES)
    unknown = sorted(set(chosen) - set(MODULES))
    if unknown:
        print(f"no test selection for {', '.join(unknown)}; add it to MODULES", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for module in chosen:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        log = OUT / (module.replace("/", ".") + ".log")
        print(f"mutating {module} (log: {log.relative_to(ROOT)})", flush=True)
        start, used = time.perf_counter(), _cpu_seconds()
        with open(log, "w") as output:
            status = subprocess.run(
                [sys.executable, __file__, "--mutmut", module],
                stdout=output, stderr=subprocess.STDOUT, check=False,
            ).returncode  # fmt: skip
        seconds[module] = time.perf_counter() - start
        cpu[module] = _cpu_seconds() - used
        if status != 0:
            print(f"mutmut failed on {module} (exit status {status}); see {log}", file=sys.stderr)
            return status
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    report(chosen, seconds, cpu)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
