# `make format` rewrites every C source in place; `make format-check` fails if any would change.
find_program(CLANG_FORMAT clang-format)
if(CLANG_FORMAT)
    file(GLOB_RECURSE SPONGE_FORMAT_FILES CONFIGURE_DEPENDS
         ${PROJECT_SOURCE_DIR}/libsponge/*.[ch] ${PROJECT_SOURCE_DIR}/apps/*.[ch]
         ${PROJECT_SOURCE_DIR}/tests/*.[ch] ${PROJECT_SOURCE_DIR}/doctests/*.[ch]
         ${PROJECT_SOURCE_DIR}/bench/*.[ch])
    add_custom_target(format COMMAND ${CLANG_FORMAT} -i ${SPONGE_FORMAT_FILES} COMMENT "clang-format -i")
    add_custom_target(format-check COMMAND ${CLANG_FORMAT} --dry-run --Werror ${SPONGE_FORMAT_FILES}
                      COMMENT "clang-format --dry-run --Werror")
else()
    message(STATUS "clang-format not found: format targets unavailable")
endif()
