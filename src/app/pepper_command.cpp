#include "app/pepper_command.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "app/config.hpp"
#include "app/runtime.hpp"
#include "app/serve_options.hpp"
#include "core/audit/audit_chain.hpp"
#include "core/clock.hpp"
#include "core/crypto/pepper_file.hpp"
#include "core/json_text.hpp"
#include "core/keys/key_service.hpp"
#include "core/keys/pepper_rotation.hpp"
#include "core/store/audit_record.hpp"
#include "core/store/pepper_guard.hpp"
#include "storage/pepper_file.hpp"

namespace keyward::app {
namespace {

struct PepperArgs {
  ServeConfig config;
  bool json = false;
  std::string version;
  bool disable_keys = false;
};

// The exit code of a failed pepper command (docs/cli.md "Exit codes"): 2 for what the operator
// asked wrongly (a bad or unknown version, no store, no pepper file), 5 for a refusal the state
// of the store explains (keys still use the version), 1 for anything else.
int ExitCodeFor(const core::Error& error) {
  switch (error.code) {
    case core::ErrorCode::kInvalidArgument:
    case core::ErrorCode::kNotFound:
      return 2;
    case core::ErrorCode::kConflict:
    case core::ErrorCode::kLastMasterAdministrator:
      return 5;
    default:
      return 1;
  }
}

int Fail(const std::string& what, const core::Error& error) {
  std::cerr << "keyward: " << what << ": " << error.Message() << "\n";
  return ExitCodeFor(error);
}

// An opened store with what the pepper commands write through: the audit chain, and the key
// use cases over it.
struct PepperStore {
  std::string pepper_path;
  OpenedStore opened;
  core::SystemClock clock;
  core::SystemRandom random;
  std::unique_ptr<core::AuditChainStore> chain;
};

// Checks the flags, that the pepper file exists (before OpenStore, which would create a missing
// DATA_DIR/pepper) and opens the store, whose pepper guard checks the file against it.
core::Result<std::unique_ptr<PepperStore>> Open(const ServeConfig& config) {
  KW_RETURN_IF_ERROR(ValidateStoreConfig(config));
  auto out = std::make_unique<PepperStore>();
  out->pepper_path = storage::PepperFilePath(config.data_dir, config.pepper_file);
  if (core::Result<std::string> text = storage::ReadPepperText(out->pepper_path); !text) {
    if (text.error().code != core::ErrorCode::kNotFound) return text.error();
    return core::MakeError(
        core::ErrorCode::kNotFound, core::Msg::kPepperFileMissing,
        {out->pepper_path,
         config.pepper_file ? "--pepper-file"
                            : "--data-dir " + config.data_dir + "; or name it with --pepper-file"});
  }
  KW_ASSIGN_OR_RETURN(out->opened, OpenStore(config, out->random, IfMissing::kRefuse));
  out->chain = std::make_unique<core::AuditChainStore>(*out->opened.store, out->opened.peppers);
  return out;
}

core::Principal PepperActor() {
  core::Principal actor = core::Principal::System();
  actor.actor = std::string(core::kPepperActor);
  return actor;
}

int RunRotate(const PepperArgs& args) {
  core::Result<std::unique_ptr<PepperStore>> opened = Open(args.config);
  if (!opened) return Fail("cannot rotate the pepper", opened.error());
  PepperStore& s = **opened;
  std::uint32_t added = 0;
  // Inside one unit of work, so two rotations (or a rotation and a retirement) of one store never
  // both edit the file: the store serializes them, and each reads the file afresh.
  const core::Status st = s.chain->Transact([&](core::UnitOfWork& uow) -> core::Status {
    KW_ASSIGN_OR_RETURN(const std::string text, storage::ReadPepperText(s.pepper_path));
    KW_ASSIGN_OR_RETURN(const core::PepperFileEdit edit, core::AddPepperVersion(text, s.random));
    core::Result<core::PepperSet> next = core::PepperSet::Parse(edit.contents);
    if (!next) return next.error();
    KW_RETURN_IF_ERROR(core::CheckAndRecordPepper(uow, *next));
    KW_RETURN_IF_ERROR(core::AppendAuditEvent(
        uow, PepperActor(), s.clock.Now(), "pepper.rotate",
        "pepper:" + std::to_string(edit.version),
        core::JsonObject().Add("version", std::int64_t{edit.version}).str()));
    added = edit.version;
    return storage::ReplacePepperFile(s.pepper_path, edit.contents);
  });
  if (!st) return Fail("cannot rotate the pepper", st.error());
  std::cout << "added pepper version " << added << " to " << s.pepper_path
            << " and recorded it in the store.\n"
            << "It becomes current when the server restarts: restart it (every node, each given "
               "this same file). Keys move to it at their next successful use; see keyward "
               "pepper status.\n";
  return 0;
}

const char* StateOf(const core::PepperVersionStatus& v) {
  if (!v.in_pepper_file) return "missing";
  if (v.current) return "current";
  if (v.retired) return "retired";
  return "old";
}

void PrintStatusText(std::uint32_t current, const std::vector<core::PepperVersionStatus>& all) {
  std::cout << "current pepper version: " << current << "\n";
  std::printf("%-8s %-8s %10s %15s %17s %13s\n", "VERSION", "STATE", "KEYS", "ACCOUNT TOKENS",
              "PREVIOUS SECRETS", "AUDIT EVENTS");
  for (const core::PepperVersionStatus& v : all) {
    std::printf("%-8u %-8s %10lld %15lld %17lld %13lld\n", v.version, StateOf(v),
                static_cast<long long>(v.use.keys), static_cast<long long>(v.use.account_tokens),
                static_cast<long long>(v.use.previous_secrets),
                static_cast<long long>(v.use.audit_events));
  }
  std::fflush(stdout);
}

void PrintStatusJson(std::uint32_t current, const std::vector<core::PepperVersionStatus>& all) {
  boost::json::array versions;
  for (const core::PepperVersionStatus& v : all) {
    versions.push_back(boost::json::object{{"version", v.version},
                                           {"state", StateOf(v)},
                                           {"current", v.current},
                                           {"retired", v.retired},
                                           {"inPepperFile", v.in_pepper_file},
                                           {"keys", v.use.keys},
                                           {"accountTokens", v.use.account_tokens},
                                           {"previousSecrets", v.use.previous_secrets},
                                           {"auditEvents", v.use.audit_events}});
  }
  std::cout << boost::json::serialize(boost::json::object{{"currentVersion", current},
                                                          {"versions", std::move(versions)}})
            << std::endl;
}

int RunStatus(const PepperArgs& args) {
  core::Result<std::unique_ptr<PepperStore>> opened = Open(args.config);
  if (!opened) return Fail("cannot read the pepper status", opened.error());
  PepperStore& s = **opened;
  core::Result<std::vector<core::PepperVersionStatus>> all =
      core::ReadPepperStatus(*s.opened.store, s.opened.peppers, s.clock.Now());
  if (!all) return Fail("cannot read the pepper status", all.error());
  const std::uint32_t current = s.opened.peppers.current_version();
  if (args.json) {
    PrintStatusJson(current, *all);
  } else {
    PrintStatusText(current, *all);
  }
  return 0;
}

core::Result<std::uint32_t> ParseVersionArg(const std::string& text) {
  std::uint32_t version = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (ec != std::errc() || end != text.data() + text.size() || version == 0) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, core::Msg::kPepperVersionInvalid,
                           {text});
  }
  return version;
}

