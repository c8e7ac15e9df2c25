# Cross-builds the kernels for AArch64 (kernels-only, cmake/aarch64-linux-gnu.cmake) and runs their tests under
# qemu-aarch64: on a CPU with dotprod (QEMU_CPU=max: NEON and NEON+dotprod tables), on one without
# (cortex-a57: detection must fall back to plain NEON), and with HEARTH_ISA=neon on the dotprod CPU (the cap
# must select the non-dotprod table for the tests that use the active ISA).
#
# cmake -DSOURCE_DIR=<repo> -DBINARY_DIR=<build dir> [-DGENERATOR=Ninja] -P run_aarch64_tests.cmake
foreach(var SOURCE_DIR BINARY_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_aarch64_tests.cmake: -D${var}=... is required")
  endif()
endforeach()
set(generator_args)
if(DEFINED GENERATOR AND NOT GENERATOR STREQUAL "")
  set(generator_args -G "${GENERATOR}")
endif()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    string(JOIN " " command ${ARGN})
    message(FATAL_ERROR "failed (${result}): ${command}")
  endif()
endfunction()

if(NOT EXISTS "${BINARY_DIR}/CMakeCache.txt")
  run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${BINARY_DIR}" ${generator_args}
      --toolchain "${SOURCE_DIR}/cmake/aarch64-linux-gnu.cmake"
      -DCMAKE_BUILD_TYPE=Release -DHEARTH_KERNELS_ONLY=ON -DHEARTH_ARM_CROSS_TESTS=OFF)
endif()
run(${CMAKE_COMMAND} --build "${BINARY_DIR}" -j 2)

message(STATUS "== AArch64 kernel tests, QEMU_CPU=max (NEON + dotprod)")
run(${CMAKE_COMMAND} -E env QEMU_CPU=max --unset=HEARTH_ISA
    ${CMAKE_CTEST_COMMAND} --test-dir "${BINARY_DIR}" --output-on-failure)
message(STATUS "== AArch64 kernel tests, QEMU_CPU=cortex-a57 (no dotprod)")
run(${CMAKE_COMMAND} -E env QEMU_CPU=cortex-a57 --unset=HEARTH_ISA
    ${CMAKE_CTEST_COMMAND} --test-dir "${BINARY_DIR}" --output-on-failure)
message(STATUS "== AArch64 kernel tests, QEMU_CPU=max HEARTH_ISA=neon")
run(${CMAKE_COMMAND} -E env QEMU_CPU=max HEARTH_ISA=neon
    ${CMAKE_CTEST_COMMAND} --test-dir "${BINARY_DIR}" --output-on-failure -R "\\.active$")
