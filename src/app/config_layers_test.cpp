// The configuration file and its layers: what the TOML reader accepts and refuses, every problem
// `keyward config check` reports with its line, and the precedence default < file < environment
// < flag on a real command line (CLI11 parsing the flags of `keyward serve`).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app/config_file.hpp"
#include "app/config_layers.hpp"
#include "app/serve_options.hpp"

namespace keyward::app {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Kind = ConfigValue::Kind;

// A private directory for the test's files, removed with them.
class ConfigDir {
 public:
  ConfigDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kw-config-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~ConfigDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file) << text;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Sets an environment variable for the test's duration.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

// "LINE: text" of each problem, for readable expectations.
std::vector<std::string> Lines(const std::vector<ConfigProblem>& problems) {
  std::vector<std::string> out;
  for (const ConfigProblem& p : problems) out.push_back(std::to_string(p.line) + ": " + p.text);
  return out;
}

TEST(ConfigFileTest, ReadsEachKindWithItsLine) {
  const ConfigFile file = ParseConfigText(
      "# a comment\nlisten = \"127.0.0.1:9000\"\n\nthreads = 4\naccess_log = true\n"
      "trusted_proxy = [\"10.0.0.0/8\", \"192.168.1.1\"]\n",
      "k.toml");
  EXPECT_TRUE(file.problems.empty());
  ASSERT_EQ(file.settings.size(), 4u);
  EXPECT_EQ(file.settings[0].first, "listen");
  EXPECT_EQ(file.settings[0].second.kind, Kind::kString);
  EXPECT_EQ(file.settings[0].second.line, 2);
  EXPECT_THAT(file.settings[0].second.items, ElementsAre("127.0.0.1:9000"));
  EXPECT_EQ(file.settings[1].second.kind, Kind::kInteger);
  EXPECT_THAT(file.settings[1].second.items, ElementsAre("4"));
  EXPECT_EQ(file.settings[1].second.line, 4);
  EXPECT_EQ(file.settings[2].second.kind, Kind::kBoolean);
  EXPECT_THAT(file.settings[2].second.items, ElementsAre("true"));
  EXPECT_EQ(file.settings[3].second.kind, Kind::kStringList);
  EXPECT_THAT(file.settings[3].second.items, ElementsAre("10.0.0.0/8", "192.168.1.1"));
}

TEST(ConfigFileTest, ASyntaxErrorIsOneProblemAtItsLineAndNoSettings) {
  const ConfigFile file = ParseConfigText("listen = \"a\"\nthreads = = 4\n", "k.toml");
  EXPECT_TRUE(file.settings.empty());
  ASSERT_EQ(file.problems.size(), 1u);
  EXPECT_EQ(file.problems[0].line, 2);
  EXPECT_THAT(file.problems[0].text, HasSubstr("not valid TOML"));
}

TEST(ConfigFileTest, ADuplicateSettingIsASyntaxError) {
  const ConfigFile file = ParseConfigText("threads = 1\nthreads = 2\n", "k.toml");
  ASSERT_EQ(file.problems.size(), 1u);
  EXPECT_EQ(file.problems[0].line, 2);
}

TEST(ConfigFileTest, ValuesNoSettingTakesAreProblemsAtTheirLines) {
  const ConfigFile file = ParseConfigText(
      "threads = 1.5\n[server]\nlisten = \"x\"\nwhen = 2026-01-01\nsyslog = [\"a\", 1]\n"
      "dotted.name = 1\n",
      "k.toml");
  // [server] holds every setting after it, dotted.name among them: one table.
  EXPECT_THAT(Lines(file.problems),
              ElementsAre("1: threads: a number with a fraction is not a setting's value: give a "
                          "whole number",
                          "2: server: a table is not a setting: Keyward's settings are one flat "
                          "list of name = value"));
  EXPECT_TRUE(file.settings.empty());
  const ConfigFile flat =
      ParseConfigText("when = 2026-01-01\nsyslog = [\"a\", 1]\ndotted.name = 1\n", "k.toml");
  EXPECT_THAT(Lines(flat.problems),
              ElementsAre("1: when: a date or time is not a setting's value: give a string or a "
                          "number",
                          "2: syslog: a list of strings may hold only strings",
                          "3: dotted: a table is not a setting: Keyward's settings are one flat "
                          "list of name = value"));
}

TEST(ConfigFileTest, AMissingFileOrADirectoryIsAProblemOfTheWholeFile) {
  const ConfigDir dir;
  EXPECT_THAT(Lines(ReadConfigFile(dir.path() + "/none.toml").problems),
              ElementsAre("0: no such file"));
  EXPECT_THAT(Lines(ReadConfigFile(dir.path()).problems), ElementsAre("0: not a regular file"));
}

TEST(ConfigFileTest, TomlTextQuotesAndEscapesStrings) {
  EXPECT_EQ(TomlText(Kind::kInteger, {"5"}), "5");
  EXPECT_EQ(TomlText(Kind::kBoolean, {"true"}), "true");
  const ConfigFile again =
      ParseConfigText("a = " + TomlText(Kind::kString, {"say \"hi\" \\ 'there'"}) +
                          "\nb = " + TomlText(Kind::kStringList, {"x", "y'z"}) + "\n",
                      "k.toml");
  ASSERT_TRUE(again.problems.empty());
  EXPECT_THAT(again.settings[0].second.items, ElementsAre("say \"hi\" \\ 'there'"));
  EXPECT_THAT(again.settings[1].second.items, ElementsAre("x", "y'z"));
}

TEST(ConfigCheckTest, AValidFileHasNoProblems) {
  const ConfigDir dir;
  const ConfigCheck check = CheckConfigFile(dir.Write(
      "k.toml",
      "listen = \"0.0.0.0:8080\"\ndata_dir = \"/var/lib/keyward\"\nlockout_threshold = 3\n"
      "lockout_seconds = 60\nthrottle = 10\nindex_staleness_limit = 120\nallow_private_ips = "
      "true\ntrusted_proxy = [\"10.0.0.0/8\"]\nsession_idle_minutes = 15\nsession_max_hours = 8\n"
      "syslog = [\"udp://127.0.0.1:514\"]\nhec_url = \"https://splunk:8088\"\n"
      "metrics_require_credential = true\n"));
  EXPECT_EQ(check.settings, 13u);
  EXPECT_THAT(Lines(check.problems), ElementsAre());
}

TEST(ConfigCheckTest, NamesEveryBadSettingWithItsLine) {
  const ConfigDir dir;
  const ConfigCheck check = CheckConfigFile(dir.Write(
      "k.toml",
      "# settings\nthreads = 0\nlockout_treshold = 3\naccess_log = \"yes\"\nworkers = "
      "99999999999\ntrusted_proxy = [\"10.0.0.0/8\", \"nonsense\"]\nlisten = 8080\n"
      "tls_cert = \"/etc/cert.pem\"\nsyslog = \"udp://127.0.0.1:514\"\nlisten_on = \"x\"\n"
      "session_idle_minutes = 0\n"));
  EXPECT_EQ(check.settings, 10u);
  EXPECT_THAT(
      Lines(check.problems),
      ElementsAre(
          "2: threads 0: must be a number from 1 to 256",
          "3: unknown setting \"lockout_treshold\" (did you mean lockout_threshold?); keyward "
          "config show lists every setting",
          "4: access_log must be true or false, not a string",
          "5: workers = 99999999999: not a value this setting can hold",
          "6: trusted_proxy \"nonsense\": \"nonsense\" is not a dotted-decimal IPv4 address or "
          "CIDR range",
          "7: listen must be a string, not an integer",
          "8: tls_cert was given alone: --tls-cert and --tls-key go together",
          "9: syslog must be a list of strings, not a string",
          "10: unknown setting \"listen_on\"; keyward config show lists every setting",
          "11: session_idle_minutes 0: must be at least 1"));
}

TEST(ConfigCheckTest, ACombinationIsNamedAtTheSettingItIsAbout) {
  const ConfigDir dir;
  const ConfigCheck check =
      CheckConfigFile(dir.Write("k.toml",
                                "pepper_file = \"/p\"\ndatabase = \"mysql://x\"\nhec_token_file = "
                                "\"/t\"\nmax_database_size = 5\n"));
  EXPECT_THAT(
      Lines(check.problems),
      ElementsAre("2: database: not a PostgreSQL URL; give postgresql://USER@HOST:PORT/DATABASE, "
                  "or leave it out for the embedded store",
                  "3: hec_token_file was given without --hec-url"));
  const ConfigCheck small =
      CheckConfigFile(dir.Write("s.toml", "listen = \"localhost\"\nmax_database_size = 5\n"));
  EXPECT_THAT(Lines(small.problems),
              ElementsAre("1: listen \"localhost\" is not HOST:PORT (for example 127.0.0.1:8080, "
                          "localhost:8080 or [::1]:8080)",
                          "2: max_database_size 5: must be 0 (no cap) or at least 1048576 bytes"));
}

TEST(ConfigCheckTest, AnUnreadableOrMalformedFileIsOneProblem) {
  const ConfigDir dir;
  EXPECT_THAT(Lines(CheckConfigFile(dir.path() + "/none.toml").problems),
              ElementsAre("0: no such file"));
  const ConfigCheck syntax = CheckConfigFile(dir.Write("k.toml", "\n\nlisten = \n"));
  ASSERT_EQ(syntax.problems.size(), 1u);
  EXPECT_EQ(syntax.problems[0].line, 3);
}

// `keyward serve`'s command line with the config layer, parsed as main() parses it.
struct ServeLine {
  ServeConfig config;
  CLI::App app;
  CLI::App* serve = nullptr;
  std::vector<std::string> args;
  std::vector<char*> argv;
  std::optional<ConfigLayers> layers;
  int exit_code = -1;
  std::ostringstream err;

