# Planted student bugs (tests/mutants/README.md): one test per stage, mutants/labN (label mutants),
# runs etc/mutant_check.sh labN, which fails if the stage's tests miss one of the bugs in
# tests/mutants/labN/. `make check` runs them with the rest; `make check_mutants` runs the
# script on every stage at once, one line per mutant.
# They share one copy of the tree under mutants/ in the build directory, so they run one at a time.
# The student export leaves this file, the script and the patches out (etc/export_stage.sh).
file(GLOB mutant_dirs LIST_DIRECTORIES true CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/tests/mutants/lab*")
foreach(dir ${mutant_dirs})
    if(IS_DIRECTORY ${dir})
        get_filename_component(lab ${dir} NAME)
        add_test(NAME mutants/${lab} COMMAND bash ${PROJECT_SOURCE_DIR}/etc/mutant_check.sh --build
                                             ${PROJECT_BINARY_DIR} ${lab})
        # The first one builds the copy: minutes on a busy host. Together they take about a minute
        # alone, one at a time: COST starts them early under ctest -j (see etc/tests.cmake), so that
        # the chain is not left to run alone at the end (this file is included last).
        set_tests_properties(mutants/${lab} PROPERTIES LABELS mutants TIMEOUT 1200 RESOURCE_LOCK mutant_copy
                                                        SKIP_RETURN_CODE 77 COST 10)
    endif()
endforeach()
add_custom_target(check_mutants COMMAND bash ${PROJECT_SOURCE_DIR}/etc/mutant_check.sh --build ${PROJECT_BINARY_DIR}
                  USES_TERMINAL VERBATIM)
