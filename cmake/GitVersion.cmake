# Run at build time (cmake -P) so the git hash is current for every build. configure_file
# rewrites the output only when its text changes, so an unchanged hash triggers no rebuild.
# Inputs: SOURCE_DIR, INPUT, OUTPUT, PROJECT_VERSION, PARKTWIN_BUILD_DESCRIPTION.
execute_process(
  COMMAND git describe --always --dirty --abbrev=12
  WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE PARKTWIN_GIT_HASH
  OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET
  RESULT_VARIABLE _git_result)
if(NOT _git_result EQUAL 0 OR PARKTWIN_GIT_HASH STREQUAL "")
  set(PARKTWIN_GIT_HASH "unknown")
endif()
configure_file(${INPUT} ${OUTPUT} @ONLY)
