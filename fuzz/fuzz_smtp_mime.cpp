// A received message, as raw bytes: MIME reading, then the link, validation and code finders.
#include <algorithm>

#include "fuzz/fuzz_support.hpp"
#include "smtp_sink/detail/codec.hpp"
#include "smtp_sink/detail/links.hpp"
#include "smtp_sink/detail/mail.hpp"

using namespace mx3pid;
using namespace mx3pid::smtp_sink::detail;

namespace {

bool is_http_link(std::string_view link) {
    auto head = lower(link.substr(0, 8));
    return head.rfind("http://", 0) == 0 || head.rfind("https://", 0) == 0;
}

bool token_like(std::string_view word) {
    bool digit = std::any_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
    bool charset = std::all_of(word.begin(), word.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
    });
    return word.size() >= 4 && word.size() <= 255 && charset && (digit || word.size() >= 16);
}

void check_links(const std::vector<std::string>& links) {
    for (std::size_t i = 0; i < links.size(); ++i) {
        fuzz::expect(is_http_link(links[i]), "find_links returned a link that is not http(s)", links[i]);
        fuzz::expect(std::find(links.begin(), links.begin() + i, links[i]) == links.begin() + i,
                     "find_links returned a link twice", links[i]);
    }
    if (auto validation = find_validation(links))
        fuzz::expect(std::find(links.begin(), links.end(), validation->url) != links.end(),
                     "find_validation returned a link it was not given", validation->url);
}

void check_bare_token(const std::string& token) {
    if (!token.empty()) fuzz::expect(token_like(token), "find_bare_token returned a word that is not token-like", token);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto raw = fuzz::as_text(data, size);

    auto mail = read_mail(std::string(raw));
    fuzz::expect(mail.raw == raw, "read_mail changed raw");
    check_links(mail.links);
    fuzz::expect(mail.links == find_links(mail.text_body, mail.html_body), "read_mail's links are not find_links'");
    if (mail.validation) fuzz::expect(mail.bare_token.empty(), "a bare token next to a validation link");
    check_bare_token(mail.bare_token);

    // The finders on their own, with the whole input as the text and as the html body.
    check_links(find_links(raw, {}));
    check_links(find_links({}, raw));
    check_links(find_links(raw, raw));
    check_bare_token(find_bare_token(raw, {}));
    check_bare_token(find_bare_token({}, raw));

    auto decoded = decode_html_entities(raw);
    fuzz::expect(decoded.size() <= raw.size(), "decode_html_entities made the text longer");
    if (raw.find('&') == std::string_view::npos) fuzz::expect(decoded == raw, "decode_html_entities changed a text without '&'");
    return 0;
}
