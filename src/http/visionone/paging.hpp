// The list's query of the Vision One dialect (docs/vision-one.md "Paging"): `top` (page size),
// `orderBy`, `skipToken` (opaque: the offset of the next page and the filter it was made with)
// and the TMV1-Filter header, read with errors naming the parameter; and the nextLink of a page.
//
// Pure functions; thread-safe.
#pragma once

#include <boost/url/params_view.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/locale.hpp"
#include "core/result.hpp"
#include "http/handler.hpp"
#include "http/visionone/filter.hpp"

namespace keyward::http::visionone {

enum class OrderField { kCreated, kName, kLastUsed, kExpired };

struct OrderBy {
  OrderField field = OrderField::kCreated;
  bool descending = true;
};

struct ListQuery {
  int top = 0;
  OrderBy order;
  std::string order_text;  // as canonical text: "createdDateTime desc"
  Filter filter;
  std::string filter_text;  // as given (empty: no filter)
  std::size_t skip = 0;
};

// `orderBy`: "<field>" or "<field> asc|desc" with field createdDateTime, name, lastUsedDateTime
// or expiredDateTime; a bare field is ascending. Errors: kInvalidArgument naming orderBy.
core::Result<OrderBy> ParseOrderBy(std::string_view text, core::Locale locale);
std::string OrderByText(const OrderBy& order);

// The whole query. `filter_header` is TMV1-Filter's value when the request carries one. With a
// skipToken, top, orderBy and the filter are the token's (a client may send the token alone, as
// the Python SDK does); a top, orderBy or TMV1-Filter sent along must then say the same.
core::Result<ListQuery> ParseListQuery(const boost::urls::params_view& params,
                                       std::optional<std::string_view> filter_header,
                                       core::Locale locale);

// The opaque token of the page starting at `offset` of the list `query` asks for, and its reading.
// Its characters are letters, digits, '-' and '.': no '=', '&', '%' or "kw_".
struct SkipToken {
  std::size_t offset = 0;
  int top = 0;
  std::string order_text;
  std::string filter_text;
};
std::string EncodeSkipToken(const SkipToken& token);
std::optional<SkipToken> DecodeSkipToken(std::string_view token);

// The absolute URL of the page after one ending at `offset`: https when the request came over
// TLS, the request's Host (a relative URL when it has none that is a plain host[:port]). Its
// query ends with the skipToken parameter.
std::string NextLink(const Request& request, bool tls, const ListQuery& query, std::size_t offset);

}  // namespace keyward::http::visionone
