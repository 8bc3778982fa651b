# Install rules and the Debian package. An installed mx3pid finds its cases at
# ../share/mx3pid/cases from its own bin/ (suite/locations.cpp); the build tree gets the same
# layout through a link to the source's cases, so no path is compiled in.
include(GNUInstallDirs)

file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/share/mx3pid)
file(CREATE_LINK ${PROJECT_SOURCE_DIR}/cases ${CMAKE_BINARY_DIR}/share/mx3pid/cases SYMBOLIC)

install(TARGETS mx3pid mx3pid-reference-hs mx3pid-identity mx3pid-mutation-score
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/cases/ DESTINATION ${CMAKE_INSTALL_DATADIR}/mx3pid/cases
        FILES_MATCHING PATTERN "*.yaml")
install(FILES ${PROJECT_SOURCE_DIR}/doc/mx3pid.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/doc/ARCHITECTURE.md ${PROJECT_SOURCE_DIR}/doc/junit.xsd DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scripts/ci/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mx3pid)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "conformance tests for the Matrix 3PID requestToken API")
set(CPACK_PACKAGE_CONTACT "mx3pid developers <mx3pid@invalid.example>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# dpkg-shlibdeps (dpkg-dev) names the Debian packages of the libraries the binaries link.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
