"""Check what `make` needs from the system before creating the venv; print the exact fix.

Runs with the system Python (no third-party imports).
"""
import ctypes.util
import importlib.util
import shutil
import sys

problems: list[str] = []
packages: list[str] = []

if sys.version_info < (3, 11):
    problems.append(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]}).")
    packages.append("python3")
if importlib.util.find_spec("venv") is None or importlib.util.find_spec("ensurepip") is None:
    problems.append("Python's venv module (with ensurepip) is missing.")
    packages.append(f"python3.{sys.version_info.minor}-venv" if sys.version_info >= (3, 11) else "python3-venv")
# WeasyPrint draws text with Pango (through HarfBuzz and fontconfig).
for lib, package in (("pango-1.0", "libpango-1.0-0"), ("pangoft2-1.0", "libpangoft2-1.0-0"), ("harfbuzz", "libharfbuzz0b"),
                     ("fontconfig", "fontconfig")):
    if ctypes.util.find_library(lib) is None:
        problems.append(f"The {lib} library (for PDF reports) is missing.")
        packages.append(package)

if problems:
    print("Madurez 4.0 cannot be set up yet:", file=sys.stderr)
    for p in problems:
        print("  - " + p, file=sys.stderr)
    print("Install what is missing with:\n  sudo apt-get install -y " + " ".join(dict.fromkeys(packages)), file=sys.stderr)
    sys.exit(1)
if shutil.which("chromium") is None:
    print("note: Chromium not found; browser tests will be skipped (sudo apt-get install -y chromium).")