  explicit ServeLine(std::vector<std::string> words) : args(std::move(words)) {
    args.insert(args.begin(), {"keyward", "serve"});
    for (std::string& a : args) argv.push_back(a.data());
    layers.emplace(static_cast<int>(argv.size()), argv.data());
    serve = app.add_subcommand("serve");
    AddServeOptions(*serve, config);
    RunWithSettings(*serve, *layers, exit_code, [] { return 0; });
  }
  int Parse() {
    app.parse(static_cast<int>(argv.size()), argv.data());
    return exit_code;
  }
  SettingSource Source(const std::string& flag) {
    return layers->SourceOf(*serve->get_option(flag));
  }
};

TEST(ConfigLayersTest, FileThenEnvironmentThenFlagsEachOverrideTheOneBefore) {
  const ConfigDir dir;
  const std::string file = dir.Write(
      "k.toml",
      "listen = \"127.0.0.1:1111\"\nlockout_threshold = 3\nthrottle = 7\naccess_log = true\n"
      "trusted_proxy = [\"10.0.0.0/8\"]\n");
  const ScopedEnv env_threshold("KEYWARD_LOCKOUT_THRESHOLD", "9");
  const ScopedEnv env_throttle("KEYWARD_THROTTLE", "8");
  ServeLine line({"--config", file, "--throttle", "2"});
  ASSERT_EQ(line.Parse(), 0);
  EXPECT_EQ(line.config.listen, "127.0.0.1:1111");  // file
  EXPECT_EQ(line.config.lockout_threshold, 9);      // environment over file
  EXPECT_EQ(line.config.throttle_per_minute, 2);    // flag over environment and file
  EXPECT_TRUE(line.config.access_log);
  EXPECT_THAT(line.config.trusted_proxies, ElementsAre("10.0.0.0/8"));
  EXPECT_EQ(line.config.workers, 16);  // default

  EXPECT_EQ(line.Source("--listen").kind, SettingSource::Kind::kFile);
  EXPECT_EQ(line.Source("--listen").where, file + ":1");
  EXPECT_EQ(line.Source("--lockout-threshold").kind, SettingSource::Kind::kEnvironment);
  EXPECT_EQ(line.Source("--lockout-threshold").where, "KEYWARD_LOCKOUT_THRESHOLD");
  EXPECT_EQ(line.Source("--throttle").kind, SettingSource::Kind::kFlag);
  EXPECT_EQ(line.Source("--workers").kind, SettingSource::Kind::kDefault);

  EXPECT_EQ(line.layers->Annotate(*line.serve, "--listen \"x\": bad"),
            "--listen \"x\": bad (set in " + file + ":1)");
  EXPECT_EQ(line.layers->Annotate(*line.serve, "--lockout-threshold -1: bad"),
            "--lockout-threshold -1: bad (set by KEYWARD_LOCKOUT_THRESHOLD)");
  EXPECT_EQ(line.layers->Annotate(*line.serve, "--throttle -1: bad"), "--throttle -1: bad");
}

TEST(ConfigLayersTest, TheConfigFileMayBeNamedByItsVariable) {
  const ConfigDir dir;
  const ScopedEnv env("KEYWARD_CONFIG", dir.Write("k.toml", "threads = 3\n").c_str());
  ServeLine line({});
  ASSERT_EQ(line.Parse(), 0);
  EXPECT_EQ(line.config.threads, 3);
}

TEST(ConfigLayersTest, AFileWithProblemsStopsTheCommandNamingEachLine) {
  const ConfigDir dir;
  const std::string file = dir.Write("k.toml", "threads = 2\nnot_a_setting = 1\naccess_log = 1\n");
  ServeLine line({"--config", file});
  std::ostringstream err;
  // Apply itself, as RunWithSettings calls it, to read what it writes.
  line.app.parse(static_cast<int>(line.argv.size()), line.argv.data());
  EXPECT_EQ(line.exit_code, 2);
  ConfigLayers again(static_cast<int>(line.argv.size()), line.argv.data());
  ServeConfig config;
  CLI::App app;
  CLI::App* serve = app.add_subcommand("serve");
  AddServeOptions(*serve, config);
  again.AddConfigOption(*serve);
  app.parse(static_cast<int>(line.argv.size()), line.argv.data());
  EXPECT_FALSE(again.Apply(*serve, err));
  EXPECT_THAT(err.str(), HasSubstr(file + ":2: unknown setting \"not_a_setting\""));
  EXPECT_THAT(err.str(), HasSubstr(file + ":3: access_log must be true or false, not an integer"));
}

TEST(ConfigLayersTest, AMissingConfigFileNamedOnTheCommandLineIsAnError) {
  ServeLine line({"--config", "/nonexistent/keyward.toml"});
  EXPECT_EQ(line.Parse(), 2);
}

TEST(ConfigLayersTest, ShowListsEverySettingWithItsSourceAndMasksPasswords) {
  const ConfigDir dir;
  const std::string file = dir.Write(
      "k.toml", "database = \"postgresql://keyward:s3cret@db:5432/keyward\"\nthreads = 2\n");
  ServeLine line({"--config", file, "--workers", "4"});
  ASSERT_EQ(line.Parse(), 0);
  const std::string shown = ShowSettings(*line.serve, *line.layers);
  EXPECT_THAT(shown, Not(HasSubstr("s3cret")));
  EXPECT_THAT(shown, HasSubstr("database = 'postgresql://keyward:***@db:5432/keyward'  # " + file +
                               ":1\n"));
  EXPECT_THAT(shown, HasSubstr("threads = 2  # " + file + ":2\n"));
  EXPECT_THAT(shown, HasSubstr("workers = 4  # --workers\n"));
  EXPECT_THAT(shown, HasSubstr("listen = '127.0.0.1:8080'  # default\n"));
  EXPECT_THAT(shown, HasSubstr("access_log = false  # default\n"));
  EXPECT_THAT(shown, HasSubstr("# pepper_file is not set\n"));
  // Every setting of serve is listed once.
  for (const CLI::Option* option : line.serve->get_options()) {
    const std::string name = SettingName(*option);
    if (name.empty()) continue;
    EXPECT_THAT(shown, HasSubstr(name + " ")) << name;
  }
}

}  // namespace
}  // namespace keyward::app
