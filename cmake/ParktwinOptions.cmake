# Compile options shared by every parktwin target: warnings, asserts and sanitizers.
add_library(parktwin_options INTERFACE)
add_library(parktwin::options ALIAS parktwin_options)

target_compile_options(parktwin_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wnull-dereference -Wdouble-promotion -Wimplicit-fallthrough
  -Wno-missing-field-initializers)  # designated initialisers leave the rest defaulted on purpose
# The Python extension makes every library position-independent; without this GCC may not
# inline a function into its own file's callers (it could be interposed at load time, which
# parktwin never does): the step's small helpers stayed out-of-line calls.
target_compile_options(parktwin_options INTERFACE -fno-semantic-interposition)
# clang (the fuzz preset) also flags exact float -> double widening in braced initialisers and
# returns, which GCC's -Wdouble-promotion leaves alone and the code relies on.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  target_compile_options(parktwin_options INTERFACE -Wno-double-promotion)
endif()
if(PARKTWIN_ASSERTS)
  target_compile_definitions(parktwin_options INTERFACE PARKTWIN_ENABLE_ASSERTS=1)
endif()
if(PARKTWIN_SANITIZE)
  set(_san -fsanitize=${PARKTWIN_SANITIZE} -fno-omit-frame-pointer)
  if(PARKTWIN_SANITIZE MATCHES "undefined")
    list(APPEND _san -fno-sanitize-recover=all)
  endif()
  # GCC 12 reports false maybe-uninitialized warnings inside libstdc++ when sanitizers
  # change inlining (GCC bug 105562); they are not in our code.
  target_compile_options(parktwin_options INTERFACE ${_san})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(parktwin_options INTERFACE -Wno-maybe-uninitialized)
  endif()
  target_link_options(parktwin_options INTERFACE ${_san})
endif()

# parktwin_module(NAME SOURCES... DEPENDS...): one library per module folder, with the
# repository root as include root so that headers read as "engine/rng.h". A module whose
# sources have not landed yet is an INTERFACE library that still records its dependencies,
# so the dependency direction is fixed from the start.
function(parktwin_module name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;DEPENDS")
  if(arg_SOURCES)
    add_library(parktwin_${name} STATIC ${arg_SOURCES})
    target_include_directories(parktwin_${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(parktwin_${name} PUBLIC ${arg_DEPENDS} parktwin::options)
  else()
    add_library(parktwin_${name} INTERFACE)
    target_include_directories(parktwin_${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(parktwin_${name} INTERFACE ${arg_DEPENDS} parktwin::options)
  endif()
  add_library(parktwin::${name} ALIAS parktwin_${name})
endfunction()
