"""Check that a virtualenv built by scripts/lib.sh can run Odoo's servers.

Run with the virtualenv's python.  Exits 1 with a message naming what to pin when:

- a distribution is installed but invisible to the ``pkg_resources`` of ``setuptools<70``
  (wheels whose dist-info directory spells a dotted name with underscores, such as
  ``zope_event-6.*.dist-info``): gevent loads its plugins through ``pkg_resources`` and raises
  ``DistributionNotFound``, so Odoo's websocket process would crash at start and be respawned
  in a loop;
- gevent cannot monkey-patch (the same failure seen from the process that matters).
"""

import importlib.metadata
import subprocess
import sys
import warnings


def invisible_distributions():
    warnings.simplefilter("ignore")  # pkg_resources announces its own deprecation
    import pkg_resources

    missing = []
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        try:
            pkg_resources.get_distribution(name)
        except pkg_resources.DistributionNotFound:
            missing.append(f"{name}=={dist.version}")
    return sorted(missing)


def gevent_error():
    proc = subprocess.run(
        [sys.executable, "-c", "import gevent.monkey; gevent.monkey.patch_all()"],
        capture_output=True, text=True, timeout=120)
    return proc.stderr.strip().splitlines()[-1] if proc.returncode else None


def main():
    problems = []
    missing = invisible_distributions()
    if missing:
        problems.append(
            "installed but invisible to pkg_resources (setuptools<70): " + ", ".join(missing)
            + "; hold each at its last release whose wheel keeps the dotted name, in "
              "scripts/freeze-constraints, and regenerate constraints.txt")
    error = gevent_error()
    if error:
        problems.append(f"gevent cannot start ({error}): Odoo's websocket process would crash in a loop")
    for problem in problems:
        print(f"virtualenv check: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
