"""The layout is the architecture: the core apart from what plugs into Rasa.

- bot/ (the core) imports neither rasa nor rasa_sdk; actions/ imports rasa_sdk, never rasa;
- no module uses another module's private (_underscore) names;
- the README's folder map and the tree agree;
- every Rasa server this project starts goes through adapters.server (its patches).
"""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "adapters", "actions", "bench", "tests")


def _python_files(*folders):
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def _imported_roots(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("path", list(_python_files("bot")), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_imports_no_rasa(path):
    assert not {"rasa", "rasa_sdk"} & set(_imported_roots(path))


@pytest.mark.parametrize("path", list(_python_files("actions")), ids=lambda p: str(p.relative_to(ROOT)))
def test_actions_use_rasa_sdk_not_rasa(path):
    assert "rasa" not in set(_imported_roots(path))


def _private_uses(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    yield f"from {node.module} import {alias.name}"
                modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES:
                    modules[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            yield f"{modules[node.value.id]}.{node.attr}"


def test_no_module_uses_another_modules_private_names():
    found = {str(path.relative_to(ROOT)): uses for path in _python_files(*PACKAGES)
             if (uses := sorted(set(_private_uses(path))))}
    assert found == {}


def _folder_map():
    """Paths named in the README's folder map, with their parents from the indentation."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## How the folders fit together", 1)[1].split("```", 2)[1]
    paths, parents = [], {}
    for line in block.splitlines():
        match = re.match(r"^( *)([\w.-]+/?)\s", line + " ")
        if not match or not line.strip():
            continue
        indent, name = len(match.group(1)), match.group(2)
        if not (name.endswith("/") or "." in name):
            continue  # a continuation line
        parent = next((parents[i] for i in sorted(parents, reverse=True) if i < indent), "")
        path = parent + name
        paths.append(path)
        if name.endswith("/"):
            parents = {i: p for i, p in parents.items() if i < indent}
            parents[indent] = path
    return paths


def test_every_path_in_the_folder_map_exists():
    paths = _folder_map()
    assert len(paths) > 20
    missing = [path for path in paths if not (ROOT / path).exists()]
    assert missing == []


def test_every_package_folder_is_in_the_folder_map():
    named = set(_folder_map())
    folders = {f"{p.relative_to(ROOT)}/" for top in ("bot", "adapters") for p in (ROOT / top).iterdir()
               if p.is_dir() and not p.name.startswith((".", "__"))}
    folders |= {f"{p.name}/" for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")
                and p.name not in ("models", "results", "node_modules", "exports")}
    assert folders - named == set()


def test_the_requested_layout():
    for path in ("bot", "actions", "tests", "data/nlu.yml", "data/stories.yml", "config.yml", "domain.yml"):
        assert (ROOT / path).exists(), path
    assert not (ROOT / "data" / "nlu").exists()


def test_every_rasa_server_starts_through_adapters_server():
    starts = re.compile(r"bin/rasa\b[\"']?,?\s*[\"']?(run\s+-m|shell|test\s+core)|BIN / \"rasa\"\), \"(run\", \"-m|shell)")
    offenders = [str(path.relative_to(ROOT)) for path in
                 [*sorted((ROOT / "scripts").glob("*.sh")), *_python_files("tests", "bench")]
                 if path.name != "test_architecture.py" and starts.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
