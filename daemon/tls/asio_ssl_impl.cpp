// Boost.Asio's SSL layer, compiled once (BOOST_ASIO_SEPARATE_COMPILATION), beside daemon/asio_impl.cpp.
#include <boost/asio/ssl/impl/src.hpp>
