// The web console's surface (console.hpp): redirect, index, media types, ETag and 304, gzip
// negotiation, HEAD, 405, 404, traversal and the security headers, over a made-up set of files;
// and the build's embedded set against the files in web/.
#include "http/console/console.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/zlib/inflate_stream.hpp>

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyward::http::console {
namespace {

namespace bh = boost::beast::http;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kIndexSha =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr std::string_view kIndexEtag = R"("00112233445566778899aabbccddeeff")";
constexpr std::string_view kIndexGzipEtag = R"("00112233445566778899aabbccddeeff-gzip")";
constexpr std::string_view kSha =
    "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

// The console only passes `gzip` through, so made-up bytes stand for it here.
constexpr std::array kFiles = {
    EmbeddedFile{"index.html", "<!doctype html><title>Keyward</title>", "GZIPPED-INDEX", kIndexSha},
    EmbeddedFile{"app.css", "body{margin:0}", "", kSha},
    EmbeddedFile{"js/app.js", "export const x = 1;\n", "GZIPPED-APP", kSha},
    EmbeddedFile{"img/logo.svg", "<svg/>", "", kSha},
    EmbeddedFile{"img/logo.png", std::string_view("\x89PNG\r\n\x1a\n\0", 9), "", kSha},
    EmbeddedFile{"i18n/en.json", "{}", "", kSha},
    EmbeddedFile{"favicon.ico", "ico", "", kSha},
    EmbeddedFile{"fonts/a.woff2", "wOF2", "", kSha},
    EmbeddedFile{"robots.txt", "User-agent: *\n", "", kSha},
    EmbeddedFile{"README.md", "# not served", "", kSha},
};

Request Make(bh::verb method, std::string_view target, const Headers& headers = {},
             unsigned version = 11) {
  Request request{method, target, version};
  for (const auto& [name, value] : headers) request.insert(name, value);
  return request;
}

// Checks the headers every console answer carries.
void ExpectSecurityHeaders(const Response& res) {
  EXPECT_EQ(res["Content-Security-Policy"],
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'");
  EXPECT_EQ(res[bh::field::x_frame_options], "DENY");
  EXPECT_EQ(res["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
}

class ConsoleTest : public ::testing::Test {
 protected:
  Response Get(std::string_view target, const Headers& headers = {}) const {
    return console_.Answer(Make(bh::verb::get, target, headers));
  }

  const Console console_{kFiles};
};

TEST_F(ConsoleTest, OwnsTheConsolePathsOnly) {
  EXPECT_TRUE(Console::Owns(Make(bh::verb::get, "/console")));
  EXPECT_TRUE(Console::Owns(Make(bh::verb::post, "/console/js/app.js")));
  EXPECT_FALSE(Console::Owns(Make(bh::verb::get, "/consoles")));
  EXPECT_FALSE(Console::Owns(Make(bh::verb::get, "/v1/apikeys")));
}

TEST_F(ConsoleTest, RootRedirectsToItsSlash) {
  const Response res = Get("/console");
  EXPECT_EQ(res.result_int(), 301u);
  EXPECT_EQ(res[bh::field::location], "/console/");
  ExpectSecurityHeaders(res);
  // The query is dropped, not echoed into Location.
  EXPECT_EQ(Get("/console?x=%0d%0a").at(bh::field::location), "/console/");
}

TEST_F(ConsoleTest, SlashServesIndexHtml) {
  const Response res = Get("/console/");
  ASSERT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), "<!doctype html><title>Keyward</title>");
  EXPECT_EQ(res[bh::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(res[bh::field::content_length], std::to_string(res.body().size()));
  EXPECT_EQ(res[bh::field::etag], kIndexEtag);
  EXPECT_EQ(res[bh::field::cache_control], "no-cache");
  EXPECT_EQ(res[bh::field::vary], "Accept-Encoding");
  EXPECT_EQ(res.count(bh::field::content_encoding), 0u);
  ExpectSecurityHeaders(res);
  EXPECT_EQ(Get("/console/index.html").body(), res.body());
}

TEST_F(ConsoleTest, EachFileHasTheMediaTypeOfItsExtension) {
  const std::array<std::pair<std::string_view, std::string_view>, 9> expected = {{
      {"/console/index.html", "text/html; charset=utf-8"},
      {"/console/app.css", "text/css; charset=utf-8"},
      {"/console/js/app.js", "text/javascript; charset=utf-8"},
      {"/console/img/logo.svg", "image/svg+xml"},
      {"/console/img/logo.png", "image/png"},
      {"/console/i18n/en.json", "application/json"},
      {"/console/favicon.ico", "image/x-icon"},
      {"/console/fonts/a.woff2", "font/woff2"},
      {"/console/robots.txt", "text/plain; charset=utf-8"},
  }};
  for (const auto& [target, type] : expected) {
    const Response res = Get(target);
    EXPECT_EQ(res.result_int(), 200u) << target;
    EXPECT_EQ(res[bh::field::content_type], type) << target;
  }
  EXPECT_EQ(Get("/console/img/logo.png").body(), std::string_view("\x89PNG\r\n\x1a\n\0", 9));
}

TEST_F(ConsoleTest, MatchingIfNoneMatchIs304WithTheValidators) {
  for (const std::string_view tag :
       {kIndexEtag, std::string_view(R"("other", W/"00112233445566778899aabbccddeeff")"),
        std::string_view("*")}) {
    const Response res = Get("/console/", {{"If-None-Match", std::string(tag)}});
    EXPECT_EQ(res.result_int(), 304u) << tag;
    EXPECT_TRUE(res.body().empty());
    EXPECT_EQ(res[bh::field::etag], kIndexEtag);
    EXPECT_EQ(res[bh::field::cache_control], "no-cache");
    EXPECT_EQ(res[bh::field::vary], "Accept-Encoding");
    ExpectSecurityHeaders(res);
  }
}

TEST_F(ConsoleTest, OtherIfNoneMatchIs200) {
  EXPECT_EQ(Get("/console/", {{"If-None-Match", R"("deadbeef")"}}).result_int(), 200u);
  // The gzip encoding's tag is not the plain bytes' tag.
  EXPECT_EQ(Get("/console/", {{"If-None-Match", std::string(kIndexGzipEtag)}}).result_int(), 200u);
  EXPECT_EQ(Get("/console/",
                {{"If-None-Match", std::string(kIndexGzipEtag)}, {"Accept-Encoding", "gzip"}})
                .result_int(),
            304u);
}

TEST_F(ConsoleTest, GzipWhenTheClientAcceptsIt) {
  const Response res = Get("/console/", {{"Accept-Encoding", "br, gzip;q=0.5"}});
  ASSERT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), "GZIPPED-INDEX");
  EXPECT_EQ(res[bh::field::content_encoding], "gzip");
  EXPECT_EQ(res[bh::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(res[bh::field::etag], kIndexGzipEtag);
  EXPECT_EQ(res[bh::field::vary], "Accept-Encoding");
  // Two Accept-Encoding lines count as one list.
  EXPECT_EQ(
      Get("/console/js/app.js", {{"Accept-Encoding", "br"}, {"Accept-Encoding", "gzip"}}).body(),
      "GZIPPED-APP");
}

TEST_F(ConsoleTest, PlainBytesWhenTheClientRefusesGzip) {
  for (const std::string_view accept : {"", "gzip;q=0", "identity", "*;q=0", "gzip;q=0, *"}) {
    const Response res = Get("/console/", {{"Accept-Encoding", std::string(accept)}});
    EXPECT_EQ(res.body(), "<!doctype html><title>Keyward</title>") << accept;
    EXPECT_EQ(res.count(bh::field::content_encoding), 0u) << accept;
    EXPECT_EQ(res[bh::field::etag], kIndexEtag) << accept;
    EXPECT_EQ(res[bh::field::vary], "Accept-Encoding") << accept;
  }
  EXPECT_EQ(Get("/console/").count(bh::field::content_encoding), 0u);
}

TEST_F(ConsoleTest, PlainBytesWhenTheFileHasNoGzipEncoding) {
  const Response res = Get("/console/app.css", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(res.body(), "body{margin:0}");
  EXPECT_EQ(res.count(bh::field::content_encoding), 0u);
  EXPECT_EQ(res[bh::field::vary], "Accept-Encoding");
}

TEST_F(ConsoleTest, HeadAnswersGetsHeaders) {
  const Headers gzip = {{"Accept-Encoding", "gzip"}};
  for (const Headers& headers : {Headers{}, gzip}) {
    const Response get = Get("/console/js/app.js", headers);
    const Response head = console_.Answer(Make(bh::verb::head, "/console/js/app.js", headers));
    EXPECT_EQ(head.result_int(), 200u);
    for (const bh::field field :
         {bh::field::content_type, bh::field::content_length, bh::field::etag,
          bh::field::content_encoding, bh::field::vary, bh::field::cache_control}) {
      EXPECT_EQ(head[field], get[field]) << field;
    }
    ExpectSecurityHeaders(head);
  }
}

TEST_F(ConsoleTest, OtherMethodsAre405) {
  for (const bh::verb method : {bh::verb::post, bh::verb::put, bh::verb::patch, bh::verb::delete_,
                                bh::verb::options, bh::verb::trace}) {
    for (const std::string_view target : {"/console", "/console/", "/console/nope"}) {
      const Response res = console_.Answer(Make(method, target));
      EXPECT_EQ(res.result_int(), 405u) << target;
      EXPECT_EQ(res[bh::field::allow], "GET, HEAD");
      ExpectSecurityHeaders(res);
    }
  }
}

TEST_F(ConsoleTest, UnknownPathIsASmall404) {
  for (const std::string_view target : {"/console/nope.js", "/console/js", "/console/JS/app.js",
                                        "/console/README.md", "/console/index.html/"}) {
    const Response res = Get(target);
    EXPECT_EQ(res.result_int(), 404u) << target;
    EXPECT_EQ(res[bh::field::content_type], "text/plain; charset=utf-8");
    EXPECT_LE(res.body().size(), 16u);
    EXPECT_EQ(res.count(bh::field::etag), 0u);
    ExpectSecurityHeaders(res);
  }
}

TEST_F(ConsoleTest, TraversalFindsNothing) {
  for (const std::string_view target :
       {"/console/../console/index.html", "/console/js/../app.css", "/console/./app.css",
        "/console/%2e%2e/console/app.css", "/console/js%2fapp.js", "/console/%61pp.css",
        "/console//app.css", "/console/js\\app.js", "/console/..%2f..%2fetc%2fpasswd",
        "/console/app.css%00"}) {
    EXPECT_EQ(Get(target).result_int(), 404u) << target;
  }
}

TEST_F(ConsoleTest, AnswersInTheRequestsVersionAndKeepAlive) {
  Request request = Make(bh::verb::get, "/console/", {}, 10);
  EXPECT_EQ(console_.Answer(request).version(), 10u);
  EXPECT_FALSE(console_.Answer(request).keep_alive());
  request.keep_alive(true);
  EXPECT_TRUE(console_.Answer(request).keep_alive());
  EXPECT_EQ(Get("/console/nope").version(), 11u);
}

// The bytes a gzip member (RFC 1952, as `gzip -n` writes it: no name, no extra fields) holds.
std::string Gunzip(std::string_view gz) {
  EXPECT_GE(gz.size(), 18u);
  EXPECT_EQ(gz.substr(0, 4), std::string_view("\x1f\x8b\x08\x00", 4));
  boost::beast::zlib::inflate_stream inflate;
  inflate.reset(15);
  std::string out(1 << 20, '\0');
  boost::beast::zlib::z_params params;
  params.next_in = gz.data() + 10;
  params.avail_in = gz.size() - 18;
  params.next_out = out.data();
  params.avail_out = out.size();
  boost::system::error_code ec;
  inflate.write(params, boost::beast::zlib::Flush::finish, ec);
  EXPECT_EQ(ec, boost::beast::zlib::error::end_of_stream);
  out.resize(params.total_out);
  return out;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every file under web/ (but hidden ones), by its path below web/.
std::vector<std::string> WebFiles() {
  const std::filesystem::path root = KEYWARD_WEB_DIR;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = entry.path().lexically_relative(root).generic_string();
    if (rel.starts_with('.') || rel.find("/.") != std::string::npos) continue;
    files.push_back(rel);
  }
  return files;
}

TEST(ConsoleEmbedded, EveryFileInWebIsServedWithItsExactBytes) {
  const Console console;
  const std::vector<std::string> files = WebFiles();
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(EmbeddedFiles().size(), files.size());
  for (const std::string& rel : files) {
    const std::string bytes = ReadFile(std::filesystem::path(KEYWARD_WEB_DIR) / rel);
    const Response plain = console.Answer(Make(bh::verb::get, "/console/" + rel));
    ASSERT_EQ(plain.result_int(), 200u) << "web/" << rel << " is not served (its extension has "
                                        << "no media type in media_type.cpp?)";
    EXPECT_EQ(plain.body(), bytes) << rel;
    const Response gzip =
        console.Answer(Make(bh::verb::get, "/console/" + rel, {{"Accept-Encoding", "gzip"}}));
    if (gzip.count(bh::field::content_encoding) != 0) {
      EXPECT_EQ(Gunzip(gzip.body()), bytes) << rel;
      EXPECT_LT(gzip.body().size(), bytes.size()) << rel;
    }
  }
}

std::string Sha256Hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EXPECT_EQ(EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha256(), nullptr), 1);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += "0123456789abcdef"[digest[i] >> 4];
    hex += "0123456789abcdef"[digest[i] & 0xf];
  }
  return hex;
}

TEST(ConsoleEmbedded, EtagIsTheSha256OfTheBytes) {
  const Console console;
  ASSERT_FALSE(EmbeddedFiles().empty());
  for (const EmbeddedFile& file : EmbeddedFiles()) {
    const std::string sha256 = Sha256Hex(file.bytes);
    EXPECT_EQ(file.sha256, sha256) << file.path;
    const Response res = console.Answer(Make(bh::verb::get, "/console/" + std::string(file.path)));
    EXPECT_EQ(res[bh::field::etag], '"' + sha256.substr(0, 32) + '"') << file.path;
  }
}

}  // namespace
}  // namespace keyward::http::console
