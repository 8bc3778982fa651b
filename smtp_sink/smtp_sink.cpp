#include "smtp_sink/smtp_sink.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>

#include "net/stream_server.hpp"
#include "smtp_sink/detail/dialogue.hpp"
#include "smtp_sink/detail/mail.hpp"

namespace mx3pid::smtp_sink {
namespace {

ReceivedMail accepted_mail(detail::Envelope envelope) {
    auto mail = detail::read_mail(std::move(envelope.data));
    mail.mail_from = std::move(envelope.mail_from);
    mail.recipients = std::move(envelope.recipients);
    mail.received_at = std::chrono::system_clock::now();
    return mail;
}

/// What the connections share; they hold it, so it outlives the last of them.
struct Mailbox {
    explicit Mailbox(std::size_t max_kept) : max_kept(max_kept) {}

    std::uint64_t record(detail::Envelope envelope) {
        auto mail = accepted_mail(std::move(envelope));
        std::uint64_t sequence = 0;
        {
            std::lock_guard lock(mutex);
            sequence = mail.sequence = ++last;
            kept.push_back(std::move(mail));
            while (kept.size() > max_kept) kept.pop_front();
        }
        arrived.notify_all();
        return sequence;
    }

    std::vector<ReceivedMail> since(std::uint64_t sequence) const {
        std::lock_guard lock(mutex);
        std::vector<ReceivedMail> out;
        for (const auto& mail : kept)
            if (mail.sequence > sequence) out.push_back(mail);
        return out;
    }

    const std::size_t max_kept;
    mutable std::mutex mutex;
    mutable std::condition_variable arrived;
    std::deque<ReceivedMail> kept;
    std::uint64_t last = 0;
};

}  // namespace

struct SmtpSink::Impl {
    std::shared_ptr<Mailbox> mailbox;
    net::StreamServer server;

    static net::ConversationFactory factory(std::shared_ptr<Mailbox> mailbox, const Limits& limits) {
        detail::DialogueLimits dialogue_limits{limits.max_message_bytes, limits.max_recipients};
        return [mailbox, dialogue_limits](const std::string&) -> std::unique_ptr<net::Conversation> {
            return std::make_unique<detail::Dialogue>(
                dialogue_limits, [mailbox](detail::Envelope envelope) { return mailbox->record(std::move(envelope)); });
        };
    }

    static net::StreamServerOptions server_options(const ListenOptions& listen, const Limits& limits) {
        net::StreamServerOptions options;
        options.host = listen.host;
        options.port = listen.port;
        options.max_connections = limits.max_connections;
        options.idle_timeout = limits.idle_timeout;
        options.threads = 1;
        return options;
    }

    Impl(const ListenOptions& listen, const Limits& limits)
        : mailbox(std::make_shared<Mailbox>(limits.max_kept_messages)),
          server(factory(mailbox, limits), server_options(listen, limits)) {}
};

SmtpSink::SmtpSink(ListenOptions listen, Limits limits) : impl_(std::make_unique<Impl>(listen, limits)) {}

SmtpSink::~SmtpSink() = default;

std::string SmtpSink::authority() const { return impl_->server.authority(); }
unsigned short SmtpSink::port() const { return impl_->server.port(); }

std::vector<ReceivedMail> SmtpSink::messages() const { return impl_->mailbox->since(0); }

std::vector<ReceivedMail> SmtpSink::messages_since(std::uint64_t sequence) const {
    return impl_->mailbox->since(sequence);
}

std::uint64_t SmtpSink::last_sequence() const {
    std::lock_guard lock(impl_->mailbox->mutex);
    return impl_->mailbox->last;
}

std::optional<ReceivedMail> SmtpSink::wait_for_message(std::uint64_t sequence, std::chrono::milliseconds timeout) const {
    auto& mailbox = *impl_->mailbox;
    std::unique_lock lock(mailbox.mutex);
    mailbox.arrived.wait_for(lock, timeout, [&] { return mailbox.last > sequence; });
    for (const auto& mail : mailbox.kept)
        if (mail.sequence > sequence) return mail;
    return std::nullopt;
}

void SmtpSink::reset() {
    std::lock_guard lock(impl_->mailbox->mutex);
    impl_->mailbox->kept.clear();
}

}  // namespace mx3pid::smtp_sink
