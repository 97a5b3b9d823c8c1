# Fuzz targets (tests/fuzz/targets/*.c): always compiled into the replay test framework/fuzz_replay,
# which runs the saved inputs through them as a plain unit test. With -DSPONGE_FUZZ=ON and
# clang (a separate build dir: etc/fuzz.sh uses build-fuzz/), the library is instrumented
# (-fsanitize=fuzzer-no-link,address,undefined) and every target also becomes a libFuzzer
# program fuzz_NAME; `make fuzz_targets` builds them all.
option(SPONGE_FUZZ "build the libFuzzer programs (needs CMAKE_C_COMPILER=clang)" OFF)

file(GLOB SPONGE_FUZZ_TARGET_SOURCES CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/tests/fuzz/targets/*.c")
set(SPONGE_FUZZ_DIR "${PROJECT_SOURCE_DIR}/tests/fuzz")
if(TARGET framework_fuzz_replay)
    target_sources(framework_fuzz_replay PRIVATE ${SPONGE_FUZZ_TARGET_SOURCES})
    target_compile_definitions(framework_fuzz_replay PRIVATE FUZZ_DATA_DIR="${SPONGE_FUZZ_DIR}")
endif()

if(SPONGE_FUZZ)
    if(NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "SPONGE_FUZZ needs clang: configure with -DCMAKE_C_COMPILER=clang")
    endif()
    # Asserts stay on (a caller-bug assert reached from network input is a bug to find).
    set(fuzz_flags -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all)
    target_compile_options(sponge PUBLIC ${fuzz_flags} -fsanitize=fuzzer-no-link)
    target_link_options(sponge PUBLIC -fsanitize=address,undefined)
    add_custom_target(fuzz_targets)
    set(names parsers tcp_parse reassembler tcp_connection tcp_pair network_interface router ipv4_reassembler icmp)
    foreach(name ${names})
        add_executable(fuzz_${name} ${PROJECT_SOURCE_DIR}/tests/fuzz/entry.c ${SPONGE_FUZZ_TARGET_SOURCES})
        target_compile_definitions(fuzz_${name} PRIVATE FUZZ_TARGET=fuzz_${name})
        target_link_libraries(fuzz_${name} sponge)
        target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
        add_dependencies(fuzz_targets fuzz_${name})
    endforeach()
endif()
