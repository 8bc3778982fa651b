#pragma once
// The one place net's sources pull in Asio and Beast.
#include <utility>  // Boost 1.74's asio/awaitable.hpp needs std::exchange declared first.

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "net/message.hpp"

namespace mx3pid::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

template <class Fields>
Headers copy_headers(const Fields& fields) {
    Headers headers;
    for (const auto& field : fields)
        headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    return headers;
}

}  // namespace mx3pid::net::detail
