"""Build hook: compile the translation catalogs (``.po`` -> ``.mo``) in every install.

``.mo`` files are not kept in git. ``pip install -e .`` compiles them in place (the portal runs
from the checkout's ``translations/``); a wheel (``pip install .``) also carries ``templates/``
and ``translations/`` (with the compiled catalogs) inside the ``portalclient`` package.
Everything else about the package is declared in setup.cfg.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: Folders at the top of the checkout that a wheel carries inside the portalclient package.
PACKAGED_FOLDERS = ("templates", "translations")


def _catalogs_module():
    """portalclient/i18n_catalogs.py, loaded by path: importing the package would need Flask."""
    spec = importlib.util.spec_from_file_location(
        "_portalclient_i18n_catalogs", ROOT / "portalclient" / "i18n_catalogs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildPyWithCatalogs(build_py):
    """build_py that also compiles the catalogs, and for wheels packs templates/translations."""

    def run(self) -> None:
        super().run()
        catalogs = _catalogs_module()
        if getattr(self, "editable_mode", False):
            catalogs.compile_catalogs(ROOT / "translations")
            return
        package_dir = Path(self.build_lib) / "portalclient"
        for folder in PACKAGED_FOLDERS:
            shutil.copytree(ROOT / folder, package_dir / folder, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
        catalogs.compile_catalogs(package_dir / "translations")


setup(cmdclass={"build_py": BuildPyWithCatalogs})
