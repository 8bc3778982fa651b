#include "smtp_sink/detail/mail.hpp"

#include "smtp_sink/detail/links.hpp"
#include "smtp_sink/detail/mime.hpp"

namespace mx3pid::smtp_sink::detail {

ReceivedMail read_mail(std::string raw) {
    auto parsed = parse_message(raw);
    ReceivedMail mail;
    mail.raw = std::move(raw);
    mail.headers = std::move(parsed.headers);
    mail.subject = std::move(parsed.subject);
    mail.text_body = std::move(parsed.text_body);
    mail.html_body = std::move(parsed.html_body);
    mail.links = find_links(mail.text_body, mail.html_body);
    mail.validation = find_validation(mail.links);
    if (!mail.validation) mail.bare_token = find_bare_token(mail.text_body, mail.html_body);
    return mail;
}

}  // namespace mx3pid::smtp_sink::detail
