// STUB (replaced by the implementation): every call answers 404.
#include "http/ds/api.hpp"

namespace keyward::http::ds {
namespace {
core::Error NotBuilt() {
  return core::MakeError(core::ErrorCode::kNotFound, core::Msg::kRouteNotFound,
                         {"(not built yet)"});
}
}  // namespace

core::Result<Reply> ListRoles(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> CreateRole(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> SearchRoles(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> DescribeRole(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> ModifyRole(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> DeleteRole(const Services&, const Call&) { return NotBuilt(); }

}  // namespace keyward::http::ds
