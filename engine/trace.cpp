#include "engine/trace.hpp"

#include <atomic>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include "engine/detail/secrets.hpp"

namespace mx3pid::engine::trace {
namespace {

std::atomic<int> threshold{static_cast<int>(Level::off)};
std::atomic<bool> secrets_shown{false};
std::mutex logger_mutex;
std::shared_ptr<spdlog::logger> logger;  // set before threshold opens, reset after it closes
thread_local std::string current_case;

spdlog::level::level_enum spdlog_level(Level level) {
    switch (level) {
        case Level::trace: return spdlog::level::trace;
        case Level::debug: return spdlog::level::debug;
        case Level::info: return spdlog::level::info;
        case Level::warn: return spdlog::level::warn;
        case Level::off: break;
    }
    return spdlog::level::off;
}

/// Fields whose values are secrets or tokens wherever they appear in a JSON body.
bool secret_field(const std::string& key) {
    return key == "client_secret" || key == "token" || key == "id_access_token" || key == "access_token" || key == "password";
}

std::string masked_json(const std::string& text) {
    if (text.empty() || (text.front() != '{' && text.front() != '[')) return text;
    auto body = nlohmann::json::parse(text, nullptr, false);
    if (!body.is_object()) return text;
    bool changed = false;
    for (auto& [key, value] : body.items())
        if (secret_field(key) && value.is_string()) {
            value = "<redacted>";
            changed = true;
        }
    return changed ? body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : text;
}

}  // namespace

std::optional<Level> parse_level(std::string_view name) {
    if (name == "trace") return Level::trace;
    if (name == "debug") return Level::debug;
    if (name == "info") return Level::info;
    if (name == "warn") return Level::warn;
    return std::nullopt;
}

std::optional<std::string> start(const std::string& path, Level level, bool show_secrets) {
    stop();
    try {
        auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, true);
        auto made = std::make_shared<spdlog::logger>("mx3pid", std::move(sink));
        made->set_pattern("%Y-%m-%dT%H:%M:%S.%e %-5l %v");
        made->set_level(spdlog_level(level));
        made->flush_on(spdlog::level::warn);
        {
            std::lock_guard lock(logger_mutex);
            logger = std::move(made);
        }
    } catch (const spdlog::spdlog_ex& e) {
        return "cannot write the log to " + path + ": " + e.what();
    }
    secrets_shown = show_secrets;
    threshold = static_cast<int>(level);
    return std::nullopt;
}

void stop() {
    threshold = static_cast<int>(Level::off);
    std::lock_guard lock(logger_mutex);
    if (logger) logger->flush();
    logger.reset();
}

bool on(Level level) { return static_cast<int>(level) >= threshold.load(std::memory_order_relaxed); }

void write(Level level, std::string_view line) {
    if (!on(level)) return;
    std::shared_ptr<spdlog::logger> target;
    {
        std::lock_guard lock(logger_mutex);
        target = logger;
    }
    if (!target) return;
    if (current_case.empty()) target->log(spdlog_level(level), "{}", line);
    else target->log(spdlog_level(level), "[{}] {}", current_case, line);
}

std::string mask(std::string text, const std::vector<std::string>& secrets) {
    if (secrets_shown.load()) return text;
    return masked_json(detail::redact_each(std::move(text), secrets));
}

CaseScope::CaseScope(std::string case_id) : previous_(std::exchange(current_case, std::move(case_id))) {}

CaseScope::~CaseScope() { current_case = std::move(previous_); }

}  // namespace mx3pid::engine::trace
