# cmake -DFUZZER=... -DWORK_DIR=... -DSECONDS=... -P run_fuzz_docs.cmake
# Fuzzes the document parsers for SECONDS seconds from one seed per format (first byte modulo 3: '0' text, '1'
# HTML, '2' DOCX XML; second byte: the piece size). New inputs go to WORK_DIR/new (kept between runs); crash reproducers to
# WORK_DIR/artifacts.
file(REMOVE_RECURSE ${WORK_DIR}/seed)
file(MAKE_DIRECTORY ${WORK_DIR}/seed ${WORK_DIR}/new ${WORK_DIR}/artifacts)
set(text_byte 0)
set(html_byte 1)
set(docx_byte 2)
set(piece 5)
file(WRITE ${WORK_DIR}/seed/text "${text_byte}${piece}Title line\r\nsecond line\n\nA paragraph. With sentences! And more?\n")
file(WRITE ${WORK_DIR}/seed/html
     "${html_byte}${piece}<html><head><title>T &amp; C</title><script>x<y</script></head><body><!-- c -->"
     "<p class=\"a>b\">First &lt;para&gt; &#x263A;</p><div>Second<br>line</div></body></html>")
file(WRITE ${WORK_DIR}/seed/docx
     "${docx_byte}${piece}<?xml version=\"1.0\"?><w:document "
     "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>Hello</w:t>"
     "<w:tab/><w:t>World</w:t><w:br/></w:r></w:p><w:p/></w:body></w:document>")
execute_process(COMMAND ${FUZZER} ${WORK_DIR}/new ${WORK_DIR}/seed
                        -max_len=8192 -max_total_time=${SECONDS} -rss_limit_mb=2048 -malloc_limit_mb=1024
                        -timeout=10 -print_final_stats=1 -artifact_prefix=${WORK_DIR}/artifacts/
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzz_docs found a problem (exit ${rc}); reproducers in ${WORK_DIR}/artifacts")
endif()
