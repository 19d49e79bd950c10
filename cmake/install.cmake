# What `cmake --install` puts under the prefix, in three components (the Debian packages of
# cmake/packaging.cmake): runtime (tanba, libtanba.so.MAJOR, the Python package, docs and man
# pages), server (tanba-server and its systemd unit) and dev (headers, the .so link, the static
# module archives, the CMake package and tanba.pc).
include(CMakePackageConfigHelpers)

set(TANBA_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/tanba)
install(EXPORT tanbaTargets NAMESPACE tanba:: DESTINATION ${TANBA_CMAKE_DIR} COMPONENT dev)
configure_package_config_file(cmake/tanbaConfig.cmake.in ${CMAKE_BINARY_DIR}/tanbaConfig.cmake INSTALL_DESTINATION ${TANBA_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/tanbaConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/tanbaConfig.cmake ${CMAKE_BINARY_DIR}/tanbaConfigVersion.cmake DESTINATION ${TANBA_CMAKE_DIR} COMPONENT dev)

# tanba.pc finds its prefix from where it lies (relocatable, like the CMake package).
file(RELATIVE_PATH TANBA_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(cmake/tanba.pc.in ${CMAKE_BINARY_DIR}/tanba.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/tanba.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

# The systemd unit names tanba-server where it is installed (the prefix of `cmake --install`).
install(CODE "
  file(READ \"${PROJECT_SOURCE_DIR}/docs/tanba-server.service\" unit)
  string(REPLACE \"/usr/local/bin/\" \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/\" unit \"\${unit}\")
  file(WRITE \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/lib/systemd/system/tanba-server.service\" \"\${unit}\")
  message(STATUS \"Installing: \$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/lib/systemd/system/tanba-server.service\")"
  COMPONENT server)
install(FILES server/tanba-server.toml.example DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/tanba-server COMPONENT server)

file(GLOB _docs docs/*.md docs/openapi.yaml)
install(FILES ${_docs} README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT runtime)
