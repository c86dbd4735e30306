// STUB (replaced by the implementation): every call answers 404.
#include "http/ds/api.hpp"

namespace keyward::http::ds {
namespace {
core::Error NotBuilt() {
  return core::MakeError(core::ErrorCode::kNotFound, core::Msg::kRouteNotFound,
                         {"(not built yet)"});
}
}  // namespace

core::Result<Reply> ListAdministrators(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> CreateAdministrator(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> SearchAdministrators(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> DescribeAdministrator(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> ModifyAdministrator(const Services&, const Call&) { return NotBuilt(); }
core::Result<Reply> DeleteAdministrator(const Services&, const Call&) { return NotBuilt(); }

}  // namespace keyward::http::ds
