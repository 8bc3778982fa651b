#include "engine/detail/judged.hpp"

#include <algorithm>

#include "engine/judge.hpp"
#include "engine/side_checks.hpp"

namespace mx3pid::engine::detail {

void keep_tokens(const Observation& seen, Secrets& secrets) {
    for (const auto& mail : seen.mails)
        if (mail.validation) secrets.keep(mail.validation->token);
    for (const auto& message : seen.messages) secrets.keep(message.token);
}

namespace {

/// What the side channel must show for this answer: a case that lets the server refuse expects the
/// validation delivered only once the server served the request.
suite::SideChannelExpectation expected(const suite::SideChannelExpectation& expect, bool served) {
    if (!expect.when_served || served) return expect;
    auto refused = expect;
    refused.tokens_delivered.reset();
    refused.delivered = false;
    refused.sid_matches = false;
    return refused;
}

}  // namespace

void judge_observation(const Judged& judged, const Observation& seen, reports::CaseResult& result) {
    const auto& source = *judged.selected->instance.source;
    result.checks.erase(result.checks.begin() + static_cast<std::ptrdiff_t>(std::min(judged.answer_checks, result.checks.size())),
                        result.checks.end());
    append_checks(result.checks, judge_side_channel(expected(source.side_channel, judged.served), seen, judged.first_body, judged.first_sid,
                                                    judged.secrets, judged.judging));
    result.message.clear();
    conclude(result, judged.server_error);
    result.side_channel = describe(seen, judged.address, judged.secrets);
}

}  // namespace mx3pid::engine::detail
