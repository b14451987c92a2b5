"""The addons' layout as Odoo's own test runner needs it (no database).

Odoo's runner (`odoo-bin --test-enable`, the Docker test command) only runs the test modules
that an addon's `tests/__init__.py` imports, while pytest collects every `test_*.py` file: a
module left out of the package would pass here and never run there.
"""

import ast

import pytest
from conftest import ROOT

ADDONS = sorted(p.parent.parent for p in ROOT.glob("addons/*/tests/__init__.py"))


def imported_modules(package_init):
    tree = ast.parse(package_init.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                names.add(node.module.split(".")[0])
            else:
                names.update(alias.name for alias in node.names)
    return names


def test_every_addon_has_tests():
    assert {p.name for p in ADDONS} >= {"ecom_crm", "ecom_crm_1c", "ecom_crm_scoring"}


@pytest.mark.parametrize("addon", ADDONS, ids=lambda p: p.name)
def test_every_test_module_is_imported_by_its_package(addon):
    modules = {p.stem for p in (addon / "tests").glob("test_*.py")}
    missing = modules - imported_modules(addon / "tests" / "__init__.py")
    assert not missing, f"{addon.name}/tests/__init__.py does not import {sorted(missing)}"


@pytest.mark.parametrize("addon", ADDONS, ids=lambda p: p.name)
def test_every_test_class_is_tagged_post_install_with_its_addon(addon):
    """Tagged like crm's: after every module is installed, and selectable by the addon's name."""
    untagged = []
    for path in sorted((addon / "tests").glob("test_*.py")):
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.ClassDef) or not node.name.startswith("Test"):
                continue
            tags = [
                arg.value for deco in node.decorator_list
                if isinstance(deco, ast.Call) and getattr(deco.func, "id", "") == "tagged"
                for arg in deco.args if isinstance(arg, ast.Constant)
            ]
            if not {"post_install", "-at_install", addon.name} <= set(tags):
                untagged.append(f"{path.name}:{node.name} {tags}")
    assert not untagged, untagged


def test_the_check_sees_a_module_left_out(tmp_path):
    tests = tmp_path / "some_addon" / "tests"
    tests.mkdir(parents=True)
    (tests / "__init__.py").write_text("from . import test_a\n")
    (tests / "test_a.py").write_text("")
    (tests / "test_b.py").write_text("")
    with pytest.raises(AssertionError, match="test_b"):
        test_every_test_module_is_imported_by_its_package(tmp_path / "some_addon")
