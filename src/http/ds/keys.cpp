// STUB (replaced by the implementation): every call answers 404.
#include "http/ds/api.hpp"

namespace keyward::http::ds {
namespace {
core::Error NotBuilt() {
  return core::MakeError(core::ErrorCode::kNotFound, core::Msg::kRouteNotFound,
                         {"(not built yet)"});
}
}  // namespace

core::Result<Reply> ListApiKeys(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> CreateApiKey(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> SearchApiKeys(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> DescribeApiKey(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> ModifyApiKey(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> DeleteApiKey(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> ReplaceApiSecretKey(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> DescribeCurrentApiKey(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> ModifyCurrentApiKey(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> ReplaceCurrentApiSecretKey(const Services&, const Call&) { return NotBuilt(); }

}  // namespace keyward::http::ds
