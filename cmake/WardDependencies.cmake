# Every dependency is a Debian 12 package installed by scripts/setup.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(GTest REQUIRED)
# FTPS (mod_tls): Boost.Asio's SSL layer over Debian 12's OpenSSL 3.0.
find_package(OpenSSL 3.0 REQUIRED)
pkg_check_modules(SECCOMP REQUIRED IMPORTED_TARGET libseccomp)
pkg_check_modules(LIBCAP REQUIRED IMPORTED_TARGET libcap)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
pkg_check_modules(LIBCRYPT REQUIRED IMPORTED_TARGET libcrypt)
# mod_sql's backends: SQLite and PostgreSQL's own client library.
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(PAM REQUIRED IMPORTED_TARGET pam)  # mod_auth_pam.c (libpam0g-dev)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

# Boost.Asio is compiled once (daemon/asio_impl.cpp) instead of in every translation unit, and
# single-threaded: every process of ours runs one event loop on one thread.
add_library(ward_asio INTERFACE)
target_link_libraries(ward_asio INTERFACE Boost::headers)
target_compile_definitions(ward_asio INTERFACE
  BOOST_ASIO_SEPARATE_COMPILATION
  BOOST_ASIO_DISABLE_THREADS
  BOOST_ASIO_NO_DEPRECATED
  BOOST_ASIO_NO_TYPEID)
