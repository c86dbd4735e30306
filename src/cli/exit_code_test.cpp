#include "cli/exit_code.hpp"

#include <gtest/gtest.h>

namespace keyward::cli {
namespace {

TEST(ExitCodeForStatus, SuccessIsZero) {
  EXPECT_EQ(ExitCodeForStatus(200), kExitOk);
  EXPECT_EQ(ExitCodeForStatus(201), kExitOk);
  EXPECT_EQ(ExitCodeForStatus(204), kExitOk);
}

TEST(ExitCodeForStatus, MapsTheDocumentedStatuses) {
  EXPECT_EQ(ExitCodeForStatus(400), 6);
  EXPECT_EQ(ExitCodeForStatus(413), 6);
  EXPECT_EQ(ExitCodeForStatus(401), 3);
  EXPECT_EQ(ExitCodeForStatus(403), 3);
  EXPECT_EQ(ExitCodeForStatus(404), 4);
  EXPECT_EQ(ExitCodeForStatus(409), 5);
}

TEST(ExitCodeForStatus, EverythingElseIsFailure) {
  EXPECT_EQ(ExitCodeForStatus(500), 1);
  EXPECT_EQ(ExitCodeForStatus(503), 1);
  EXPECT_EQ(ExitCodeForStatus(429), 1);
  EXPECT_EQ(ExitCodeForStatus(301), 1);
  EXPECT_EQ(ExitCodeForStatus(100), 1);
}

TEST(ClientHelpFooter, DocumentsEveryExitCodeAndVariable) {
  const std::string_view footer = ClientHelpFooter();
  for (const char* needle :
       {"KEYWARD_URL", "KEYWARD_API_KEY", "KEYWARD_INSECURE", "0 success", "1 server", "2 usage",
        "3 auth", "4 not found", "5 conflict", "6 invalid", "7 cannot connect"}) {
    EXPECT_NE(footer.find(needle), std::string_view::npos) << needle;
  }
}

}  // namespace
}  // namespace keyward::cli
