"""The credits app's layout keeps its edges: no module reaches into another's private names, the certificates API
does not lean on the certificate views, and the certificate PDF does not import the eligibility rules."""

import ast
from pathlib import Path

CREDITS = Path(__file__).resolve().parents[2] / "credits"


def _modules():
    for path in sorted(CREDITS.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(), filename=str(path))


def _imported_modules(tree: ast.Module) -> set[str]:
    """Names a module binds to other modules (``from . import selectors``, ``import x.y as z``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.asname or alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("credits")):
            names |= {alias.asname or alias.name for alias in node.names if alias.name[:1].islower()}
    return names


def test_no_module_imports_or_reaches_into_another_modules_private_names():
    leaks = []
    for path, tree in _modules():
        modules = _imported_modules(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                leaks += [f"{path.name}: from {node.module} import {a.name}" for a in node.names if a.name[0] == "_"]
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                leaks.append(f"{path.relative_to(CREDITS)}:{node.lineno}: {node.value.id}.{node.attr}")
    assert leaks == []


def _imports_of(relative: str) -> set[str]:
    tree = ast.parse((CREDITS / relative).read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
            found |= {"." * node.level + (node.module + "." if node.module else "") + a.name for a in node.names}
    return found


def test_certificates_api_does_not_import_the_certificate_views():
    assert not {name for name in _imports_of("certificates/api.py") if name.endswith("views")}


def test_certificate_pdf_does_not_import_the_eligibility_rules():
    assert not {name for name in _imports_of("certificates/pdf.py") if name in {"..rules", "credits.rules"}}
