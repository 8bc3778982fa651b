#include "reference_homeserver/detail/state.hpp"

#include <algorithm>
#include <atomic>
#include <random>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "spec/grammar.hpp"

namespace mx3pid::reference_homeserver::detail {

bool is_bound(const Config& config, const Address& address) {
    if (config.bound_to_account && config.bound_to_account(address.medium, address.key())) return true;
    if (address.medium == spec::Medium::email) {
        return std::any_of(config.bound_emails.begin(), config.bound_emails.end(),
                           [&](const std::string& bound) { return spec::ascii_lower(bound) == address.email; });
    }
    return std::any_of(config.bound_msisdns.begin(), config.bound_msisdns.end(), [&](const Msisdn& bound) {
        return bound.country == address.country && spec::phone_digits(bound.phone_number) == address.phone_digits;
    });
}

bool is_denied(const Config& config, const Address& address) {
    if (address.medium == spec::Medium::email) {
        auto domain = address.email.substr(address.email.find('@') + 1);
        return std::any_of(config.denied_email_domains.begin(), config.denied_email_domains.end(),
                           [&](const std::string& denied) { return spec::ascii_lower(denied) == domain; });
    }
    const auto& countries = config.denied_msisdn_countries;
    return std::find(countries.begin(), countries.end(), address.country) != countries.end();
}

// --- Scheduler --------------------------------------------------------------------------------------

Scheduler::Scheduler(std::size_t max_pending) : max_pending_(max_pending) {}

Scheduler::~Scheduler() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        pending_.clear();
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool Scheduler::after(std::chrono::milliseconds delay, std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || pending_.size() >= max_pending_) return false;
        pending_.emplace(std::chrono::steady_clock::now() + delay, std::move(task));
        if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    }
    changed_.notify_all();
    return true;
}

bool Scheduler::pause(std::chrono::milliseconds delay) {
    std::unique_lock lock(mutex_);
    return !changed_.wait_for(lock, delay, [this] { return stopping_; });
}

void Scheduler::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (pending_.empty()) {
            changed_.wait(lock);
            continue;
        }
        auto first = pending_.begin();
        // A copy: the destructor may clear pending_ (and free this node) while the wait has the lock released.
        const auto due = first->first;
        if (due > std::chrono::steady_clock::now()) {
            changed_.wait_until(lock, due);
            continue;
        }
        auto task = std::move(first->second);
        pending_.erase(first);
        lock.unlock();
        try {
            task();
        } catch (const std::exception&) {
            // A late action that fails is as if it had not happened; the server goes on.
        }
        lock.lock();
    }
}

bool SeenOnce::first(const std::string& key) {
    std::lock_guard lock(mutex_);
    return seen_.insert(key).second;
}

// --- State ------------------------------------------------------------------------------------------

State::State(Config config, Poster poster, Mailer mailer)
    : config_(std::move(config)),
      edition_(spec::Edition::parse(config_.edition).value_or(spec::Edition::all().front())),
      epochs_(epochs_of(config_.variant, config_.legacy_api)),
      post_(std::move(poster)),
      mail_(std::move(mailer)) {
    static std::atomic<unsigned long> instances{0};
    instance_ = instances++;
}

bool State::since(Epoch epoch) const {
    if (std::find(epochs_.begin(), epochs_.end(), epoch) == epochs_.end())
        throw std::logic_error("the stages consulted the epoch of " + std::string(info(epoch).edition) +
                               " that their variant does not declare (reference_homeserver/epochs.hpp, Variant::epochs)");
    return !(edition_ < *spec::Edition::parse(info(epoch).edition));
}

Config State::config() const {
    std::lock_guard lock(mutex_);
    return config_;
}

void State::set_denied(std::vector<std::string> email_domains, std::vector<std::string> msisdn_countries) {
    std::lock_guard lock(mutex_);
    config_.denied_email_domains = std::move(email_domains);
    config_.denied_msisdn_countries = std::move(msisdn_countries);
}

void State::set_public_base_url(std::string url) {
    std::lock_guard lock(mutex_);
    public_base_url_ = std::move(url);
}

std::string State::public_base_url() const {
    std::lock_guard lock(mutex_);
    return public_base_url_;
}

std::string State::new_id(const char* prefix) {
    static constexpr char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::lock_guard lock(mutex_);
    std::mt19937_64 random(++counter_ * 0x9e3779b97f4a7c15ULL + instance_ * 0xbf58476d1ce4e5b9ULL);
    std::string id = std::string(prefix) + std::to_string(counter_) + "-";
    for (int i = 0; i < 12; ++i) id += letters[random() % 52];
    return id;
}

ForwardResult State::post(const std::string& url, const std::string& body, const std::string& bearer,
                          const std::string& content_type) const {
    return post_ ? post_(url, body, bearer, content_type) : ForwardResult{};
}

bool State::mail(const std::string& to, const std::string& message) const { return mail_ && mail_(to, message); }

std::string State::identity_token(const std::string& identity_base, bool renew) {
    {
        std::lock_guard lock(mutex_);
        if (renew) tokens_.erase(identity_base);
        if (auto found = tokens_.find(identity_base); found != tokens_.end()) return found->second;
    }
    // The OpenID token a homeserver would mint for itself; mx3pid's mock takes any.
    nlohmann::json openid{{"access_token", new_id("openid")},
                          {"token_type", "Bearer"},
                          {"matrix_server_name", "reference.mx3pid.invalid"},
                          {"expires_in", 3600}};
    auto answer = post(identity_base + "/_matrix/identity/v2/account/register", openid.dump());
    auto body = nlohmann::json::parse(answer.body, nullptr, false);
    if (!answer.reached || answer.status != 200 || !body.is_object() || !body.contains("token") || !body["token"].is_string())
        return {};
    std::lock_guard lock(mutex_);
    return tokens_.insert_or_assign(identity_base, body["token"].get<std::string>()).first->second;
}

std::pair<Session, bool> State::session(const std::string& key, const std::function<bool(Session&, bool)>& decide) {
    Session fresh;
    fresh.sids.push_back(new_id("ref"));
    fresh.token = new_id("tok");
    fresh.client_secret = key.substr(key.rfind('|') + 1);
    fresh.send_attempt = -1;
    std::lock_guard lock(mutex_);
    auto [found, created] = sessions_.emplace(key, std::move(fresh));
    bool send = decide(found->second, created);
    return {found->second, send};
}

std::pair<State::Submitted, std::string> State::submit(const std::string& sid, const std::string& client_secret,
                                                       const std::string& token) {
    std::lock_guard lock(mutex_);
    for (auto& [key, session] : sessions_) {
        if (session.client_secret != client_secret) continue;
        if (std::find(session.sids.begin(), session.sids.end(), sid) == session.sids.end()) continue;
        if (session.token != token) return {Submitted::wrong_token, ""};
        session.validated = true;
        return {Submitted::validated, session.next_link};
    }
    return {Submitted::no_session, ""};
}

std::optional<std::string> State::validated_session(const std::string& sid, const std::string& client_secret) const {
    std::lock_guard lock(mutex_);
    for (const auto& [key, session] : sessions_)
        if (session.validated && session.client_secret == client_secret &&
            std::find(session.sids.begin(), session.sids.end(), sid) != session.sids.end())
            return key;
    return std::nullopt;
}

}  // namespace mx3pid::reference_homeserver::detail
