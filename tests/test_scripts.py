"""The developer scripts themselves."""

import os
import subprocess

from conftest import ROOT


def test_without_odoo_the_test_script_fails_with_instructions(tmp_path):
    env = dict(os.environ, ODOO_PATH=str(tmp_path / "no-odoo-here"))
    proc = subprocess.run([str(ROOT / "scripts" / "test")], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "no Odoo 18 source tree found" in proc.stderr
    assert "ODOO_PATH" in proc.stderr and "docker compose" in proc.stderr


def test_ci_runs_the_readme_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "scripts/test" in ci
    assert "scripts/test" in readme
