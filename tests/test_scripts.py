"""The developer scripts themselves."""

import os
import subprocess
import sys

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


def test_gevent_starts_in_the_environment():
    """Servers with workers start Odoo's websocket process through gevent; if gevent cannot load
    its plugins that process crashes at start and is respawned in a loop, eating the workers' CPU."""
    proc = subprocess.run(
        [sys.executable, "-c", "import gevent.monkey; gevent.monkey.patch_all(); print('patched')"],
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "patched"
