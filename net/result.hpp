#pragma once
// "Could not ask" versus "was answered": a transport outcome is either a value or a TransportFailure.
#include <string>
#include <utility>
#include <variant>

namespace mx3pid::net {

enum class TransportError {
    bad_url,
    resolve_failed,
    connect_failed,
    timeout,
    tls_failed,
    connection_closed,
    malformed_response,
    response_too_large,
};

const char* to_string(TransportError error);

struct TransportFailure {
    TransportError error;
    std::string detail;  ///< one line, for a person

    std::string describe() const { return std::string(to_string(error)) + ": " + detail; }
};

template <class T>
class Outcome {
public:
    Outcome(T value) : state_(std::move(value)) {}
    Outcome(TransportFailure failure) : state_(std::move(failure)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(state_); }
    const T& value() const { return std::get<0>(state_); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const TransportFailure& failure() const { return std::get<1>(state_); }

private:
    std::variant<T, TransportFailure> state_;
};

}  // namespace mx3pid::net
