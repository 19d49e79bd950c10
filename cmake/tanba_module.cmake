# tanba_module(NAME SOURCES... [DEPS dep...] [PRIVATE_DEPS dep...])
# Declares the static library tanba_<NAME> with the alias tanba::<NAME>; its public headers live
# in lib/<NAME>/include/tanba/<NAME>/ and its private sources in lib/<NAME>/src/.
function(tanba_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(tanba_${name} STATIC ${M_SOURCES})
  add_library(tanba::${name} ALIAS tanba_${name})
  target_include_directories(tanba_${name}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(tanba_${name} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
endfunction()

# tanba_embed(OUT_VAR DIR EXT NAMESPACE FUNCTION): a generated source embedding DIR/*.EXT.
function(tanba_embed out_var dir ext ns fn)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${fn}.cpp)
  file(GLOB inputs CONFIGURE_DEPENDS ${dir}/*.${ext})
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DSRC_DIR=${dir} -DEXT=${ext} -DOUT=${out} -DNS=${ns} -DFN=${fn}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${inputs} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${dir}/*.${ext}")
  set(${out_var} ${out} PARENT_SCOPE)
endfunction()
