"""The scheduler uses APScheduler's public API only (a minor release may change the rest).

Each module of ``core/jobs`` (the scheduler's runner, lease and records among them) is read as
source: no private APScheduler module or name is imported, no class derived from an APScheduler
class defines or reaches a private member, and no other private attribute is touched (Kepu's
own classes may use their own ``self._x``).
"""

import ast
from pathlib import Path

import pytest

import core.jobs

SCHEDULER_FILES = sorted(Path(core.jobs.__file__).parent.glob("*.py"))
#: private-looking names of other libraries that are their documented API
ALLOWED = {"_get_current_object"}  # werkzeug's LocalProxy (Flask's current_app)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _apscheduler_names(tree: ast.Module) -> set[str]:
    """The local names bound to APScheduler modules or objects by the imports of ``tree``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("apscheduler"):
            names |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {
                (alias.asname or alias.name).split(".")[0]
                for alias in node.names
                if alias.name.startswith("apscheduler")
            }
    return names


def _bad_imports(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("apscheduler"):
            parts = node.module.split(".") + [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            parts = [
                part
                for alias in node.names
                if alias.name.startswith("apscheduler")
                for part in alias.name.split(".")
            ]
        else:
            continue
        found += [f"{node.lineno}: import of {part}" for part in parts if _private(part)]
    return found


def _bad_members(tree: ast.Module, apscheduler: set[str]) -> list[str]:
    """Private attributes, and private methods of classes derived from APScheduler's."""
    found = []
    derived: set[ast.ClassDef] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            isinstance(base, ast.Name) and base.id in apscheduler for base in node.bases
        ):
            derived.add(node)
            found += [
                f"{item.lineno}: {node.name} overrides {item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and _private(item.name)
            ]
    own_self = _own_self_attributes(tree, derived)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and node.attr not in ALLOWED
            and node not in own_self
        ):
            found.append(f"{node.lineno}: .{node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "setattr", "hasattr", "delattr"}
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _private(node.args[1].value)
        ):
            found.append(f"{node.lineno}: {node.func.id}(..., {node.args[1].value!r})")
    return found


def _own_self_attributes(tree: ast.Module, derived: set[ast.ClassDef]) -> set[ast.Attribute]:
    """``self._x`` inside Kepu's own classes (not derived from APScheduler's): their own."""
    own = set()
    for cls in ast.walk(tree):
        if isinstance(cls, ast.ClassDef) and cls not in derived:
            own |= {
                node
                for node in ast.walk(cls)
                if isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in {"self", "cls"}
            }
    return own


def private_apscheduler_uses(source: str) -> list[str]:
    """Each place ``source`` relies on a private APScheduler name, as ``line: what``."""
    tree = ast.parse(source)
    return _bad_imports(tree) + _bad_members(tree, _apscheduler_names(tree))


@pytest.mark.parametrize("path", SCHEDULER_FILES, ids=lambda path: path.name)
def test_the_scheduler_uses_only_public_apscheduler_names(path):
    assert private_apscheduler_uses(path.read_text()) == []


def test_the_runner_still_uses_apscheduler():
    """The check above is not vacuous: the runner does import APScheduler."""
    tree = ast.parse((Path(core.jobs.__file__).parent / "runner.py").read_text())
    assert {"BackgroundScheduler", "ThreadPoolExecutor", "EVENT_JOB_SUBMITTED"} <= (
        _apscheduler_names(tree)
    )


FORMER_RUNNER = """
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.executors.base import _private_helper
import apscheduler._internal


class RecordingExecutor(ThreadPoolExecutor):
    def _do_submit_job(self, job, run_times):
        self._pool.submit(self._run, job, run_times)

    def _run(self, job, run_times):
        return getattr(job, "_jobstore_alias"), job._scheduler


class Lease:
    def renew(self):
        return self._until(1)
"""


def test_the_check_finds_what_the_former_runner_did():
    found = private_apscheduler_uses(FORMER_RUNNER)
    assert sorted(line.split(": ", 1)[1] for line in found) == sorted(
        [
            "import of _private_helper",
            "import of _internal",
            "RecordingExecutor overrides _do_submit_job",
            "RecordingExecutor overrides _run",
            "._pool",
            "._run",
            "getattr(..., '_jobstore_alias')",
            "._scheduler",
        ]
    )  # Lease's own self._until is not an APScheduler name
