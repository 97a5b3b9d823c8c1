# `make handouts`: the stage handouts (docs/labs/labN.md) with their dataflow diagrams, drawn
# from the Graphviz sources docs/labs/labN.dot, into <build>/docs/labs/ (SVG and PNG next to
# each handout, which links labN.svg). Without graphviz's `dot` the handouts are copied and the
# target says the diagrams were not drawn (etc/deps.sh installs graphviz).
find_program(SPONGE_DOT dot)
file(GLOB handout_pages CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/docs/labs/*.md")
file(GLOB handout_graphs CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/docs/labs/*.dot")
set(handout_dir "${PROJECT_BINARY_DIR}/docs/labs")
set(handout_outputs "")
foreach(page ${handout_pages})
    get_filename_component(name ${page} NAME)
    add_custom_command(OUTPUT ${handout_dir}/${name} COMMAND ${CMAKE_COMMAND} -E make_directory ${handout_dir}
                       COMMAND ${CMAKE_COMMAND} -E copy ${page} ${handout_dir}/${name} DEPENDS ${page} VERBATIM)
    list(APPEND handout_outputs ${handout_dir}/${name})
endforeach()
if(SPONGE_DOT)
    foreach(graph ${handout_graphs})
        get_filename_component(name ${graph} NAME_WE)
        add_custom_command(OUTPUT ${handout_dir}/${name}.svg ${handout_dir}/${name}.png
                           COMMAND ${CMAKE_COMMAND} -E make_directory ${handout_dir}
                           COMMAND ${SPONGE_DOT} -Tsvg ${graph} -o ${handout_dir}/${name}.svg
                           COMMAND ${SPONGE_DOT} -Tpng ${graph} -o ${handout_dir}/${name}.png DEPENDS ${graph} VERBATIM)
        list(APPEND handout_outputs ${handout_dir}/${name}.svg ${handout_dir}/${name}.png)
    endforeach()
    add_custom_target(handouts DEPENDS ${handout_outputs} COMMENT "handouts in ${handout_dir}")
else()
    add_custom_target(handouts DEPENDS ${handout_outputs}
                      COMMAND ${CMAKE_COMMAND} -E echo
                              "handouts: graphviz's dot not found, diagrams not drawn (sources: docs/labs/*.dot)"
                      VERBATIM)
endif()
