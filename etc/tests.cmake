# Test registration. Every tests/labN/NAME.c is one test executable `labN/NAME` labelled labN;
# every tests/labN/NAME.sh is a script test (end to end, may need root: it exits 77 to be
# reported as skipped). tests/modern/ holds the tests of what lies beyond the labs (modern TCP:
# congestion control, RTO estimation, SACK, timers, options, RFC 5961), labelled modern and
# registered the same way. tests/framework/ holds the tests of the framework around the labs
# (harness, grader, starter-code export, rule trace, the apps' tools), which grade no student's
# code: labelled framework, registered the same way, `framework/NAME`. Every doctests/NAME.c is a
# compiled-and-run API example.
# `make check_labN` runs the tests of stage N and the stages before it; `make check_modern` the
# modern tests; `make check_framework` the framework's; `make check` runs all.

file(GLOB SPONGE_HARNESS_SOURCES CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/tests/harness/*.c")
add_library(sponge_harness STATIC ${SPONGE_HARNESS_SOURCES})
target_include_directories(sponge_harness PUBLIC "${PROJECT_SOURCE_DIR}/tests/harness")
target_link_libraries(sponge_harness PUBLIC sponge)
# Failure reports quote the rules a test cites from the handouts (tests/harness/rule_text.h).
target_compile_definitions(sponge_harness PRIVATE SPONGE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
# A failing TCP step test writes its segments to captures/<test case>.pcap here (tcp_capture.h);
# SPONGE_CAPTURE_DIR in the environment overrides it. Public: tests/lab3/harness_capture checks it.
target_compile_definitions(sponge_harness PUBLIC SPONGE_CAPTURE_DIR="${PROJECT_BINARY_DIR}/captures")

set(SPONGE_LABS lab0 lab1 lab2 lab3 lab4 lab5 lab6 lab7)
# In a Sanitize build a script test runs through etc/sanitize_script.sh: any sanitizer report
# of a program the script starts fails the test, even if the script ignores that program.
set(SPONGE_SCRIPT_RUNNER bash)
if(CMAKE_BUILD_TYPE STREQUAL "Sanitize")
    set(SPONGE_SCRIPT_RUNNER bash ${PROJECT_SOURCE_DIR}/etc/sanitize_script.sh)
endif()
foreach(lab ${SPONGE_LABS} modern framework)
    file(GLOB lab_c_tests CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/tests/${lab}/*.c")
    foreach(src ${lab_c_tests})
        get_filename_component(name ${src} NAME_WE)
        add_executable(${lab}_${name} ${src})
        target_link_libraries(${lab}_${name} sponge_harness)
        add_test(NAME ${lab}/${name} COMMAND ${lab}_${name})
        set_tests_properties(${lab}/${name} PROPERTIES LABELS ${lab} TIMEOUT 120)
    endforeach()
    file(GLOB lab_sh_tests CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/tests/${lab}/*.sh")
    foreach(src ${lab_sh_tests})
        get_filename_component(name ${src} NAME_WE)
        add_test(NAME ${lab}/${name} COMMAND ${SPONGE_SCRIPT_RUNNER} ${src})
        set_tests_properties(${lab}/${name} PROPERTIES LABELS "${lab};e2e" SKIP_RETURN_CODE 77 TIMEOUT 300
                             ENVIRONMENT "SPONGE_BUILD=${PROJECT_BINARY_DIR};SPONGE_SRC=${PROJECT_SOURCE_DIR}")
    endforeach()
endforeach()
# Instructor-only tests (tests/instructor/labN/NAME.c -> labN/instructor_NAME, labels labN and
# instructor): etc/grade.sh grades with them; the student export leaves tests/instructor/ out.
foreach(lab ${SPONGE_LABS})
    file(GLOB instructor_tests CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/tests/instructor/${lab}/*.c")
    foreach(src ${instructor_tests})
        get_filename_component(name ${src} NAME_WE)
        add_executable(${lab}_instructor_${name} ${src})
        target_include_directories(${lab}_instructor_${name} PRIVATE "${PROJECT_SOURCE_DIR}/tests/${lab}")
        target_link_libraries(${lab}_instructor_${name} sponge_harness)
        add_test(NAME ${lab}/instructor_${name} COMMAND ${lab}_instructor_${name})
        set_tests_properties(${lab}/instructor_${name} PROPERTIES LABELS "${lab};instructor" TIMEOUT 120)
    endforeach()
endforeach()

# The longest tests start first under ctest -j (COST: ctest runs the costliest first; its
# CTestCostData.txt replaces these figures once a build directory has run them), so that they
# overlap with the many short ones instead of running last, alone. The figures are their
# seconds alone on a quiet 2-core host.
# It builds and grades three submissions in namespaces: minutes on a busy host.
if(TEST framework/grade)
    set_tests_properties(framework/grade PROPERTIES TIMEOUT 1800 COST 60)
endif()

# make grade_labN: the scorecard etc/grade.sh gives for stage N, from the tests in this tree
# (etc/grade_weights.txt), without its sandbox, after building; make grade: stage 7's (every stage).
foreach(stage RANGE 0 7)
    add_custom_target(grade_lab${stage}
                      COMMAND ${CMAKE_COMMAND} --build ${PROJECT_BINARY_DIR}
                      COMMAND python3 ${PROJECT_SOURCE_DIR}/etc/grade/run_tests.py --build ${PROJECT_BINARY_DIR}
                              --stage ${stage} --weights ${PROJECT_SOURCE_DIR}/etc/grade_weights.txt --name lab${stage}
                      USES_TERMINAL VERBATIM)
endforeach()
add_custom_target(grade DEPENDS grade_lab7)

# It exports, builds and tests the starter tree of all seven stages, and builds and tests each
# stage again with its minimal solution: minutes, many more on a busy host.
if(TEST framework/starter_code)
    set_tests_properties(framework/starter_code PROPERTIES TIMEOUT 1800 COST 120)
endif()
# It builds a student's repository and rebuilds it after each merged stage; as root, make
# check_lab4 and later run the end-to-end scripts too (minutes each).
if(TEST framework/student_repo)
    set_tests_properties(framework/student_repo PROPERTIES TIMEOUT 1800 COST 75)
endif()

file(GLOB doctest_sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/doctests/*.c")
foreach(src ${doctest_sources})
    get_filename_component(name ${src} NAME_WE)
    add_executable(doctest_${name} ${src})
    target_link_libraries(doctest_${name} sponge)
    add_test(NAME doctests/${name} COMMAND doctest_${name})
    set_tests_properties(doctests/${name} PROPERTIES LABELS doctests TIMEOUT 60)
endforeach()

# check_labN: the tests of stage N and every earlier stage, as a table and a closing line.
set(labs_so_far "")
foreach(lab ${SPONGE_LABS})
    if(labs_so_far)
        set(labs_so_far "${labs_so_far}|${lab}")
    else()
        set(labs_so_far "${lab}")
    endif()
    add_custom_target(check_${lab}
                      COMMAND bash ${PROJECT_SOURCE_DIR}/etc/check.sh "^(${labs_so_far})$"
                      WORKING_DIRECTORY ${PROJECT_BINARY_DIR} USES_TERMINAL VERBATIM)
endforeach()
add_custom_target(check_modern COMMAND bash ${PROJECT_SOURCE_DIR}/etc/check.sh "^modern$"
                  WORKING_DIRECTORY ${PROJECT_BINARY_DIR} USES_TERMINAL VERBATIM)
add_custom_target(check_framework COMMAND bash ${PROJECT_SOURCE_DIR}/etc/check.sh "^framework$"
                  WORKING_DIRECTORY ${PROJECT_BINARY_DIR} USES_TERMINAL VERBATIM)
add_custom_target(check COMMAND bash ${PROJECT_SOURCE_DIR}/etc/check.sh "." WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
                  USES_TERMINAL)

# The check that the stage tests catch planted bugs (instructor material: absent from a student tree).
include(mutants OPTIONAL)
