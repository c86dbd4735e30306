#include "http/transport/session_stream.hpp"

#include <boost/beast/http/field.hpp>

#include <utility>

namespace keyward::http {

namespace bhttp = boost::beast::http;

bool StreamsBody(unsigned status) { return status >= 200 && status != 204 && status != 304; }

StreamHead PrepareStreamHead(Response response, const Request& request, bool keep_alive) {
  StreamHead head(std::move(response.base()));
  head.version(request.version());
  head.erase(bhttp::field::server);
  head.erase(bhttp::field::content_length);
  head.erase(bhttp::field::transfer_encoding);
  const bool chunked = request.version() >= 11;
  head.keep_alive(keep_alive && chunked);
  head.chunked(chunked);
  return head;
}

}  // namespace keyward::http
