#include "http/v1/openapi.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <array>
#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.hpp"
#include "http/v1/routes.hpp"

namespace keyward::http {
namespace {

namespace json = boost::json;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The methods OpenAPI 3.0 can name, but trace: a route that takes every method is documented
// under each.
constexpr std::array<std::string_view, 7> kDocumentableMethods = {
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH"};

std::vector<std::string_view> Methods(const Route& route) {
  if (route.method == kAnyMethod) {
    return {kDocumentableMethods.begin(), kDocumentableMethods.end()};
  }
  return {route.method};
}

TEST(OpenApi, DescribesEveryRoutedPathAndMethod) {
  const json::object& paths = OpenApiDocument().at("paths").as_object();
  for (const Route& route : v1::Routes()) {
    const json::value* item = paths.if_contains(route.pattern);
    ASSERT_NE(item, nullptr) << route.pattern;
    for (const std::string_view method : Methods(route)) {
      const json::value* op = item->as_object().if_contains(Lower(method));
      ASSERT_NE(op, nullptr) << method << " " << route.pattern;
      EXPECT_FALSE(op->at("summary").as_string().empty()) << route.pattern;
      EXPECT_TRUE(op->as_object().contains("responses")) << route.pattern;
    }
  }
}

TEST(OpenApi, OperationIdsAreUnique) {
  std::set<std::string> seen;
  for (const auto& path : OpenApiDocument().at("paths").as_object()) {
    for (const auto& op : path.value().as_object()) {
      const std::string id(op.value().at("operationId").as_string());
      EXPECT_TRUE(seen.insert(id).second) << id;
    }
  }
}

TEST(OpenApi, AuthzAnswersOnly200And401And403WithOutcomeHeaders) {
  const json::value& doc = OpenApiDocument();
  const json::object& post = doc.at("paths").at("/v1/authz").at("post").as_object();
  EXPECT_EQ(post.at("operationId").as_string(), "authzPost");
  const json::object& responses = post.at("responses").as_object();
  EXPECT_EQ(responses.size(), 3u);
  for (const char* status : {"200", "401", "403"}) {
    const std::string ref(responses.at(status).at("$ref").as_string());
    const std::string name = ref.substr(ref.rfind('/') + 1);
    const json::object& response = doc.at("components").at("responses").at(name).as_object();
    EXPECT_TRUE(response.at("headers").as_object().contains("X-Keyward-Outcome")) << status;
    EXPECT_FALSE(response.contains("content")) << status;
  }
  EXPECT_EQ(post.at("security").as_array().size(), 3u);
}

TEST(OpenApi, VerifyHasItsRequestAndResponseSchemas) {
  const json::value& doc = OpenApiDocument();
  const json::object& op = doc.at("paths").at("/v1/keys/verify").at("post").as_object();
  EXPECT_EQ(op.at("requestBody").at("content").at("application/json").at("schema").at("$ref"),
            json::value("#/components/schemas/VerifyKey"));
  EXPECT_EQ(
      op.at("responses").at("200").at("content").at("application/json").at("schema").at("$ref"),
      json::value("#/components/schemas/Verification"));
  const json::object& schemas = doc.at("components").at("schemas").as_object();
  EXPECT_EQ(schemas.at("VerificationCode").at("enum").as_array().size(), 10u);
  EXPECT_TRUE(schemas.at("VerifyKey").at("properties").as_object().contains("ip"));
}

TEST(OpenApi, DescribesNoPathTheRouterLacks) {
  for (const auto& path : OpenApiDocument().at("paths").as_object()) {
    for (const auto& method : path.value().as_object()) {
      std::string verb(method.key());
      for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      bool routed = false;
      for (const Route& route : v1::Routes()) {
        routed = routed || (route.pattern == path.key() && route.Allows(verb));
      }
      EXPECT_TRUE(routed) << verb << " " << std::string(path.key());
    }
  }
}

TEST(OpenApi, IsOpenApi303WithBothSecuritySchemes) {
  const json::value& doc = OpenApiDocument();
  EXPECT_EQ(doc.at("openapi").as_string(), "3.0.3");
  const json::object& schemes = doc.at("components").at("securitySchemes").as_object();
  EXPECT_EQ(schemes.at("bearer").at("scheme").as_string(), "bearer");
  EXPECT_EQ(schemes.at("apiSecretKey").at("in").as_string(), "header");
  EXPECT_EQ(schemes.at("apiSecretKey").at("name").as_string(), "api-secret-key");
}

TEST(OpenApi, EveryReferenceResolves) {
  const json::value& doc = OpenApiDocument();
  // Walks the document and checks each "$ref" names an existing component.
  std::vector<const json::value*> stack = {&doc};
  int refs = 0;
  while (!stack.empty()) {
    const json::value* v = stack.back();
    stack.pop_back();
    if (v->is_array()) {
      for (const json::value& e : v->as_array()) stack.push_back(&e);
    } else if (v->is_object()) {
      for (const auto& member : v->as_object()) {
        if (member.key() == "$ref") {
          ++refs;
          std::string ref(member.value().as_string());
          ASSERT_EQ(ref.rfind("#/components/", 0), 0u) << ref;
          const json::value* target = &doc.at("components");
          std::string rest = ref.substr(13);
          for (std::size_t slash; (slash = rest.find('/')) != std::string::npos;) {
            target = target->as_object().if_contains(rest.substr(0, slash));
            ASSERT_NE(target, nullptr) << ref;
            rest = rest.substr(slash + 1);
          }
          EXPECT_TRUE(target->as_object().contains(rest)) << ref;
        }
        stack.push_back(&member.value());
      }
    }
  }
  EXPECT_GT(refs, 20);
}

TEST(OpenApi, PublicRoutesNeedNoSecurity) {
  const json::object& paths = OpenApiDocument().at("paths").as_object();
  for (const Route& route : v1::Routes()) {
    for (const std::string_view method : Methods(route)) {
      const json::object& op = paths.at(route.pattern).at(Lower(method)).as_object();
      const bool open = op.contains("security") && op.at("security").as_array().empty();
      // Sign-in takes an email and a password in its body, not a credential.
      EXPECT_EQ(open, route.access == Access::kPublic || route.access == Access::kSignIn)
          << route.pattern;
    }
  }
}

TEST(OpenApi, ApiKeySchemaHasNoSecretButIssuedKeyDoes) {
  const json::object& schemas = OpenApiDocument().at("components").at("schemas").as_object();
  EXPECT_FALSE(schemas.at("ApiKey").at("properties").as_object().contains("secret"));
  EXPECT_TRUE(schemas.at("IssuedApiKey")
                  .at("allOf")
                  .as_array()[1]
                  .at("properties")
                  .as_object()
                  .contains("secret"));
}

TEST(OpenApi, SerialisedFormParsesBackToTheDocument) {
  EXPECT_EQ(json::parse(OpenApiJson()), OpenApiDocument());
}

}  // namespace
}  // namespace keyward::http