int RunRetire(const PepperArgs& args) {
  core::Result<std::uint32_t> version = ParseVersionArg(args.version);
  if (!version) return Fail("cannot retire", version.error());
  core::Result<std::unique_ptr<PepperStore>> opened = Open(args.config);
  if (!opened) return Fail("cannot retire", opened.error());
  PepperStore& s = **opened;
  core::SecretHasher hasher(s.opened.peppers);
  core::KeyService keys(*s.chain, s.clock, s.random, hasher);
  // Run inside the unit of work that records the retirement: the file is read afresh there, so a
  // rotation that ran since the store was opened is kept.
  auto write_file = [&]() -> core::Status {
    KW_ASSIGN_OR_RETURN(const std::string text, storage::ReadPepperText(s.pepper_path));
    core::Result<core::PepperFileEdit> edit = core::RetirePepperVersion(text, *version);
    if (!edit && edit.error().code == core::ErrorCode::kAlreadyExists) return core::Ok();
    if (!edit) return edit.error();
    return storage::ReplacePepperFile(s.pepper_path, edit->contents);
  };
  core::Result<core::PepperRetirement> retired = core::RetirePepper(
      *s.chain, keys, s.opened.peppers, *version, args.disable_keys, s.clock, write_file);
  if (!retired) return Fail("cannot retire pepper version " + args.version, retired.error());
  std::cout << "retired pepper version " << *version << ": " << s.pepper_path
            << " keeps only its audit chain key, and no secret verifies under it any more.\n";
  if (!retired->disabled.empty()) {
    std::cout << "disabled " << retired->disabled.size() << " key(s) that still used it:";
    for (core::KeyId id : retired->disabled) std::cout << " " << id;
    std::cout << " (audited as apikey.disable)\n";
  }
  if (retired->already_disabled > 0) {
    std::cout << retired->already_disabled
              << " key(s) using it were disabled already; they can never verify again (rotate "
                 "their secret for a new one).\n";
  }
  std::cout << "Restart the server (every node, each given this same file).\n";
  return 0;
}

}  // namespace

void AddPepperCommands(CLI::App& app, ConfigLayers& layers, int& exit_code) {
  auto args = std::make_shared<PepperArgs>();
  CLI::App* pepper = app.add_subcommand(
      "pepper", "Rotate the pepper: add a version, see what each version protects, retire one");
  pepper->require_subcommand(1);

  CLI::App* rotate = pepper->add_subcommand(
      "rotate", "Add a new pepper version (current after a restart) and record it in the store");
  AddStoreOptions(*rotate, args->config);
  RunWithSettings(*rotate, layers, exit_code, [args] { return RunRotate(*args); });

  CLI::App* status = pepper->add_subcommand(
      "status", "Per pepper version: current or retired, keys, tokens and audit events under it");
  AddStoreOptions(*status, args->config);
  status->add_flag("--json", args->json, "As JSON")->group("Options");
  RunWithSettings(*status, layers, exit_code, [args] { return RunStatus(*args); });

  CLI::App* retire = pepper->add_subcommand(
      "retire", "Retire an old pepper version once no key uses it; audit events stay verifiable");
  AddStoreOptions(*retire, args->config);
  retire->add_option("VERSION", args->version, "The version to retire (see pepper status)")
      ->required()
      ->group("Options");
  retire
      ->add_flag("--disable-keys", args->disable_keys,
                 "Disable the keys that still use the version, then retire it")
      ->group("Options");
  RunWithSettings(*retire, layers, exit_code, [args] { return RunRetire(*args); });
}

}  // namespace keyward::app
