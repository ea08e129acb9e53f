"""Build the compiled extension; all metadata lives in pyproject.toml.

One extension module, ``cylinalg._core._kernels``, holds every kernel so that the CPU
dispatch table and the thread budget exist once per process.  C sources are every
``csrc/**/*.c``; files named ``*_avx2.c`` / ``*_avx512.c`` get their ISA flags per file
(no whole-build ``-march``) and are chosen at run time by ``csrc/dispatch.c``.

Environment switches (all opt-in, for development):
  CYLINALG_SANITIZE=address,undefined  build with ASan/UBSan
  CYLINALG_CYTHON_COVERAGE=1           Cython line tracing
  CYLINALG_NO_OPENMP=1                 build without OpenMP (single-threaded)
  CYLINALG_DEBUG=1                     -O0 -g
"""
import os
import platform
import sys
import tempfile
from glob import glob

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))
IS_MSVC_PLATFORM = sys.platform == "win32"
MACHINE = platform.machine().lower()
IS_X86_64 = MACHINE in ("x86_64", "amd64")

# Per-file ISA flags, keyed by the file-name suffix.  Used only on x86-64 with gcc/clang;
# MSVC compiles AVX2 intrinsics without flags.
ISA_FLAGS = {
    "_avx2.c": ["-mavx2", "-mfma"],
    "_avx512.c": ["-mavx512f", "-mavx512dq", "-mavx512vl", "-mavx512bw", "-mavx2", "-mfma"],
}


def _c_sources():
    sources = sorted(glob("csrc/**/*.c", recursive=True))
    if not IS_X86_64:
        sources = [s for s in sources if not s.endswith(tuple(ISA_FLAGS))]
    return sources


def _env_flag(name):
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def _compiler_accepts(compiler, flags):
    """Try-compile a tiny OpenMP program to see whether the compiler takes *flags*."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "probe.c")
        with open(src, "w") as f:
            f.write("#include <omp.h>\nint main(void){return omp_get_max_threads() < 1;}\n")
        try:
            objs = compiler.compile([src], output_dir=tmp, extra_postargs=flags)
            compiler.link_executable(objs, "probe", output_dir=tmp, extra_postargs=flags)
        except Exception:
            return False
    return True


class BuildExt(build_ext):
    """build_ext with per-file ISA flags and OpenMP detection."""

    def build_extensions(self):
        msvc = self.compiler.compiler_type == "msvc"
        if not msvc:
            original_compile = self.compiler._compile

            def _compile(obj, src, ext, cc_args, extra_postargs, pp_opts):
                extra = list(extra_postargs)
                if IS_X86_64:
                    for suffix, flags in ISA_FLAGS.items():
                        if src.endswith(suffix):
                            extra += flags
                original_compile(obj, src, ext, cc_args, extra, pp_opts)

            self.compiler._compile = _compile

        openmp = []
        if not _env_flag("CYLINALG_NO_OPENMP"):
            for flags in (["/openmp"] if msvc else ["-fopenmp"],):
                if _compiler_accepts(self.compiler, flags):
                    openmp = flags
                    break
        if not openmp:
            print("cylinalg: building without OpenMP (kernels run single-threaded)")
        for ext in self.extensions:
            ext.extra_compile_args += openmp
            if not msvc:
                ext.extra_link_args += openmp
            if openmp:
                ext.define_macros.append(("CYL_HAVE_OPENMP", "1"))
        super().build_extensions()


def _extension_options():
    """The one options dict shared by every extension."""
    import numpy

    define_macros = [
        ("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"),
        ("NPY_TARGET_VERSION", "NPY_1_23_API_VERSION"),
    ]
    compile_args, link_args = [], []
    if IS_MSVC_PLATFORM:
        compile_args += ["/O2"]
    else:
        debug = _env_flag("CYLINALG_DEBUG")
        compile_args += ["-O0", "-g"] if debug else ["-O3"]
        compile_args += ["-std=c11", "-fno-math-errno", "-Wno-unused-function", "-Werror=implicit-function-declaration"]
        sanitize = os.environ.get("CYLINALG_SANITIZE", "").strip()
        if sanitize:
            flags = [f"-fsanitize={sanitize}", "-fno-omit-frame-pointer", "-g"]
            if "undefined" in sanitize:
                flags.append("-fno-sanitize-recover=undefined")
            compile_args += flags
            link_args += flags
    if _env_flag("CYLINALG_CYTHON_COVERAGE"):
        define_macros += [("CYTHON_TRACE", "1"), ("CYTHON_TRACE_NOGIL", "1")]
    return dict(
        include_dirs=["csrc/include", "csrc", numpy.get_include()],
        define_macros=define_macros,
        extra_compile_args=compile_args,
        extra_link_args=link_args,
        depends=sorted(glob("csrc/**/*.h", recursive=True)),
    )


def _extensions():
    if len(sys.argv) > 1 and sys.argv[1] in ("clean", "sdist", "egg_info", "--version"):
        return []
    from Cython.Build import cythonize

    options = _extension_options()
    pyx = "src/cylinalg/_core/_kernels.pyx"
    ext = Extension("cylinalg._core._kernels", sources=[pyx] + _c_sources(), **options)
    ext.depends += sorted(glob("src/cylinalg/_core/*.pxi")) + sorted(glob("src/cylinalg/_core/*.pxd"))
    directives = {
        "language_level": 3,
        "boundscheck": False,
        "wraparound": False,
        "cdivision": True,
        "initializedcheck": False,
        "embedsignature": True,
        "freethreading_compatible": True,
    }
    if _env_flag("CYLINALG_CYTHON_COVERAGE"):
        directives["linetrace"] = True
    return cythonize([ext], compiler_directives=directives, include_path=["src/cylinalg/_core"])


setup(ext_modules=_extensions(), cmdclass={"build_ext": BuildExt})
