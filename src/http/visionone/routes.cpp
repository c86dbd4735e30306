// The Vision One dialect's route table. "delete" is a literal segment, so it is never an {id}.
#include <array>
#include <cassert>

#include "core/permissions.hpp"
#include "http/visionone/api.hpp"

namespace keyward::http::visionone {
namespace {

constexpr Access kAuth = Access::kAuthenticated;

constexpr std::array<Route, 5> kRoutes{{
    {"visionOneCreateApiKeys", "POST", "/v3.0/iam/apiKeys", kAuth},
    {"visionOneListApiKeys", "GET", "/v3.0/iam/apiKeys", kAuth},
    {"visionOneDeleteApiKeys", "POST", "/v3.0/iam/apiKeys/delete", kAuth},
    {"visionOneGetApiKey", "GET", "/v3.0/iam/apiKeys/{id}", kAuth},
    {"visionOnePatchApiKey", "PATCH", "/v3.0/iam/apiKeys/{id}", kAuth},
}};

constexpr std::array<Endpoint, 5> kEndpoints{{
    {core::perm::kApiKeysCreate, &CreateKeys},
    {core::perm::kApiKeysView, &ListKeys},
    {core::perm::kApiKeysDelete, &DeleteKeys},
    {core::perm::kApiKeysView, &GetKey},
    {core::perm::kApiKeysEdit, &PatchKey},
}};

}  // namespace

RouteTable Routes() { return kRoutes; }

const Endpoint& EndpointOf(const Route& route) {
  assert(&route >= kRoutes.data() && &route < kRoutes.data() + kRoutes.size());
  return kEndpoints[static_cast<std::size_t>(&route - kRoutes.data())];
}

}  // namespace keyward::http::visionone
