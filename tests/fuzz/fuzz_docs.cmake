# fuzz_docs: the document parsers (text after the encoding sniff, HTML, DOCX XML) and the chunker behind them, on
# arbitrary bytes fed in arbitrary pieces (fuzz_docs.cpp). Included from CMakeLists.txt once clang is known to link
# libFuzzer. The parsers use Qt (QString, QStringDecoder, QXmlStreamReader), so clang compiles them against the
# installed Qt headers and links the installed Qt libraries (uninstrumented); -fPIC as Qt requires.
if(NOT TARGET Qt6::Core OR NOT TARGET PkgConfig::MINIZIP)
  message(STATUS "fuzz_docs: off (the app and its document libraries are not built)")
  return()
endif()
find_package(Qt6 6.4 QUIET COMPONENTS Pdf)  # imported targets are per directory: app/docs found its own
if(NOT TARGET Qt6::Pdf)
  message(STATUS "fuzz_docs: off (Qt PDF not found)")
  return()
endif()
message(STATUS "fuzz_docs: on (${HEARTH_FUZZ_CXX})")
set(docs_fuzz_sources
  ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_docs.cpp
  ${PROJECT_SOURCE_DIR}/app/docs/text_splitters.cpp
  ${PROJECT_SOURCE_DIR}/app/docs/chunker.cpp
  ${PROJECT_SOURCE_DIR}/app/docs/document_extractor.cpp)
file(GLOB docs_fuzz_headers ${PROJECT_SOURCE_DIR}/app/docs/*.h)
set(docs_fuzz_exe ${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/fuzz_docs)
set(docs_fuzz_includes
  "$<TARGET_PROPERTY:Qt6::Core,INTERFACE_INCLUDE_DIRECTORIES>;$<TARGET_PROPERTY:Qt6::Pdf,INTERFACE_INCLUDE_DIRECTORIES>"
  "$<TARGET_PROPERTY:PkgConfig::MINIZIP,INTERFACE_INCLUDE_DIRECTORIES>")
add_custom_command(
  OUTPUT ${docs_fuzz_exe}
  COMMAND ${HEARTH_FUZZ_CXX} ${HEARTH_FUZZ_FLAGS} -fPIC -I${PROJECT_SOURCE_DIR} "-I$<JOIN:${docs_fuzz_includes},;-I>"
          ${docs_fuzz_sources} $<TARGET_LINKER_FILE:Qt6::Pdf> $<TARGET_LINKER_FILE:Qt6::Gui>
          $<TARGET_LINKER_FILE:Qt6::Core> "$<TARGET_PROPERTY:PkgConfig::MINIZIP,INTERFACE_LINK_LIBRARIES>"
          -o ${docs_fuzz_exe}
  DEPENDS ${docs_fuzz_sources} ${docs_fuzz_headers}
  COMMENT "Building fuzz_docs with ${HEARTH_FUZZ_CXX} (libFuzzer, ASan, UBSan)"
  COMMAND_EXPAND_LISTS
  VERBATIM)
add_custom_target(fuzz_docs ALL DEPENDS ${docs_fuzz_exe})

set(HEARTH_FUZZ_DOCS_SECONDS 60 CACHE STRING "How long the fuzz_docs test fuzzes")
add_test(NAME fuzz_docs
         COMMAND ${CMAKE_COMMAND}
                 -DFUZZER=${docs_fuzz_exe}
                 -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/fuzz_docs_run
                 -DSECONDS=${HEARTH_FUZZ_DOCS_SECONDS}
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/run_fuzz_docs.cmake)
set_tests_properties(fuzz_docs PROPERTIES LABELS fuzz TIMEOUT 900)
