#include "reference_homeserver/variants/shared.hpp"

#include <set>
#include <vector>

#include "spec/json_text.hpp"

namespace mx3pid::reference_homeserver::family {
namespace {

using nlohmann::json;

/// Does any object in the JSON text name a member twice? False for text that is not JSON.
class RepeatedNames : public nlohmann::json_sax<json> {
public:
    static bool in(const std::string& text) {
        RepeatedNames names;
        json::sax_parse(text, &names);
        return names.repeated_;
    }
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override {
        open_.emplace_back();
        return true;
    }
    bool key(string_t& name) override {
        repeated_ = repeated_ || !open_.back().insert(name).second;
        return !repeated_;
    }
    bool end_object() override {
        open_.pop_back();
        return true;
    }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

private:
    std::vector<std::set<std::string>> open_;
    bool repeated_ = false;
};

}  // namespace

bool strict_parser_refuses(const std::string& text) {
    constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";
    return text.rfind(byte_order_mark, 0) == 0 || spec::json_depth(text) > 64 || RepeatedNames::in(text);
}

}  // namespace mx3pid::reference_homeserver::family
