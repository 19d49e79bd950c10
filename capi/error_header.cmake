# cmake -DDEF=error_codes.def -DOUT=tanba_errors.h -P error_header.cmake
# The C names of tanba's stable error codes, from the one table.
file(STRINGS ${DEF} lines REGEX "^TANBA_ERROR\\(")
set(body "")
foreach(line IN LISTS lines)
  if(line MATCHES "^TANBA_ERROR\\(([0-9]+), ([A-Z0-9_]+), (true|false), \"(.*)\"\\)")
    string(APPEND body "#define TANBA_E_${CMAKE_MATCH_2} ${CMAKE_MATCH_1} /**< ${CMAKE_MATCH_4} */\n")
  endif()
endforeach()
file(WRITE ${OUT}.tmp "/* tanba's stable error codes (generated from lib/base/include/tanba/base/error_codes.def;
 * docs/error-codes.md describes each). Numbers never change meaning once released. */
#ifndef TANBA_TANBA_ERRORS_H
#define TANBA_TANBA_ERRORS_H

${body}
#endif /* TANBA_TANBA_ERRORS_H */
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
