# Every apps/NAME.c is one program NAME linked against libsponge.
file(GLOB app_sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/apps/*.c")
foreach(src ${app_sources})
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    target_link_libraries(${name} sponge)
endforeach()
