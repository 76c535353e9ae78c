# Locates liburing's static library and headers (>= 2.9) and defines liburing::static.
# LIBURING_PREFIX may point at an unpacked prefix (include/, lib/liburing.a); otherwise
# scripts/fetch-liburing downloads Debian's pinned, checksummed package into a cache.
set(LIBURING_PREFIX "" CACHE PATH "prefix containing include/liburing.h and lib/liburing.a")
set(LIBURING_DEB_ARCH "amd64" CACHE STRING "Debian architecture of liburing to fetch")

if(NOT LIBURING_PREFIX)
  execute_process(
    COMMAND "${CMAKE_CURRENT_LIST_DIR}/../scripts/fetch-liburing" "${LIBURING_DEB_ARCH}"
    OUTPUT_VARIABLE _fetch_out RESULT_VARIABLE _fetch_rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT _fetch_rc EQUAL 0)
    message(FATAL_ERROR "scripts/fetch-liburing failed (exit ${_fetch_rc}); see its messages above")
  endif()
  string(REGEX REPLACE ".*\n" "" _fetch_out "${_fetch_out}")
  set(LIBURING_PREFIX "${_fetch_out}" CACHE PATH "" FORCE)
endif()

set(_lib "${LIBURING_PREFIX}/lib/liburing.a")
set(_ver_h "${LIBURING_PREFIX}/include/liburing/io_uring_version.h")
if(NOT EXISTS "${_lib}" OR NOT EXISTS "${_ver_h}")
  message(FATAL_ERROR "liburing not found under LIBURING_PREFIX='${LIBURING_PREFIX}'")
endif()
file(STRINGS "${_ver_h}" _major REGEX "define IO_URING_VERSION_MAJOR")
file(STRINGS "${_ver_h}" _minor REGEX "define IO_URING_VERSION_MINOR")
string(REGEX REPLACE ".* ([0-9]+).*" "\\1" _major "${_major}")
string(REGEX REPLACE ".* ([0-9]+).*" "\\1" _minor "${_minor}")
if(_major LESS 2 OR (_major EQUAL 2 AND _minor LESS 9))
  message(FATAL_ERROR "liburing ${_major}.${_minor} is too old: uring4j needs >= 2.9 (SQPOLL+SQE128 exit fix)")
endif()
message(STATUS "liburing ${_major}.${_minor} (static) from ${LIBURING_PREFIX}")

add_library(liburing::static STATIC IMPORTED)
set_target_properties(liburing::static PROPERTIES
  IMPORTED_LOCATION "${_lib}"
  INTERFACE_INCLUDE_DIRECTORIES "${LIBURING_PREFIX}/include")
