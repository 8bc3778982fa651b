#include "engine/side_channel.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "engine/detail/checks.hpp"
#include "engine/trace.hpp"
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

/// "GB 07700900001" (how the mock records an msisdn) into country and digits.
void split_msisdn(const std::string& recorded, std::string& country, std::string& digits) {
    auto space = recorded.find(' ');
    if (space == std::string::npos) return;
    country = recorded.substr(0, space);
    digits = spec::phone_digits(recorded.substr(space + 1));
}

/// "14:00:02.080", local time, as the trace's own stamps.
std::string clock_time(std::chrono::system_clock::time_point when) {
    const auto seconds = std::chrono::system_clock::to_time_t(when);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count() % 1000;
    std::tm local{};
    localtime_r(&seconds, &local);
    char text[16];
    std::snprintf(text, sizeof text, "%02d:%02d:%02d.%03d", local.tm_hour, local.tm_min, local.tm_sec, static_cast<int>(millis));
    return text;
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
    return request.request_token.has_value();
}

std::size_t Observation::tokens_delivered() const {
    return messages.size() + static_cast<std::size_t>(std::count_if(mails.begin(), mails.end(), carries_token));
}

std::size_t Observation::decoy_request_tokens() const {
    return static_cast<std::size_t>(std::count_if(decoy.begin(), decoy.end(), is_request_token));
}

std::vector<const mock_identity::ReceivedRequest*> Observation::distinct_forwards() const {
    std::vector<const mock_identity::ReceivedRequest*> distinct;
    for (const auto& request : trusted) {
        if (!is_request_token(request)) continue;
        auto same = [&](const mock_identity::ReceivedRequest* earlier) {
            return earlier->path == request.path && (request.body.is_null() ? earlier->raw_body == request.raw_body : earlier->body == request.body);
        };
        if (std::none_of(distinct.begin(), distinct.end(), same)) distinct.push_back(&request);
    }
    return distinct;
}

SideChannel::SideChannel(mock_identity::IdentityServer& trusted, mock_identity::IdentityServer& decoy,
                         smtp_sink::SmtpSink* mailbox, bool redact, std::string own_next_links)
    : trusted_(trusted),
      decoy_(decoy),
      mailbox_(mailbox),
      redact_(redact),
      own_next_links_(std::move(own_next_links)),
      trusted_request_seq_(trusted.last_request_sequence()),
      decoy_request_seq_(decoy.last_request_sequence()),
      trusted_message_seq_(trusted.last_message_sequence()),
      decoy_message_seq_(decoy.last_message_sequence()),
      mail_seq_(mailbox ? mailbox->last_sequence() : 0) {}

void SideChannel::watch(std::size_t id, CaseIdentity identity) {
    std::lock_guard lock(mutex_);
    auto& keys = cases_[id].keys;
    keys.label = std::move(identity.label);
    keys.address = std::move(identity.address);
    keys.secrets = std::move(identity.client_secrets);
    keys.next_link = std::move(identity.next_link);
    keys.shared_fixture = std::move(identity.shared_fixture);
    ++generation_;
}

void SideChannel::learn_sid(std::size_t id, const std::string& sid) {
    std::lock_guard lock(mutex_);
    auto found = cases_.find(id);
    if (found == cases_.end() || sid.empty() || contains(found->second.keys.sids, sid)) return;
    found->second.keys.sids.push_back(sid);
    ++generation_;
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

std::vector<LateArrivals> SideChannel::late_arrivals() {
    std::lock_guard lock(mutex_);
    collect();
    std::vector<LateArrivals> all;
    for (auto& [id, watched] : cases_)
        if (!watched.late.empty()) all.push_back({id, std::exchange(watched.late, {})});
    return all;
}

std::vector<reports::UnattributedArrival> SideChannel::unattributed() {
    std::lock_guard lock(mutex_);
    collect();
    std::vector<const detail::CaseKeys*> claimants;
    for (const auto& [id, watched] : cases_) claimants.push_back(&watched.keys);
    std::vector<reports::UnattributedArrival> all;
    for (const auto& arrival : unmatched_) {
        auto reason = detail::attribute(arrival.keys, claimants).reason;
        if (trace::on(trace::Level::warn))
            trace::write(trace::Level::warn, "unattributed: " + arrival.what + ", carrying " + detail::describe_keys(arrival.keys, true) +
                                                 ": " + reason);
        all.push_back({arrival.what, detail::describe_keys(arrival.keys, redact_), std::move(reason)});
    }
    return all;
}

void SideChannel::collect() {
    trace::CaseScope scope("");  // an arrival's line names its case itself, not the one collecting
    // Arrivals not placed yet may be placed once more cases (or sids) are known.
    if (retried_at_ != generation_) {
        retried_at_ = generation_;
        auto retry = std::move(unmatched_);
        unmatched_.clear();
        for (auto& arrival : retry) place(std::move(arrival));
    }
    collect_requests(trusted_, trusted_request_seq_, Pending::Kind::trusted_request, "identity server");
    collect_requests(decoy_, decoy_request_seq_, Pending::Kind::decoy_request, "untrusted identity server");
    collect_messages();
    collect_mails();
}

void SideChannel::collect_requests(mock_identity::IdentityServer& server, std::uint64_t& seq, Pending::Kind kind, const char* who) {
    for (auto& request : server.requests_since(seq)) {
        seq = std::max(seq, request.sequence);
        Pending arrival;
        arrival.kind = kind;
        const auto body = parameters_of(request);
        arrival.keys.next_link = string_at(body, "next_link");
        add_if(arrival.keys.secrets, string_at(body, "client_secret"));
        add_if(arrival.keys.sids, string_at(body, "sid"));
        arrival.keys.email = spec::ascii_lower(string_at(body, "email"));
        arrival.keys.country = string_at(body, "country");
        arrival.keys.digits = spec::phone_digits(string_at(body, "phone_number"));
        if (!arrival.keys.any()) continue;  // a probe (/versions, account/register, terms) is nobody's traffic
        arrival.what = std::string("a request to the ") + who + " (" + request.method + " " + request.path + ")";
        arrival.received_at = request.received_at;
        arrival.body = request.raw_body;
        arrival.request = std::move(request);
        place(std::move(arrival));
    }
}

void SideChannel::collect_messages() {
    for (auto* server : {&trusted_, &decoy_}) {
        auto& seq = server == &trusted_ ? trusted_message_seq_ : decoy_message_seq_;
        for (auto& message : server->messages_since(seq)) {
            seq = std::max(seq, message.sequence);
            Pending arrival;
            arrival.kind = Pending::Kind::message;
            arrival.keys.next_link = message.next_link;
            add_if(arrival.keys.secrets, message.client_secret);
            add_if(arrival.keys.sids, message.sid);
            if (message.medium == "email") arrival.keys.email = spec::ascii_lower(message.address);
            else split_msisdn(message.address, arrival.keys.country, arrival.keys.digits);
            arrival.what = "an identity-server " + message.medium + " message to " + detail::one_line(message.address, 80);
            arrival.message = std::move(message);
            place(std::move(arrival));
        }
    }
}

void SideChannel::collect_mails() {
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
        arrival.what = "a mail to " + detail::one_line(mail.recipients.empty() ? "nobody" : mail.recipients.front(), 80) + " (\"" +
                       detail::one_line(mail.subject, 60) + "\")";
        arrival.received_at = mail.received_at;
        arrival.body = mail.text_body;
        arrival.mail = std::move(mail);
        place(std::move(arrival));
    }
}

