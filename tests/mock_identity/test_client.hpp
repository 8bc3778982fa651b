#pragma once
// A small client for the mock identity server tests: real HTTP through net::send.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mock_identity/identity_server.hpp"
#include "net/client.hpp"

namespace mx3pid::mock_identity::testing {

inline constexpr const char* v1 = "/_matrix/identity/api/v1";
inline constexpr const char* v2 = "/_matrix/identity/v2";

class Client {
public:
    explicit Client(std::string base_url) : url_(*net::Url::parse(base_url)) {}

    net::Response send(net::Request request) const {
        auto outcome = net::send(url_, std::move(request));
        if (!outcome.ok()) {
            ADD_FAILURE() << outcome.failure().describe();
            return net::Response{0, {}, {}};
        }
        return outcome.value();
    }

    net::Response post_raw(const std::string& target, std::string body, const std::string& content_type,
                           net::Headers headers = {}) const {
        headers.emplace_back("Content-Type", content_type);
        return send(net::Request{"POST", target, std::move(headers), std::move(body), ""});
    }

    net::Response post(const std::string& target, const nlohmann::json& body, net::Headers headers = {}) const {
        return post_raw(target, body.dump(), "application/json", std::move(headers));
    }

    net::Response post_form(const std::string& target, std::string form, net::Headers headers = {}) const {
        return post_raw(target, std::move(form), "application/x-www-form-urlencoded", std::move(headers));
    }

    net::Response get(const std::string& target, net::Headers headers = {}) const {
        return send(net::Request{"GET", target, std::move(headers), "", ""});
    }

private:
    net::Url url_;
};

inline nlohmann::json json_of(const net::Response& response) {
    auto value = nlohmann::json::parse(response.body, nullptr, false);
    EXPECT_FALSE(value.is_discarded()) << "not JSON: " << response.body;
    return value;
}

/// Checks status, JSON content type and the standard {errcode, error} body.
inline void expect_error(const net::Response& response, int status, const std::string& errcode) {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_EQ(response.header("Content-Type"), "application/json");
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << response.body;
    EXPECT_EQ(body.value("errcode", ""), errcode) << response.body;
    ASSERT_TRUE(body.contains("error")) << response.body;
    EXPECT_TRUE(body["error"].is_string()) << response.body;
}

}  // namespace mx3pid::mock_identity::testing
