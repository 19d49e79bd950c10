# Generates a C++ source defining `const std::map<std::string, std::string>& NS::FN()` that
# maps each SRC_DIR/*.EXT file's base name to its text. Run with cmake -P.
file(GLOB files "${SRC_DIR}/*.${EXT}")
list(SORT files)
set(body "")
foreach(f ${files})
  get_filename_component(name "${f}" NAME_WE)
  file(READ "${f}" text)
  string(APPEND body "        {\"${name}\", R\"tanba_embed(${text})tanba_embed\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from ${SRC_DIR}/*.${EXT} by cmake/embed_files.cmake. Do not edit.
#include <map>
#include <string>

namespace ${NS} {
const std::map<std::string, std::string>& ${FN}() {
    static const std::map<std::string, std::string> texts{
${body}    };
    return texts;
}
}  // namespace ${NS}
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
