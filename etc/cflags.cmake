# Compiler flags for every target: C11, all warnings, warnings are errors.
set(CMAKE_C_STANDARD 11)
set(CMAKE_C_STANDARD_REQUIRED ON)
set(CMAKE_C_EXTENSIONS OFF)
add_compile_options(-Wall -Wextra -Wshadow -Werror -D_DEFAULT_SOURCE -D_GNU_SOURCE)
