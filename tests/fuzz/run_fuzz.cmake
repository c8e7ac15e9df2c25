# cmake -DFUZZER=... -DMAKE_BROKEN=... -DWORK_DIR=... -DSHARED_DIR=... -DSECONDS=... -P run_fuzz.cmake
# Builds a seed corpus and fuzzes the GGUF reader for SECONDS seconds. New inputs go to WORK_DIR/new (kept between
# runs, so coverage accumulates); crash reproducers to WORK_DIR/artifacts.
file(REMOVE_RECURSE ${WORK_DIR}/seed)
file(MAKE_DIRECTORY ${WORK_DIR}/seed ${WORK_DIR}/new ${WORK_DIR}/artifacts)
execute_process(COMMAND ${MAKE_BROKEN} ${WORK_DIR}/seed RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "make_broken_gguf failed (${rc})")
endif()
file(REMOVE ${WORK_DIR}/seed/expected.tsv)
foreach(model conformance/models/stories260K-Q4_0.gguf)
  if(EXISTS ${SHARED_DIR}/${model})
    file(COPY ${SHARED_DIR}/${model} DESTINATION ${WORK_DIR}/seed)
  endif()
endforeach()
execute_process(COMMAND ${FUZZER} ${WORK_DIR}/new ${WORK_DIR}/seed
                        -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
                        -artifact_prefix=${WORK_DIR}/artifacts/
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzz_gguf found a problem (exit ${rc}); reproducers in ${WORK_DIR}/artifacts")
endif()
