# The Debian package (`make package`: build/keyward_<version>_<arch>.deb, CPack's DEB generator)
# and what it holds besides the binary, made at build time from the binary itself
# (packaging/generate.sh): the man page (help2man) and the bash completion. docs/operations.md
# "Install" walks through the result.
#
# Paths are package paths: the staging root is "/" and every destination is relative to it.
# Any build directory packages (the tests package their sanitizer build to check the layout);
# `make package` packages the release build.

find_program(HELP2MAN_EXECUTABLE help2man REQUIRED)

# The documents, remade whenever the binary or their sources change.
set(keyward_generated ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${keyward_generated})
add_custom_command(
  OUTPUT ${keyward_generated}/keyward.1.gz ${keyward_generated}/keyward.bash
  COMMAND ${PROJECT_SOURCE_DIR}/packaging/generate.sh $<TARGET_FILE:keyward> ${PROJECT_VERSION}
          ${keyward_generated}
  DEPENDS keyward ${PROJECT_SOURCE_DIR}/packaging/generate.sh
          ${PROJECT_SOURCE_DIR}/packaging/keyward.h2m
  COMMENT "Generating the man page and the bash completion from keyward's help"
  VERBATIM)
add_custom_target(keyward_docs ALL DEPENDS ${keyward_generated}/keyward.1.gz
                                           ${keyward_generated}/keyward.bash)

# Debian 12 keeps system units in /lib/systemd/system; systemd's pkg-config file says where.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_get_variable(keyward_unit_dir systemd systemdsystemunitdir)
endif()
if(NOT keyward_unit_dir)
  set(keyward_unit_dir /lib/systemd/system)
endif()
string(REGEX REPLACE "^/" "" keyward_unit_dir "${keyward_unit_dir}")

install(TARGETS keyward RUNTIME DESTINATION usr/bin)
install(FILES packaging/keyward.service DESTINATION ${keyward_unit_dir})
install(FILES packaging/keyward.toml DESTINATION etc/keyward)
install(FILES ${keyward_generated}/keyward.1.gz DESTINATION usr/share/man/man1)
install(FILES ${keyward_generated}/keyward.bash DESTINATION usr/share/bash-completion/completions
        RENAME keyward)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME keyward)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "API key management and verification service")
set(CPACK_PACKAGE_DESCRIPTION
    "Keyward issues API keys with roles, locales, time zones, expiry and IPv4 allowlists, \
verifies them for gateways and applications, and audits every change. One binary holds the \
HTTP(S) server, with an embedded SQLite store or a shared PostgreSQL database, and its \
command-line client. The package runs it as the systemd service keyward.service.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Keyward maintainers <keyward@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# The shared libraries the binary links, as dpkg-shlibdeps names them; adduser for the system
# user (packaging/debian/postinst); tzdata for the time zones keys and accounts may name.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, tzdata")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
