# The modules and what each may use come from one table, cmake/modules.txt (also read by
# scripts/check-layering): a module links exactly the tanba modules and third-party libraries
# its line names.

# Third-party names used in the table -> CMake targets.
set(_tanba_target_openssl OpenSSL::Crypto)
set(_tanba_target_openssl-tls OpenSSL::SSL)
set(_tanba_target_botan PkgConfig::BOTAN)
set(_tanba_target_sqlite PkgConfig::SQLITE3)
set(_tanba_target_curl PkgConfig::CURL)
set(_tanba_target_icu PkgConfig::ICU)
set(_tanba_target_tomlplusplus PkgConfig::TOMLPP)
set(_tanba_target_nlohmann-json nlohmann_json::nlohmann_json)
set(_tanba_target_spdlog spdlog::spdlog)
set(_tanba_target_cli11 CLI11::CLI11)
set(_tanba_target_boost Boost::headers)
set(_tanba_target_libp11 PkgConfig::LIBP11)
set(_tanba_target_p11-kit PkgConfig::P11KIT)

file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/modules.txt _tanba_lines REGEX "^[a-z]")
foreach(_line IN LISTS _tanba_lines)
  string(REGEX REPLACE "[ \t]+" ";" _fields "${_line}")
  list(GET _fields 0 _name)
  foreach(_kind uses private public)
    set(_${_kind} "")
  endforeach()
  foreach(_f IN LISTS _fields)
    if(_f MATCHES "^(uses|private|public)=(.*)$")
      string(REPLACE "," ";" _${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
    endif()
  endforeach()
  set_property(GLOBAL PROPERTY TANBA_MODULE_${_name} TRUE)
  foreach(_kind uses private public)
    set_property(GLOBAL PROPERTY TANBA_${_kind}_${_name} "${_${_kind}}")
  endforeach()
endforeach()

# tanba_link_declared(TARGET NAME PUBLIC|PRIVATE [SHARED]): links what the table gives NAME;
# SHARED: libtanba.so (which holds every module) instead of the modules NAME uses.
function(tanba_link_declared target name scope)
  get_property(known GLOBAL PROPERTY TANBA_MODULE_${name})
  if(NOT known)
    message(FATAL_ERROR "module '${name}' has no line in cmake/modules.txt")
  endif()
  get_property(uses GLOBAL PROPERTY TANBA_uses_${name})
  get_property(private GLOBAL PROPERTY TANBA_private_${name})
  get_property(public GLOBAL PROPERTY TANBA_public_${name})
  if("SHARED" IN_LIST ARGN)
    target_link_libraries(${target} ${scope} tanba::tanba)
  else()
    foreach(u IN LISTS uses)
      target_link_libraries(${target} ${scope} tanba::${u})
    endforeach()
  endif()
  foreach(t IN LISTS public private)
    if(NOT DEFINED _tanba_target_${t})
      message(FATAL_ERROR "cmake/modules.txt: unknown third-party library '${t}' for ${name}")
    endif()
  endforeach()
  foreach(t IN LISTS public)
    target_link_libraries(${target} ${scope} ${_tanba_target_${t}})
  endforeach()
  foreach(t IN LISTS private)
    target_link_libraries(${target} PRIVATE ${_tanba_target_${t}})
  endforeach()
endfunction()

# tanba_link_front_end(TARGET NAME): an executable (cli, server) links what the table gives NAME:
# the modules' static archives, or with BUILD_SHARED_LIBS libtanba.so (which holds them all) and
# NAME's own third-party libraries.
function(tanba_link_front_end target name)
  if(NOT BUILD_SHARED_LIBS)
    tanba_link_declared(${target} ${name} PRIVATE)
    return()
  endif()
  tanba_link_declared(${target} ${name} PRIVATE SHARED)
  # Installed anywhere, the program finds the libtanba.so installed beside it.
  set_target_properties(${target} PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
endfunction()

# tanba_module(NAME SOURCES... [SYSTEM_LIBS lib...])
# Declares the static library tanba_<NAME> with the alias tanba::<NAME>; its public headers live
# in <dir>/include/tanba/<NAME>/ and its private sources in <dir>/src/. SYSTEM_LIBS: threads, dl.
function(tanba_module name)
  cmake_parse_arguments(M "" "" "SOURCES;SYSTEM_LIBS" ${ARGN})
  add_library(tanba_${name} STATIC ${M_SOURCES})
  add_library(tanba::${name} ALIAS tanba_${name})
  target_include_directories(tanba_${name}
    PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  set_target_properties(tanba_${name} PROPERTIES EXPORT_NAME ${name})
  set_property(GLOBAL APPEND PROPERTY TANBA_MODULES ${name})
  install(TARGETS tanba_${name} EXPORT tanbaTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
  install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
  tanba_link_declared(tanba_${name} ${name} PUBLIC)
  target_link_libraries(tanba_${name} PRIVATE ${M_SYSTEM_LIBS})
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
