#include "reference_homeserver/epochs.hpp"

#include <algorithm>
#include <stdexcept>

#include "reference_homeserver/variants.hpp"

namespace mx3pid::reference_homeserver {

const std::vector<EpochInfo>& epochs() {
    static const std::vector<EpochInfo> list{
        {Epoch::submit_url, "r0.5.0", true, "submit_url in the answer of a server that validates"},
        {Epoch::id_access_token, "r0.6.0", true, "id_server optional; id_access_token for the identity service's v2"},
        {Epoch::identity_v1_removed, "v1.1", true, "the identity service's v1 API removed"},
        {Epoch::add_threepid_errors, "v1.13", false, "/account/3pid names M_INVALID_PARAM and M_THREEPID_MEDIUM_NOT_SUPPORTED"},
    };
    return list;
}

const EpochInfo& info(Epoch epoch) {
    const auto& list = epochs();
    auto found = std::find_if(list.begin(), list.end(), [&](const EpochInfo& entry) { return entry.epoch == epoch; });
    if (found == list.end()) throw std::logic_error("an epoch missing from reference_homeserver::epochs()");
    return *found;
}

std::vector<Epoch> epochs_of(const Variant* variant) {
    std::vector<Epoch> consulted;
    for (const auto& entry : epochs())
        if (entry.reference || (variant && std::find(variant->epochs.begin(), variant->epochs.end(), entry.epoch) != variant->epochs.end()))
            consulted.push_back(entry.epoch);
    return consulted;
}

std::vector<std::vector<spec::Edition>> answered_alike(const std::vector<spec::Edition>& editions, const Variant* variant) {
    std::vector<spec::Edition> starts;
    for (auto epoch : epochs_of(variant)) starts.push_back(*spec::Edition::parse(info(epoch).edition));
    std::vector<std::vector<spec::Edition>> stretches;
    for (const auto& edition : editions) {
        const bool split = stretches.empty() || std::any_of(starts.begin(), starts.end(), [&](const spec::Edition& start) {
                               return stretches.back().back() < start && !(edition < start);
                           });
        if (split) stretches.emplace_back();
        stretches.back().push_back(edition);
    }
    return stretches;
}

}  // namespace mx3pid::reference_homeserver
