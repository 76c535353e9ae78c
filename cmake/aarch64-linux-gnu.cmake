# CMake toolchain file: cross-compile the native shim for linux-aarch_64 with Debian's
# cross packages (gcc-aarch64-linux-gnu, libc6-dev-arm64-cross; scripts/fetch-cross-toolchain
# installs bookworm's, glibc 2.36).
#
#   cmake -S native -B build -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
#         -DLIBURING_DEB_ARCH=arm64 -DURING4J_CLASSIFIER=linux-aarch_64 ...
#
# Sysroot: Debian's cross libc lives in /usr/aarch64-linux-gnu/{include,lib}, and its
# libc.so linker script names libc.so.6 by that absolute path, so --sysroot may only be
# used when compiling (it drops the host's /usr/include from the header search, so a
# header the cross sysroot lacks fails instead of silently coming from the host); the
# link uses the cross gcc's built-in paths, which already point at the cross libc.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(URING4J_CROSS_TRIPLET "aarch64-linux-gnu" CACHE STRING "GNU triplet of the cross toolchain")
set(URING4J_CROSS_SYSROOT "/usr/${URING4J_CROSS_TRIPLET}" CACHE PATH "cross libc prefix (include/, lib/)")

find_program(URING4J_CROSS_CC NAMES "${URING4J_CROSS_TRIPLET}-gcc")
if(NOT URING4J_CROSS_CC)
  message(FATAL_ERROR "${URING4J_CROSS_TRIPLET}-gcc not found: run scripts/fetch-cross-toolchain")
endif()
if(NOT EXISTS "${URING4J_CROSS_SYSROOT}/include/stdio.h")
  message(FATAL_ERROR "no cross libc in ${URING4J_CROSS_SYSROOT}: run scripts/fetch-cross-toolchain")
endif()
# ar, ranlib, strip: CMake takes the ones with the compiler's prefix (aarch64-linux-gnu-).
set(CMAKE_C_COMPILER "${URING4J_CROSS_CC}")

set(CMAKE_SYSROOT_COMPILE "${URING4J_CROSS_SYSROOT}")

# Look for target headers and libraries only in the cross root, for programs only on the host.
set(CMAKE_FIND_ROOT_PATH "${URING4J_CROSS_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# liburing for this target (cmake/Liburing.cmake); an explicit -DLIBURING_DEB_ARCH wins.
set(LIBURING_DEB_ARCH "arm64" CACHE STRING "Debian architecture of liburing to fetch")
