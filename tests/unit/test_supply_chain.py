"""Supply chain (reliability_security.md R5; ASVS 5.0 1.5.2, 15.1.1, 15.2.1): minimum safe versions of
the libraries that parse attacker-influenced input, the same minimums pinned in setup.cfg, and no
deserialiser that can run code (pickle, joblib, marshal, shelve, yaml.load without a safe loader)
anywhere in the code the project ships or runs."""
from __future__ import annotations

import ast
import configparser
import re
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]

# The floors issue #13 sets: the releases the security bar was verified with (reliability_security.md
# header), which include the fixes listed there; keep the latest patch release of each line.
MINIMUMS = {
    "flask": "3.1.3",
    "jinja2": "3.1.6",     # sandbox and xmlattr fixes (CVE-2024-22195, CVE-2024-34064 and later releases)
    "werkzeug": "3.1.6",   # multipart parsing DoS fixes (GHSA-hrfv-mqp8-q5rw, GHSA-q34m-jh98-gwm2) and later
    "weasyprint": "70",    # GHSA-jf6q-chmf-3h3v: stylesheets/xmp_metadata bypassed the url_fetcher
    "babel": "2.9.1",      # CVE-2021-42771: a locale name could load an arbitrary pickle file
}

# Modules whose loading can run code chosen by whoever wrote the data.
BANNED_MODULES = {"pickle", "cPickle", "_pickle", "joblib", "marshal", "shelve", "dill", "cloudpickle", "jsonpickle"}
UNSAFE_YAML = {"load", "load_all", "full_load", "full_load_all", "unsafe_load", "unsafe_load_all"}
SCANNED = ("maturity", "scripts", "benchmarks", "migrations", "wsgi.py")


@pytest.mark.parametrize(("package", "minimum"), sorted(MINIMUMS.items()))
def test_installed_versions_are_at_least_the_safe_minimum(package, minimum):
    assert Version(version(package)) >= Version(minimum), f"{package} {version(package)} is older than {minimum}"


@pytest.mark.parametrize(("package", "minimum"), sorted(MINIMUMS.items()))
def test_setup_cfg_pins_the_safe_minimum(package, minimum):
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg")
    requirements = {Requirement(line).name.lower(): Requirement(line)
                    for line in parser["options"]["install_requires"].splitlines() if line.strip()}
    assert package in requirements, f"{package} is not in install_requires"
    floors = [Version(spec.version) for spec in requirements[package].specifier if spec.operator in (">=", "==", "~=")]
    assert floors and max(floors) >= Version(minimum), f"setup.cfg lets {package} below {minimum}: {requirements[package]}"


def _dotted(node: ast.expr) -> str:
    """`a.b.c` for a Name/Attribute chain, else ""."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _mentions_safe_loader(node: ast.AST) -> bool:
    return any((isinstance(n, (ast.Name, ast.Attribute)) and _dotted(n).split(".")[-1] in SAFE_LOADERS)
               or (isinstance(n, ast.Constant) and n.value in SAFE_LOADERS)
               for n in ast.walk(node))


SAFE_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}


def unsafe_deserialisation(source: str, filename: str = "<source>") -> list[str]:
    """Every import or call in `source` that can deserialise into code: `file:line what`."""
    tree = ast.parse(source, filename)
    found: list[str] = []
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)

    def safe_loader(node: ast.expr) -> bool:
        if isinstance(node, ast.Name) and node.id in assigned:
            return all(_mentions_safe_loader(value) for value in assigned[node.id])
        return _mentions_safe_loader(node)

    def banned(value: object) -> bool:
        return isinstance(value, str) and value.split(".")[0] in BANNED_MODULES

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"{filename}:{node.lineno} import {a.name}" for a in node.names if banned(a.name)]
        elif isinstance(node, ast.ImportFrom) and banned(node.module):
            found.append(f"{filename}:{node.lineno} from {node.module} import …")
        elif isinstance(node, ast.ImportFrom) and node.module == "yaml":
            found += [f"{filename}:{node.lineno} from yaml import {a.name}" for a in node.names if a.name in UNSAFE_YAML]
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            first = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
            if name in ("__import__", "importlib.import_module", "import_module") and banned(first):
                found.append(f"{filename}:{node.lineno} {name}({first!r})")
            if name.startswith("yaml.") and name.split(".")[-1] in UNSAFE_YAML:
                loader = next((k.value for k in node.keywords if k.arg == "Loader"), node.args[1] if len(node.args) > 1 else None)
                if name.split(".")[-1].startswith(("unsafe", "full")) or loader is None or not safe_loader(loader):
                    found.append(f"{filename}:{node.lineno} {name}() without a safe loader")
            if name.split(".")[-1] in ("read_pickle", "to_pickle"):
                found.append(f"{filename}:{node.lineno} {name}()")
            if any(k.arg == "allow_pickle" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                   for k in node.keywords):
                found.append(f"{filename}:{node.lineno} {name}(allow_pickle=…)")
    return found


def _python_files() -> list[Path]:
    files: list[Path] = []
    for entry in SCANNED:
        path = ROOT / entry
        files += [path] if path.is_file() else sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
    return files


def test_nothing_the_project_runs_deserialises_with_pickle_joblib_marshal_shelve_or_unsafe_yaml():
    files = _python_files()
    assert len(files) > 50, "the scan found too few files: is SCANNED still right?"
    found = [hit for path in files for hit in unsafe_deserialisation(path.read_text(encoding="utf-8"),
                                                                        str(path.relative_to(ROOT)))]
    assert found == [], "unsafe deserialisation:\n" + "\n".join(found)


@pytest.mark.parametrize("snippet", [
    "import pickle\npickle.loads(b'')",
    "import pickle as p",
    "from pickle import loads",
    "import joblib\nmodel = joblib.load('m.joblib')",
    "from joblib import load",
    "import marshal",
    "import shelve",
    "import cloudpickle",
    "m = __import__('pickle')",
    "import importlib\nimportlib.import_module('joblib')",
    "import yaml\nyaml.load(text)",
    "import yaml\nyaml.load(text, Loader=yaml.Loader)",
    "import yaml\nyaml.load(text, Loader=yaml.FullLoader)",
    "import yaml\nyaml.unsafe_load(text)",
    "import yaml\nyaml.full_load(text)",
    "from yaml import load",
    "import numpy as np\nnp.load('x.npy', allow_pickle=True)",
    "import pandas as pd\npd.read_pickle('x.pkl')",
])
def test_the_scan_finds_each_unsafe_pattern(snippet):
    assert unsafe_deserialisation(snippet), snippet


@pytest.mark.parametrize("snippet", [
    "import yaml\nyaml.safe_load(text)",
    "import yaml\nyaml.load(text, Loader=yaml.SafeLoader)",
    "import yaml\nloader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)\nyaml.load(text, Loader=loader)",
    "import yaml\nyaml.compose(text, Loader=MyLoader)",
    "import json\njson.loads('{}')",
    "import numpy as np\nnp.load('x.npy', allow_pickle=False)",
])
def test_the_scan_accepts_safe_loading(snippet):
    assert unsafe_deserialisation(snippet) == []


def test_lint_runs_bandit_and_ruff():
    makefile = (ROOT / "Makefile").read_text()
    lint = re.search(r"^lint:.*?(?=^\S)", makefile, re.S | re.M).group(0)
    assert "ruff check" in lint and "bandit" in lint
