// Boost.Asio's implementation, compiled once for this test binary (BOOST_ASIO_SEPARATE_COMPILATION).
#include <boost/asio/impl/src.hpp>
