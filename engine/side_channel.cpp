#include "engine/side_channel.hpp"

#include <algorithm>

#include "engine/detail/checks.hpp"
#include "spec/grammar.hpp"

namespace mx3pid::engine {
namespace {

using nlohmann::json;

std::string string_at(const json& body, const char* key) {
    if (!body.is_object()) return "";
    auto it = body.find(key);
    return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

void add_if(std::vector<std::string>& list, const std::string& value) {
    if (!value.empty()) list.push_back(value);
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

bool intersects(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return std::any_of(a.begin(), a.end(), [&](const std::string& item) { return contains(b, item); });
}

/// "GB 07700900001" (how the mock records an msisdn) into country and digits.
void split_msisdn(const std::string& recorded, std::string& country, std::string& digits) {
    auto space = recorded.find(' ');
    if (space == std::string::npos) return;
    country = recorded.substr(0, space);
    digits = spec::phone_digits(recorded.substr(space + 1));
}

}  // namespace

json parameters_of(const mock_identity::ReceivedRequest& request) {
    if (request.body.is_object()) return request.body;
    std::string text = request.raw_body;
    for (auto& c : text)
        if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    auto body = json::parse(text, nullptr, false);
    if (body.is_array() && body.size() == 1) body = body[0];
    return body.is_object() ? body : json::object();
}

bool carries_token(const smtp_sink::ReceivedMail& mail) { return mail.validation || !mail.bare_token.empty(); }

bool is_request_token(const mock_identity::ReceivedRequest& request) {
    return request.path.find("/requestToken") != std::string::npos;
}

std::size_t Observation::tokens_delivered() const {
    return messages.size() + static_cast<std::size_t>(std::count_if(mails.begin(), mails.end(), carries_token));
}

std::size_t Observation::decoy_request_tokens() const {
    return static_cast<std::size_t>(std::count_if(decoy.begin(), decoy.end(), is_request_token));
}

SideChannel::SideChannel(mock_identity::IdentityServer& trusted, mock_identity::IdentityServer& decoy,
                         smtp_sink::SmtpSink* mailbox)
    : trusted_(trusted),
      decoy_(decoy),
      mailbox_(mailbox),
      trusted_request_seq_(trusted.last_request_sequence()),
      decoy_request_seq_(decoy.last_request_sequence()),
      trusted_message_seq_(trusted.last_message_sequence()),
      decoy_message_seq_(decoy.last_message_sequence()),
      mail_seq_(mailbox ? mailbox->last_sequence() : 0) {}

void SideChannel::watch(std::size_t id, CaseIdentity identity) {
    std::lock_guard lock(mutex_);
    cases_[id].identity = std::move(identity);
}

void SideChannel::learn_sid(std::size_t id, const std::string& sid) {
    std::lock_guard lock(mutex_);
    auto found = cases_.find(id);
    if (found != cases_.end() && !sid.empty() && !contains(found->second.sids, sid)) found->second.sids.push_back(sid);
}

Observation SideChannel::observe(std::size_t id) {
    std::lock_guard lock(mutex_);
    collect();
    auto found = cases_.find(id);
    return found == cases_.end() ? Observation{} : found->second.seen;
}

void SideChannel::close(std::size_t id) {
    std::lock_guard lock(mutex_);
    collect();
    auto found = cases_.find(id);
    if (found != cases_.end()) found->second.closed = true;
}

std::vector<std::string> SideChannel::warnings() {
    std::lock_guard lock(mutex_);
    collect();
    auto all = late_;
    for (const auto& arrival : unmatched_) all.push_back(arrival.description + " matched no case");
    return all;
}

void SideChannel::collect() {
    // Arrivals that matched no case may match one now that more cases (or sids) are known.
    auto retry = std::move(unmatched_);
    unmatched_.clear();
    for (auto& arrival : retry) place(std::move(arrival));

    auto requests = [&](mock_identity::IdentityServer& server, std::uint64_t& seq, Pending::Kind kind, const char* who) {
        for (auto& request : server.requests_since(seq)) {
            seq = std::max(seq, request.sequence);
            Pending arrival;
            arrival.kind = kind;
            const auto body = parameters_of(request);
            add_if(arrival.keys.secrets, string_at(body, "client_secret"));
            add_if(arrival.keys.sids, string_at(body, "sid"));
            arrival.keys.email = spec::ascii_lower(string_at(body, "email"));
            arrival.keys.country = string_at(body, "country");
            arrival.keys.digits = spec::phone_digits(string_at(body, "phone_number"));
            if (!arrival.keys.any()) continue;  // a probe (/versions, account/register, terms) is nobody's traffic
            arrival.description = std::string("a request to the ") + who + " (" + request.method + " " + request.path + ")";
            arrival.request = std::move(request);
            place(std::move(arrival));
        }
    };
    requests(trusted_, trusted_request_seq_, Pending::Kind::trusted_request, "identity server");
    requests(decoy_, decoy_request_seq_, Pending::Kind::decoy_request, "untrusted identity server");

    for (auto* server : {&trusted_, &decoy_}) {
        auto& seq = server == &trusted_ ? trusted_message_seq_ : decoy_message_seq_;
        for (auto& message : server->messages_since(seq)) {
            seq = std::max(seq, message.sequence);
            Pending arrival;
            arrival.kind = Pending::Kind::message;
            add_if(arrival.keys.secrets, message.client_secret);
            add_if(arrival.keys.sids, message.sid);
            if (message.medium == "email") arrival.keys.email = spec::ascii_lower(message.address);
            else split_msisdn(message.address, arrival.keys.country, arrival.keys.digits);
            arrival.description = "an identity-server " + message.medium + " message to " + detail::one_line(message.address, 80);
            arrival.message = std::move(message);
            place(std::move(arrival));
        }
    }
    if (!mailbox_) return;
    for (auto& mail : mailbox_->messages_since(mail_seq_)) {
        mail_seq_ = std::max(mail_seq_, mail.sequence);
        Pending arrival;
        arrival.kind = Pending::Kind::mail;
        if (mail.validation) {
            add_if(arrival.keys.secrets, mail.validation->client_secret);
            add_if(arrival.keys.sids, mail.validation->sid);
        }
        if (!mail.recipients.empty()) arrival.keys.email = spec::ascii_lower(mail.recipients.front());
        arrival.description = "a mail to " + detail::one_line(mail.recipients.empty() ? "nobody" : mail.recipients.front(), 80) +
                              " (\"" + detail::one_line(mail.subject, 60) + "\")";
        arrival.mail = std::move(mail);
        place(std::move(arrival));
    }
}

SideChannel::Watched* SideChannel::owner(const Keys& keys) {
    auto same_address = [&](const Watched& watched) {
        const auto& address = watched.identity.address;
        if (address.medium == spec::Medium::email) return !keys.email.empty() && keys.email == spec::ascii_lower(address.email);
        return !keys.digits.empty() && keys.country == address.msisdn.country &&
               keys.digits == spec::phone_digits(address.msisdn.phone_number);
    };
    auto narrow = [&](std::vector<Watched*> candidates, auto&& keep) {
        std::vector<Watched*> kept;
        for (auto* watched : candidates)
            if (keep(*watched)) kept.push_back(watched);
        return kept;
    };
    std::vector<Watched*> all;
    for (auto& [id, watched] : cases_) all.push_back(&watched);
    // A secret or a sid is the strongest sign; an address alone decides only when it is one case's.
    for (auto&& sign : {std::function<bool(const Watched&)>(
                            [&](const Watched& w) { return intersects(keys.secrets, w.identity.client_secrets); }),
                        std::function<bool(const Watched&)>([&](const Watched& w) { return intersects(keys.sids, w.sids); })}) {
        auto candidates = narrow(all, sign);
        if (candidates.size() == 1) return candidates.front();
        if (candidates.size() > 1) {
            auto by_address = narrow(candidates, same_address);
            if (by_address.size() == 1) return by_address.front();
        }
    }
    auto by_address = narrow(all, same_address);
    if (by_address.size() == 1) return by_address.front();
    // Several cases share the address (a profile's bound or denied one): the open one, when only one is open.
    auto open = narrow(by_address, [](const Watched& w) { return !w.closed; });
    return open.size() == 1 ? open.front() : nullptr;
}

void SideChannel::add_to(Watched& watched, Pending& arrival) {
    if (watched.closed)
        late_.push_back(arrival.description + " for " + watched.identity.label +
                        " arrived after its observation closed: raise timing.side_channel_grace_ms");
    switch (arrival.kind) {
        case Pending::Kind::trusted_request: watched.seen.trusted.push_back(std::move(arrival.request)); break;
        case Pending::Kind::decoy_request: watched.seen.decoy.push_back(std::move(arrival.request)); break;
        case Pending::Kind::message:
            if (!arrival.message.sid.empty() && !contains(watched.sids, arrival.message.sid)) watched.sids.push_back(arrival.message.sid);
            watched.seen.messages.push_back(std::move(arrival.message));
            break;
        case Pending::Kind::mail: watched.seen.mails.push_back(std::move(arrival.mail)); break;
    }
}

void SideChannel::place(Pending arrival) {
    if (auto* watched = owner(arrival.keys)) add_to(*watched, arrival);
    else unmatched_.push_back(std::move(arrival));
}

}  // namespace mx3pid::engine
