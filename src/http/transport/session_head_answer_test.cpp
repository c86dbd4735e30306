// SerializeHeadAnswer (session_responses.hpp): the head the transport writes for a HeadAnswer is
// byte for byte the head it writes for the equivalent Response once FinishResponse has made it
// fit the request, whatever the version, keep-alive, method and status.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/transport/session_responses.hpp"

namespace keyward::http {
namespace {

namespace bhttp = boost::beast::http;

// The generic path: a Response holding `fields`, finished and serialised.
std::string GenericHead(unsigned status,
                        const std::vector<std::pair<std::string, std::string>>& fields,
                        const Request& request, bool keep_alive) {
  Response response{static_cast<bhttp::status>(status), request.version()};
  for (const auto& [name, value] : fields) response.set(name, value);
  FinishResponse(response, request, keep_alive);
  std::string out;
  SerializeHead(response, out);
  return out;
}

std::string FastHead(unsigned status,
                     const std::vector<std::pair<std::string, std::string>>& fields,
                     const Request& request, bool keep_alive) {
  HeadAnswer answer;
  answer.status = status;
  for (const auto& [name, value] : fields) answer.fields += name + ": " + value + "\r\n";
  std::string out;
  SerializeHeadAnswer(answer, request, keep_alive, out);
  return out;
}

TEST(SerializeHeadAnswer, EqualsTheGenericPathForEveryVersionKeepAliveMethodAndStatus) {
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"X-Keyward-Outcome", "VALID"},
      {"X-Keyward-Key-Name", "b%C3%A9"},
      {"Cache-Control", "no-store"},
      {"X-Content-Type-Options", "nosniff"}};
  int cases = 0;
  for (const unsigned version : {10u, 11u}) {
    for (const bool request_keep_alive : {false, true}) {
      for (const bhttp::verb method : {bhttp::verb::get, bhttp::verb::head, bhttp::verb::post}) {
        Request request{method, "/v1/authz?permission=keys:read", version};
        if (version == 11) request.set(bhttp::field::host, "x");
        request.keep_alive(request_keep_alive);
        for (const bool keep_alive : {false, true}) {
          for (const unsigned status : {200u, 401u, 403u, 500u, 204u, 304u, 101u}) {
            SCOPED_TRACE(testing::Message()
                         << "HTTP/" << version << " " << method << " keep-alive "
                         << request_keep_alive << "/" << keep_alive << " " << status);
            EXPECT_EQ(FastHead(status, fields, request, keep_alive),
                      GenericHead(status, fields, request, keep_alive));
            ++cases;
          }
        }
      }
    }
  }
  EXPECT_EQ(cases, 2 * 2 * 3 * 2 * 7);
}

TEST(SerializeHeadAnswer, WritesTheStatusLineFieldsAndAnEmptyBody) {
  Request request{bhttp::verb::get, "/v1/authz", 11};
  request.set(bhttp::field::host, "x");
  HeadAnswer answer;
  answer.status = 401;
  answer.fields = "X-Keyward-Outcome: MALFORMED\r\nWWW-Authenticate: Bearer\r\n";
  std::string out = "kept";
  SerializeHeadAnswer(answer, request, /*keep_alive=*/true, out);
  EXPECT_EQ(out,
            "keptHTTP/1.1 401 Unauthorized\r\nX-Keyward-Outcome: MALFORMED\r\n"
            "WWW-Authenticate: Bearer\r\nContent-Length: 0\r\n\r\n");
  out.clear();
  SerializeHeadAnswer(answer, request, /*keep_alive=*/false, out);
  EXPECT_NE(out.find("\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), std::string::npos);
}

}  // namespace
}  // namespace keyward::http
