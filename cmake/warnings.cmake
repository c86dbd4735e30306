# Warning flags for Keyward's own code, as INTERFACE targets: third-party headers are included as
# SYSTEM and do not trip them. g++ 12 raises false positives at -O2/-O3 on std::string code for the
# four warnings below; they stay warnings, not errors (the one exception to -Werror). clang (the
# fuzz build) does not know them.
add_library(keyward_warnings INTERFACE)
target_compile_options(keyward_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Werror)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(keyward_warnings INTERFACE
    -Wno-error=restrict -Wno-error=maybe-uninitialized -Wno-error=array-bounds
    -Wno-error=stringop-overflow)
endif()

# core is held to -Wconversion as well.
add_library(keyward_strict_warnings INTERFACE)
target_link_libraries(keyward_strict_warnings INTERFACE keyward_warnings)
target_compile_options(keyward_strict_warnings INTERFACE -Wconversion -Wsign-conversion)
