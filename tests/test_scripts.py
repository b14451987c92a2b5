"""The developer scripts themselves."""

import importlib.metadata
import os
import subprocess
import sys

from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def test_without_odoo_the_test_script_fails_with_instructions(tmp_path):
    env = dict(os.environ, ODOO_PATH=str(tmp_path / "no-odoo-here"))
    proc = subprocess.run([str(ROOT / "scripts" / "test")], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "no Odoo 18 source tree found" in proc.stderr
    assert "ODOO_PATH" in proc.stderr and "docker compose" in proc.stderr


def _run_cluster_dir(**env):
    environ = {k: v for k, v in os.environ.items() if k not in ("ECOM_CRM_CACHE", "XDG_CACHE_HOME")}
    proc = subprocess.run(["bash", "-c", f'source "{ROOT}/scripts/lib.sh"; run_cluster_dir'],
                          env=dict(environ, **env), capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def test_each_cache_has_its_own_run_cluster(tmp_path):
    """scripts/run's cluster goes with its cache (ECOM_CRM_CACHE), whose filestore holds the files of the
    cluster's databases: as root every cache shared /var/tmp/ecom_crm-pg-run, so a run with a new, empty
    cache served another cache's databases (already installed, filled) without their files."""
    default = _run_cluster_dir(HOME=str(tmp_path))
    one = _run_cluster_dir(HOME=str(tmp_path), ECOM_CRM_CACHE=str(tmp_path / "one"))
    other = _run_cluster_dir(HOME=str(tmp_path), ECOM_CRM_CACHE=str(tmp_path / "other"))
    assert len({default, one, other}) == 3
    assert one == _run_cluster_dir(HOME=str(tmp_path), ECOM_CRM_CACHE=str(tmp_path / "one")), "the same each run"
    if os.geteuid() == 0:  # the server runs as postgres, which cannot enter root's home
        assert default == "/var/tmp/ecom_crm-pg-run", "where a root's cluster has always been"
        assert one.startswith("/var/tmp/ecom_crm-pg-run-")
    else:
        assert (default, one) == (f"{tmp_path}/.cache/ecom_crm/pg-run", f"{tmp_path}/one/pg-run")


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


def _pins(lines):
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if (req.marker is None or req.marker.evaluate()) and str(req.specifier).startswith("=="):
            pins[canonicalize_name(req.name)] = str(req.specifier)[2:]
    return pins


def test_every_installed_package_is_pinned():
    """The virtualenv is reproducible: each package is pinned by Odoo's requirements (as the
    scripts patch them) or by constraints.txt, at the version installed."""
    odoo_path = os.environ.get("ODOO_PATH", "/opt/odoo-18")
    odoo = subprocess.run(["bash", "-c", f'source "{ROOT}/scripts/lib.sh"; odoo_requirements'],
                          env=dict(os.environ, ODOO_PATH=odoo_path), capture_output=True, text=True, check=True)
    pins = _pins(odoo.stdout.splitlines())
    pins.update(_pins((ROOT / "constraints.txt").read_text().splitlines()))
    unpinned, other = [], []
    for dist in importlib.metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"])
        if name not in pins:
            unpinned.append(f"{name}=={dist.version}")
        elif pins[name] != dist.version:
            other.append(f"{name}: {dist.version} installed, {pins[name]} pinned")
    assert not unpinned, f"not in constraints.txt (run scripts/freeze-constraints): {unpinned}"
    assert not other, other


def test_odoo_requirements_of_other_pythons_are_pinned():
    """Odoo requires some packages on one Python only, unpinned (lxml-html-clean on the odoo:18
    image's 3.12): constraints.txt pins each for that Python, so that an image or virtualenv built
    there is as reproducible as one built here."""
    odoo_path = os.environ.get("ODOO_PATH", "/opt/odoo-18")
    odoo = subprocess.run(["bash", "-c", f'source "{ROOT}/scripts/lib.sh"; odoo_requirements'],
                          env=dict(os.environ, ODOO_PATH=odoo_path), capture_output=True, text=True, check=True)
    constrained = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            constrained.setdefault(canonicalize_name(req.name), []).append(req)
    # the Linux Pythons Odoo 18 runs on (Windows' and macOS' own packages are not ours)
    pythons = [{"python_version": version, "python_full_version": f"{version}.0",
                "sys_platform": "linux", "platform_system": "Linux"} for version in ("3.10", "3.11", "3.12")]
    conditional = []
    for line in odoo.stdout.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            if req.marker is not None and not str(req.specifier).startswith("=="):
                conditional += [(req, python) for python in pythons if req.marker.evaluate(python)]
    assert conditional, "Odoo 18 requires lxml-html-clean on Python 3.12 only: the requirements were not read"
    for req, python in conditional:
        pins = [pin for pin in constrained.get(canonicalize_name(req.name), [])
                if str(pin.specifier).startswith("==") and (pin.marker is None or pin.marker.evaluate(python))]
        assert pins, f"{req} has no pin for Python {python['python_version']} in constraints.txt"


def test_the_venv_check_names_a_package_pkg_resources_cannot_see(tmp_path):
    """A wheel whose dist-info spells a dotted name with underscores (zope.event >= 5.1) is invisible
    to setuptools<70's pkg_resources: the check names it instead of letting gevent fail later."""
    info = tmp_path / "zope_fakepkg-5.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: zope.fakepkg\nVersion: 5.1\n")
    code = "import sys; sys.path.insert(0, sys.argv[1]); import check_venv; print(check_venv.invisible_distributions())"
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT / "scripts",
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "zope.fakepkg==5.1" in proc.stdout
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_venv.py")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_ci_builds_the_virtualenv_from_nothing():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "ECOM_CRM_FRESH_VENV=1" in ci and "mktemp -d" in ci
