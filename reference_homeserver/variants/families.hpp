#pragma once
// The variant families, one file each; variants.cpp puts them in one table.
#include <memory>
#include <vector>

#include "reference_homeserver/detail/pipeline.hpp"
#include "reference_homeserver/variants.hpp"

namespace mx3pid::reference_homeserver::family {

std::vector<Variant> faulty_answers();   ///< wrong 200 and error bodies
std::vector<Variant> faulty_input();     ///< wrong checks of the request and its route
std::vector<Variant> faulty_state();     ///< wrong policy and bound-state decisions
std::vector<Variant> faulty_delivery();  ///< wrong forwarding and mailing
std::vector<Variant> faulty_checks();    ///< each breaks a check no other family breaks
std::vector<Variant> faulty_http();      ///< HTTP-level rules, submit_url and the mailed link
std::vector<Variant> faulty_identity();  ///< how the identity server's requestToken is called
std::vector<Variant> faulty_derived();   ///< mistakes only inputs derived from the grammars and schemas reach
std::vector<Variant> conformant();       ///< unusual but right
std::vector<Variant> conformant_freedoms();  ///< each uses a freedom a sentence of the catalogue gives
std::vector<Variant> forwarding_faulty();      ///< forwards refused requests late, or without the keys that name a case
std::vector<Variant> forwarding_conformant();  ///< forwards again after answering
std::vector<Variant> hostile();          ///< cannot be judged

/// Sentences a variant breaks in the editions named, in every validation mode and on every endpoint.
inline Kill breaks(std::vector<std::string_view> sentences, std::string editions = "*") {
    return Kill{.sentences = std::move(sentences), .editions = std::move(editions)};
}

/// Sentences on what reaches the identity server, broken in the editions named where the server
/// proxies to the one the request names. Where it delegates to one its configuration names, the
/// judge reports the same deviation as advice, which fails no case.
inline Kill proxied(std::vector<std::string_view> sentences, std::string editions = "*") {
    return Kill{.sentences = std::move(sentences), .editions = std::move(editions), .modes = {spec::Validation::proxy}};
}

/// What a server that answers a valid request without validating it breaks: the 200 it owes, and
/// the sentences that make each valid case's request valid (those cases fail on their status).
inline const std::vector<std::string_view>& declined_validation() {
    static const std::vector<std::string_view> sentences{
        "cs.response.200.sent", "cs.request.id_server.optional*", "cs.request.next_link.optional",
        "cs.api.request_content_type.optional", "cs.request.client_secret.max_length", "cs.auth.none",
        "cs.request.send_attempt.resend", "cs.request.send_attempt.email.repeat_succeeds", "cs.validation.proxies.r0_*",
        "cs.validation.proxied_request.r0_5", "cs.validation.proxy_to_id_server.r0_5", "cs.validation.forwarded_request.r0_6",
        "cs.request.email.target", "cs.request.phone_number.target", "cs.request.id_access_token.with_id_server*",
        "cs.response.sid.from_identity_server.r0_4"};
    return sentences;
}

/// `sentences` (what makes a request valid) and what refusing it then breaks beyond its answer:
/// the validation forwarded as sent, in each edition's words.
inline std::vector<std::string_view> unserved(std::vector<std::string_view> sentences) {
    sentences.insert(sentences.end(),
                     {"cs.validation.proxies.r0_4", "cs.validation.proxied_request.r0_5", "cs.validation.forwarded_request.r0_6"});
    return sentences;
}

/// The factory a Variant names for the stages `S`.
template <class S>
std::unique_ptr<detail::Stages> make() {
    return std::make_unique<S>();
}

}  // namespace mx3pid::reference_homeserver::family
