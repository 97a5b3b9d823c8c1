# Optional `make tidy` (clang-tidy) and `make cppcheck`, when the tools are installed.
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
find_program(CLANG_TIDY clang-tidy)
if(CLANG_TIDY)
    file(GLOB_RECURSE SPONGE_TIDY_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/libsponge/*.c)
    add_custom_target(tidy COMMAND ${CLANG_TIDY} -p ${PROJECT_BINARY_DIR} --quiet ${SPONGE_TIDY_FILES})
endif()
find_program(CPPCHECK cppcheck)
if(CPPCHECK)
    add_custom_target(cppcheck COMMAND ${CPPCHECK} --quiet --error-exitcode=1 --std=c11
                      -I ${PROJECT_SOURCE_DIR}/libsponge ${PROJECT_SOURCE_DIR}/libsponge)
endif()
