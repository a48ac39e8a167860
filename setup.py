"""Builds the optional compiled engine (src/cleannews/_speedups.pyx).

Everything else is in pyproject.toml. Without a C compiler the build still succeeds and
cleannews runs its pure-Python engine (same results, about three times slower);
`cleannews --version` says which engine is in use.
"""

from Cython.Build import cythonize
from setuptools import Extension, setup

extensions = cythonize(
    [Extension("cleannews._speedups", ["src/cleannews/_speedups.pyx"])],
    compiler_directives={"language_level": "3"},
)
for extension in extensions:
    extension.optional = True  # a failed C build is a warning: cythonize drops the flag

setup(ext_modules=extensions)
