"""Builds swiftjit's Swift core with SwiftPM and installs it as swiftjit._swiftjit.

`pip install .` and `pip install -e .` both run `swift build -c release` with the
header paths of the interpreter that runs this file, then copy the built
library to the extension's file name (swiftjit/_swiftjit<EXT_SUFFIX>).
"""
import os
import shutil
import subprocess
import sys
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


class SwiftExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class BuildSwift(build_ext):
    def build_extension(self, ext):
        env = dict(os.environ)
        env["SWIFTJIT_PYTHON"] = sys.executable
        env["SWIFTJIT_PYTHON_INCLUDE"] = sysconfig.get_paths()["include"]
        try:
            import numpy
            env["SWIFTJIT_NUMPY_INCLUDE"] = numpy.get_include()
        except ImportError:
            env.setdefault("SWIFTJIT_NUMPY_INCLUDE", "")
        scratch = os.path.join(ROOT, f".build-py{sys.version_info.major}{sys.version_info.minor}")
        cmd = ["swift", "build", "-c", "release", "--product", "_swiftjit", "--scratch-path", scratch]
        print("swiftjit: " + " ".join(cmd), flush=True)
        subprocess.check_call(cmd, cwd=ROOT, env=env)
        built = os.path.join(scratch, "release", "lib_swiftjit.so")
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        # Replace atomically: processes that have the old library loaded keep their copy.
        tmp = target + ".tmp"
        shutil.copyfile(built, tmp)
        os.replace(tmp, target)
        print(f"swiftjit: installed {built} as {target}", flush=True)


# The package's metadata and extras (`pip install .[dask]`) are in pyproject.toml.
setup(
    package_dir={"": "python"},
    packages=["swiftjit"],
    ext_modules=[SwiftExtension("swiftjit._swiftjit")],
    cmdclass={"build_ext": BuildSwift},
)
