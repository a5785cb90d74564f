"""The engine must stay framework-free: importing it must not import Django."""

import ast
import pathlib
import subprocess
import sys

ENGINE = pathlib.Path(__file__).resolve().parents[2] / "linli" / "engine"


def test_no_module_in_engine_imports_django():
    offenders = []
    for path in ENGINE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] in {"django", "ninja", "rules"}
            ]
    assert offenders == []


def test_importing_every_engine_module_leaves_django_unloaded():
    modules = [
        "linli.engine." + ".".join(p.relative_to(ENGINE).with_suffix("").parts)
        for p in ENGINE.rglob("*.py")
        if p.name not in {"__main__.py"}
    ]
    modules = [m.removesuffix(".__init__") for m in modules]
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    code += "assert 'django' not in sys.modules, 'django was imported'\n"
    subprocess.run([sys.executable, "-c", code], check=True)
