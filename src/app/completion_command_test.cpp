#include "app/completion_command.hpp"

#include <gtest/gtest.h>

#include <string>

namespace keyward::app {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(BashCompletionScript, ListsEachCommandsSubcommandsOptionsAndValuedOptions) {
  CLI::App app{"test", "keyward"};
  std::string listen;
  bool access_log = false;
  std::string hidden;
  CLI::App* serve = app.add_subcommand("serve", "Run the server");
  serve->add_option("--listen", listen, "Where");
  serve->add_flag("--access-log", access_log, "Log");
  serve->add_option("--internal", hidden, "Not shown")->group("");
  CLI::App* keys = app.add_subcommand("keys", "Keys");
  keys->add_subcommand("create", "Create")->add_option("-n,--name", listen, "Name");

  const std::string script = BashCompletionScript(app);
  EXPECT_TRUE(Contains(script, "    ['keyward']='serve keys'\n")) << script;
  EXPECT_TRUE(Contains(script, "    ['keyward keys']='create'\n")) << script;
  EXPECT_TRUE(Contains(script, "    ['keyward serve']='--help -h --listen --access-log'\n"))
      << script;
  // Only options that take a value are listed as valued: after them bash completes file names.
  EXPECT_TRUE(Contains(script, "    ['keyward serve']='--listen'\n")) << script;
  EXPECT_TRUE(Contains(script, "    ['keyward keys create']='--name -n'\n")) << script;
  EXPECT_FALSE(Contains(script, "--internal")) << script;
  EXPECT_TRUE(Contains(script, "complete -o default -F _keyward_complete keyward\n"));
}

}  // namespace
}  // namespace keyward::app
