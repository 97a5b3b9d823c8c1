# Benchmarks are not tests. Every bench/NAME.c is a program NAME_bench whose last line is
# `NAME: VALUE UNIT`; `make bench` runs each one five times and prints the medians.
file(GLOB bench_sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/bench/*.c")
set(bench_programs "")
foreach(src ${bench_sources})
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name}_bench ${src})
    target_link_libraries(${name}_bench sponge)
    list(APPEND bench_programs $<TARGET_FILE:${name}_bench>)
endforeach()
# bench/tun.sh (TUN bulk TCP against lwIP), bench/conn_rate.sh (connections per second
# accepted by our host from the kernel over TUN) and bench/wan.sh (20 ms RTT, with and without
# loss, against the kernel's TCP) need root and print one skip line otherwise.
add_custom_target(bench COMMAND bash ${PROJECT_SOURCE_DIR}/etc/bench.sh ${bench_programs}
                  COMMAND bash ${PROJECT_SOURCE_DIR}/bench/tun.sh ${CMAKE_BINARY_DIR}
                  COMMAND bash ${PROJECT_SOURCE_DIR}/bench/conn_rate.sh ${CMAKE_BINARY_DIR}
                  COMMAND bash ${PROJECT_SOURCE_DIR}/bench/wan.sh ${CMAKE_BINARY_DIR} USES_TERMINAL)
