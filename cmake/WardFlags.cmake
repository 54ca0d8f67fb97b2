# Compiler and linker flags for every wardftpd target: warnings, hardening, sanitizers, fuzzing.
# Hardening is checked on the built binary by tests/hardening/check_hardening.py.

set(WARD_WARNINGS -Wall -Wextra -Wpedantic -Wconversion -Wshadow)
if(WARD_WERROR)
  list(APPEND WARD_WARNINGS -Werror)
endif()

# Release: -O2 (FORTIFY needs optimisation); assertions stay on, they are cheap and catch the impossible.
set(CMAKE_C_FLAGS_RELEASE "-O2")
set(CMAKE_CXX_FLAGS_RELEASE "-O2")

set(WARD_HARDENING_COMPILE
  -fstack-protector-strong
  -fstack-clash-protection
  -fcf-protection=full
  -D_GLIBCXX_ASSERTIONS
  -fPIE)
set(WARD_HARDENING_LINK
  -pie
  -Wl,-z,relro
  -Wl,-z,now
  -Wl,-z,noexecstack
  -Wl,-z,defs)

if(WARD_SANITIZE)
  # FORTIFY and ASan intercept the same calls; the sanitizer build checks memory its own way.
  set(WARD_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  if(WARD_FUZZ)
    list(APPEND WARD_SANITIZER_FLAGS -fsanitize=fuzzer-no-link)
  endif()
  # Tests run faster at -O1; line tables are enough for symbolised reports.
  set(CMAKE_C_FLAGS_RELEASE "-O1 -gline-tables-only")
  set(CMAKE_CXX_FLAGS_RELEASE "-O1 -gline-tables-only")
  add_compile_options(${WARD_SANITIZER_FLAGS})
  add_link_options(${WARD_SANITIZER_FLAGS})
  add_compile_definitions(WARD_SANITIZER_BUILD=1)
  list(REMOVE_ITEM WARD_HARDENING_LINK -Wl,-z,defs)
else()
  list(APPEND WARD_HARDENING_COMPILE -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3)
endif()

if(WARD_FUZZ AND NOT WARD_SANITIZE)
  # The coverage build (scripts/fuzz-coverage): libFuzzer's feedback without the sanitizers.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(WARD_COVERAGE)
  add_compile_options(-fprofile-instr-generate -fcoverage-mapping)
  add_link_options(-fprofile-instr-generate -fcoverage-mapping)
endif()

add_compile_options(${WARD_HARDENING_COMPILE})
add_link_options(${WARD_HARDENING_LINK})

# Warnings apply to our own code only (targets call ward_target_warnings).
function(ward_target_warnings target)
  target_compile_options(${target} PRIVATE ${WARD_WARNINGS})
endfunction()

# A static library for one folder of the architecture.
function(ward_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  ward_target_warnings(${name})
endfunction()
