# Debian packages from the install components (cpack -G DEB in the build directory):
#   tanba         runtime: the CLI, libtanba.so.0, the Python package, docs, man pages
#   tanba-server  server: tanba-server and its systemd unit
#   libtanba-dev  dev: headers, libtanba.so, the static module archives, CMake package, tanba.pc
# Depends of the binaries are computed by dpkg-shlibdeps; libtanba-dev's from cmake/modules.txt
# (the -dev package of every third-party library a library module declares).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tanba)
set(CPACK_PACKAGE_VENDOR "tanba")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "tanba developers <dev@tanba.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "PKI and electronic-signature toolkit for e-government (IIN/BIN, PINFL, CAdES, OCSP, TSA)")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime server dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME tanba)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_GENERATE_SHLIBS ON)   # shlibs and the ldconfig trigger for libtanba.so.0
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "PKI and electronic-signature toolkit: CLI and libtanba
 tanba issues and verifies certificates carrying Kazakhstan IIN/BIN and Uzbekistan PINFL,
 signs and verifies CMS/CAdES documents with full path validation, CRL and OCSP, and offers a
 C API (libtanba.so.0) and a Python package.")
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME tanba-server)
if(BUILD_SHARED_LIBS)  # tanba-server links libtanba.so.0, which the tanba package carries
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${CMAKE_BINARY_DIR}/lib)
  set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "tanba (= ${PROJECT_VERSION})")
endif()
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SERVER_DESCRIPTION "tanba-server: OCSP, CRLs, time-stamps and the identification server
 The revocation and time services of tanba CAs, smart-card logins (Web eID, NCALayer,
 E-IMZO), enrolment at public service centers and an OpenID Connect provider.")
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libtanba-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_DESCRIPTION "tanba development files: headers, CMake package, pkg-config
 The C API <tanba/tanba.h>, the C++ headers, libtanba.so and the static module archives,
 find_package(tanba) and tanba.pc.")

# libtanba-dev: tanba of the same version, and the -dev packages of the libraries the modules use.
set(_deb_dev_openssl libssl-dev)
set(_deb_dev_botan libbotan-2-dev)
set(_deb_dev_sqlite libsqlite3-dev)
set(_deb_dev_curl libcurl4-openssl-dev)
set(_deb_dev_icu libicu-dev)
set(_deb_dev_tomlplusplus libtomlplusplus-dev)
set(_deb_dev_nlohmann-json nlohmann-json3-dev)
set(_deb_dev_libp11 libp11-dev)
set(_deb_dev_p11-kit libp11-kit-dev)
set(_dev_depends "tanba (= ${PROJECT_VERSION})" pkg-config)
get_property(_modules GLOBAL PROPERTY TANBA_MODULES)
foreach(m IN LISTS _modules)
  get_property(_third GLOBAL PROPERTY TANBA_public_${m})
  get_property(_third_private GLOBAL PROPERTY TANBA_private_${m})
  foreach(t IN LISTS _third _third_private)
    if(NOT DEFINED _deb_dev_${t})
      message(FATAL_ERROR "cmake/packaging.cmake: no Debian -dev package known for '${t}' (module ${m})")
    endif()
    list(APPEND _dev_depends ${_deb_dev_${t}})
  endforeach()
endforeach()
list(REMOVE_DUPLICATES _dev_depends)
list(JOIN _dev_depends ", " CPACK_DEBIAN_DEV_PACKAGE_DEPENDS)
include(CPack)
