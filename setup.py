"""Builds the optional compiled engine (src/cleannews/_speedups.pyx).

Everything else is in pyproject.toml. Without a C compiler the build still succeeds and
cleannews runs its pure-Python engine (same results, slower); `cleannews --version` says
which one is in use.
"""

from Cython.Build import cythonize
from setuptools import Extension, setup

setup(
    ext_modules=cythonize(
        [Extension("cleannews._speedups", ["src/cleannews/_speedups.pyx"], optional=True)],
        compiler_directives={"language_level": "3"},
    )
)
