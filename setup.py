"""Ship the top-level playbooks/ and templates/ folders inside the wheel.

They live at the repository's root (where campaigns and reviewers look for them) but an
installed package needs them too: build_py copies them to ``incidentbot/_data/``, which
``incidentbot.config.builtin_dir`` finds when there is no source checkout around.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        for name in ("playbooks", "templates"):
            source = Path(name)
            if source.is_dir():
                dest = Path(self.build_lib) / "incidentbot" / "_data" / name
                shutil.copytree(source, dest, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithData})
