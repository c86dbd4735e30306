// The Vision One dialect's route table. "delete" is a literal segment, so it is never an {id}.
#include <array>

#include "core/permissions.hpp"
#include "http/visionone/api.hpp"

namespace keyward::http::visionone {
namespace {

constexpr Access kAuth = Access::kAuthenticated;

constexpr std::array kEndpoints = {
    Endpoint{{"visionOneCreateApiKeys", "POST", "/v3.0/iam/apiKeys", kAuth},
             core::perm::kApiKeysCreate,
             &CreateKeys},
    Endpoint{{"visionOneListApiKeys", "GET", "/v3.0/iam/apiKeys", kAuth},
             core::perm::kApiKeysView,
             &ListKeys},
    Endpoint{{"visionOneDeleteApiKeys", "POST", "/v3.0/iam/apiKeys/delete", kAuth},
             core::perm::kApiKeysDelete,
             &DeleteKeys},
    Endpoint{{"visionOneGetApiKey", "GET", "/v3.0/iam/apiKeys/{id}", kAuth},
             core::perm::kApiKeysView,
             &GetKey},
    Endpoint{{"visionOnePatchApiKey", "PATCH", "/v3.0/iam/apiKeys/{id}", kAuth},
             core::perm::kApiKeysEdit,
             &PatchKey},
};

constexpr EntryTable kTable(kEndpoints);

}  // namespace

RouteTable Routes() { return kTable.routes(); }

const Endpoint& EndpointOf(const Route& route) { return kTable.Of(route); }

}  // namespace keyward::http::visionone
