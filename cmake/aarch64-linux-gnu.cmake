# Cross toolchain: AArch64 Linux with Debian's g++-aarch64-linux-gnu (preset "aarch64", kernels-only builds).
# Test executables run under qemu-aarch64 (CMAKE_CROSSCOMPILING_EMULATOR); set QEMU_CPU to pick the emulated CPU.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# xsimd and xtl are header-only packages installed for the build host (/usr/include, with their CMake configs in
# /usr/share/cmake and /usr/lib/<host triplet>/cmake): let find_package() look on the host too.
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
file(GLOB _hearth_host_package_dirs LIST_DIRECTORIES true /usr/lib/*-linux-gnu/cmake/xsimd)
foreach(_dir IN LISTS _hearth_host_package_dirs)
  if(NOT _dir MATCHES "aarch64")
    set(xsimd_DIR "${_dir}" CACHE PATH "xsimd package config (host, header-only)")
  endif()
endforeach()

# Their headers sit in the host's /usr/include, which must come AFTER the cross compiler's own libc headers:
# -idirafter, never -I/-isystem. Treating /usr/include as an implicit directory keeps CMake from turning the
# imported targets' INTERFACE_INCLUDE_DIRECTORIES into -isystem /usr/include.
set(CMAKE_C_FLAGS_INIT "-idirafter /usr/include")
set(CMAKE_CXX_FLAGS_INIT "-idirafter /usr/include")
list(APPEND CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES /usr/include)

find_program(_hearth_qemu qemu-aarch64)
if(_hearth_qemu)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${_hearth_qemu};-L;/usr/aarch64-linux-gnu")
endif()