void SideChannel::add_to(Watched& watched, Pending& arrival) {
    if (watched.closed) watched.late.push_back(arrival.what);
    switch (arrival.kind) {
        case Pending::Kind::trusted_request: watched.seen.trusted.push_back(std::move(arrival.request)); break;
        case Pending::Kind::decoy_request: watched.seen.decoy.push_back(std::move(arrival.request)); break;
        case Pending::Kind::message:
            if (!arrival.message.sid.empty() && !contains(watched.keys.sids, arrival.message.sid)) {
                watched.keys.sids.push_back(arrival.message.sid);
                ++generation_;
            }
            watched.seen.messages.push_back(std::move(arrival.message));
            break;
        case Pending::Kind::mail: watched.seen.mails.push_back(std::move(arrival.mail)); break;
    }
}

void SideChannel::place(Pending arrival) {
    std::vector<const detail::CaseKeys*> claimants;
    std::vector<Watched*> watched;
    for (auto& [id, one] : cases_) {
        claimants.push_back(&one.keys);
        watched.push_back(&one);
    }
    auto attribution = detail::attribute(arrival.keys, claimants);
    if (!attribution.owner && from_set_up(arrival)) {
        if (trace::on(trace::Level::info))
            trace::write(trace::Level::info, "arrival: " + arrival.what + ", carrying next_link " + arrival.keys.next_link +
                                                 " → mx3pid's own fixture set-up, before the cases: no case's to judge");
        return;
    }
    if (trace::on(trace::Level::info))
        trace_placement(arrival, attribution, attribution.owner ? watched[*attribution.owner] : nullptr);
    if (!attribution.owner) {
        arrival.traced = true;
        unmatched_.push_back(std::move(arrival));
        return;
    }
    add_to(*watched[*attribution.owner], arrival);
}

bool SideChannel::from_set_up(const Pending& arrival) const {
    const auto& link = arrival.keys.next_link;
    if (own_next_links_.empty() || link.size() <= own_next_links_.size() || link.compare(0, own_next_links_.size(), own_next_links_) != 0)
        return false;
    // Only a whole label of the run's making, and no case's: cases claim theirs before this is asked.
    return link.find('/', own_next_links_.size()) == std::string::npos;
}

void SideChannel::trace_placement(const Pending& arrival, const detail::Attribution& attribution, const Watched* owner) const {
    if (!owner && arrival.traced) return;  // said when it came; unattributed() says how it ended
    std::vector<std::string> masked = arrival.keys.secrets;
    add_if(masked, arrival.message.token);
    if (arrival.mail.validation) add_if(masked, arrival.mail.validation->token);
    add_if(masked, arrival.mail.bare_token);
    std::string line = "arrival: " + arrival.what;
    if (arrival.received_at) line += " at " + clock_time(*arrival.received_at);
    line += ", carrying " + detail::describe_keys(arrival.keys, false);
    if (!owner) {
        line += ": not placed yet: " + attribution.reason;
    } else {
        line += " → " + owner->keys.label + ", placed by its " + std::string(detail::key_name(attribution.key));
        if (attribution.tie_broken_by)
            line += " (which several cases share; its " + std::string(detail::key_name(*attribution.tie_broken_by)) + " decided)";
        if (owner->closed) line += ", after the case's observation closed: its verdict will be judged again";
    }
    trace::write(owner && owner->closed ? trace::Level::warn : trace::Level::info, trace::mask(line, masked));
    if (!arrival.traced && !arrival.body.empty() && trace::on(trace::Level::debug))
        trace::write(trace::Level::debug, "  body: " + trace::mask(detail::one_line(arrival.body, 4000), masked));
}

}  // namespace mx3pid::engine
