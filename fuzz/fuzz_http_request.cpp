// Fuzzes whole HTTP/1.1 requests through the server's own read path: the input is the byte
// stream of one connection, read as the transport reads it (session.cpp): Beast's request parser
// under the limits of ServerOptions (LimitParser), the framing checks once the header section is
// done (FramingFault), the trailer refusal once a chunked body is done (FieldCount), the status
// of a failed read (ReadErrorStatus), and pipelined requests one after another while the
// connection stays open. Each request read is then taken through what ApiHandler does before it
// runs a route: the dialect that owns the target, the origin-form parse, the credential checks
// of the query and target, the content-type rule, the router of the surface, the credential and
// cookie headers, the client address behind a trusted proxy, and the JSON body.
//
// It stops short of running handlers: a handler needs the whole service (core over a store, the
// index, the audit chain), and the route table, the credential and body checks are where
// request bytes meet the application; the handlers themselves take parsed values.
#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/url/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/net/ip.hpp"
#include "http/auth.hpp"
#include "http/content_type.hpp"
#include "http/ds/deep_security_api.hpp"
#include "http/ds/routes.hpp"
#include "http/json_fields.hpp"
#include "http/router.hpp"
#include "http/transport/request_framing.hpp"
#include "http/transport/server.hpp"
#include "http/v1/authz.hpp"
#include "http/v1/routes.hpp"
#include "http/visionone/api.hpp"
#include "http/visionone/vision_one_api.hpp"

namespace {

namespace http = keyward::http;
namespace core = keyward::core;
namespace bhttp = boost::beast::http;

// What ApiHandler reads of a request before it runs a route.
void Route(const http::Request& request) {
  static const std::vector<core::Ipv4Range> trusted = {core::ParseIpv4Range("10.0.0.0/8").value()};
  http::RequestContext context;
  context.peer = boost::asio::ip::make_address("10.1.2.3");
  (void)http::ClientIp(request, context, trusted);
  (void)http::ExtractCredential(request, http::AuthorizationSchemes::kBearerOrApiKey);
  (void)http::RequestCookie(request, "keyward_session");
  (void)http::RequestCookie(request, "sID");
  (void)http::Authz::Owns(request);
  const std::string_view target = request.target();
  const http::RouteTable table =
      http::ds::DeepSecurityApi::Owns(target)
          ? http::ds::Routes()
          : (http::visionone::VisionOneApi::Owns(target) ? http::visionone::Routes()
                                                         : http::v1::Routes());
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) {
    (void)http::CheckTargetForToken(target);
    return;
  }
  (void)http::CheckQueryForCredentials(url->params());
  if (!http::RequireJsonContentType(request)) return;
  const http::RouteMatch route =
      http::MatchRoute(table, request.method_string(), url->encoded_path());
  if (route.kind == http::RouteMatch::Kind::kFound && route.route == nullptr) std::abort();
  (void)http::ParseBody(request.body());
}

// Reads the requests of one connection from `bytes` as the transport does; returns how many it
// served (read whole and routed).
int ReadConnection(std::string_view bytes) {
  static const http::ServerOptions options;
  boost::beast::flat_buffer buffer;
  const auto copied = boost::asio::buffer_copy(buffer.prepare(bytes.size()),
                                               boost::asio::buffer(bytes.data(), bytes.size()));
  buffer.commit(copied);
  int served = 0;
  while (buffer.size() > 0) {
    http::RequestParser parser;
    http::LimitParser(parser, options.header_limit, options.body_limit);
    bool header_checked = false;
    std::size_t header_fields = 0;
    // Session::Parse's loop, with every byte of the connection already buffered: where the
    // session would read more, the connection has ended.
    while (!parser.is_done()) {
      boost::beast::error_code ec = bhttp::error::need_more;
      if (buffer.size() > 0) {
        ec = {};
        buffer.consume(parser.put(buffer.data(), ec));
      }
      if (ec && ec != bhttp::error::need_more) {
        (void)http::ReadErrorStatus(ec);  // answered (431, 413, 400) or closed; either way the end
        return served;
      }
      if (!header_checked && parser.is_header_done()) {
        header_checked = true;
        if (http::FramingFault(parser.get())) return served;  // 400, connection closed
        header_fields = http::FieldCount(parser.get());
      }
      if (ec) {
        // The peer closed mid-request (or before one): closed without an answer.
        const boost::beast::error_code eof =
            parser.got_some() ? bhttp::error::partial_message : bhttp::error::end_of_stream;
        if (http::ReadErrorStatus(eof)) std::abort();
        return served;
      }
    }
    if (!header_checked && http::FramingFault(parser.get())) return served;
    if (parser.chunked() && http::FieldCount(parser.get()) != header_fields) return served;  // 400
    const http::Request request = parser.release();
    if (request.body().size() > options.body_limit) std::abort();
    Route(request);
    ++served;
    if (!request.keep_alive()) return served;
  }
  return served;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)ReadConnection(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
