# cmake -DFUZZER=... -DWORK_DIR=... -DSECONDS=... -P run_fuzz_model.cmake
# Fuzzes model loading, tokenization and evaluation for SECONDS seconds. The input is a recipe (fuzz_model.cpp), not
# a file, so the seeds are just a few byte strings of full length: all-zero bytes choose the consistent model and
# the first text; others spread the choices. New inputs go to WORK_DIR/new (kept between runs, so coverage
# accumulates); crash reproducers to WORK_DIR/artifacts.
file(REMOVE_RECURSE ${WORK_DIR}/seed)
file(MAKE_DIRECTORY ${WORK_DIR}/seed ${WORK_DIR}/new ${WORK_DIR}/artifacts)
string(REPEAT "\t" 600 zeros_like)
file(WRITE ${WORK_DIR}/seed/tabs "${zeros_like}")
string(REPEAT "Hello world, 12345 tokens! " 40 text)
file(WRITE ${WORK_DIR}/seed/text "${text}")
string(REPEAT "0123456789abcdefghijklmnopqrstuvwxyz" 60 mixed)
file(WRITE ${WORK_DIR}/seed/mixed "${mixed}")
execute_process(COMMAND ${FUZZER} ${WORK_DIR}/new ${WORK_DIR}/seed
                        -max_len=4096 -len_control=0 -max_total_time=${SECONDS} -rss_limit_mb=2048
                        -malloc_limit_mb=1024 -timeout=10 -print_final_stats=1
                        -artifact_prefix=${WORK_DIR}/artifacts/
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzz_model found a problem (exit ${rc}); reproducers in ${WORK_DIR}/artifacts")
endif()
