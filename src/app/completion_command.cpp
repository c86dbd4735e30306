#include "app/completion_command.hpp"

#include <iostream>
#include <map>
#include <memory>
#include <vector>

namespace keyward::app {
namespace {

// What the completion knows of one command, by its path from the program ("keyward" is the
// program, "keyward keys create" a subcommand's subcommand; bash has no empty key).
struct CommandWords {
  std::vector<std::string> subcommands;
  std::vector<std::string> options;         // every name: --long and -s
  std::vector<std::string> valued_options;  // those followed by a value
};

void Collect(const CLI::App& command, const std::string& path,
             std::map<std::string, CommandWords>& out) {
  CommandWords& words = out[path];
  for (const CLI::Option* option : command.get_options()) {
    // An option without a group is hidden from --help; the completion hides it too.
    if (!option->nonpositional() || option->get_group().empty()) continue;
    std::vector<std::string> names;
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    for (const std::string& name : option->get_snames()) names.push_back("-" + name);
    for (const std::string& name : names) {
      words.options.push_back(name);
      if (option->get_expected_max() > 0) words.valued_options.push_back(name);
    }
  }
  for (const CLI::App* sub : command.get_subcommands({})) {
    if (sub->get_group().empty()) continue;
    words.subcommands.push_back(sub->get_name());
    Collect(*sub, path + " " + sub->get_name(), out);
  }
}

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : " ") + word;
  return out;
}

// One `[key]='value'` line per command with something to say (names are CLI11 names: letters,
// digits and dashes, never a quote).
std::string ArrayLines(const std::map<std::string, CommandWords>& commands,
                       std::vector<std::string> CommandWords::*field) {
  std::string out;
  for (const auto& [path, words] : commands) {
    if ((words.*field).empty()) continue;
    out += "    ['" + path + "']='" + Joined(words.*field) + "'\n";
  }
  return out;
}

}  // namespace

std::string BashCompletionScript(const CLI::App& app) {
  std::map<std::string, CommandWords> commands;
  Collect(app, "keyward", commands);
  // The words before the cursor are walked from the program's name: a word that names a
  // subcommand of the command reached so far goes down into it; an option that takes a value
  // (written apart, not as --option=value) skips the word after it; after `help` the words name
  // commands again (`keyward help keys create`). Then the word under the cursor is completed: an
  // option of the command reached, else one of its subcommands, and after an option that takes
  // a value nothing, which leaves bash's file name completion (`complete -o default`). The
  // program is named keyward here whatever argv[0] was.
  return "# bash completion for keyward, made by `keyward completion bash` from the program's "
         "own\n# commands and options.\n"
         "_keyward_complete() {\n"
         "  local -A subcommands=(\n" +
         ArrayLines(commands, &CommandWords::subcommands) +
         "  )\n"
         "  local -A options=(\n" +
         ArrayLines(commands, &CommandWords::options) +
         "  )\n"
         "  local -A valued=(\n" +
         ArrayLines(commands, &CommandWords::valued_options) +
         "  )\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} path=keyward helping='' word i=1\n"
         "  while ((i < COMP_CWORD)); do\n"
         "    word=${COMP_WORDS[i]}\n"
         "    if [[ $word == -* ]]; then\n"
         "      [[ \" ${valued[$path]} \" == *\" $word \"* ]] && ((i++))\n"
         "    elif [[ $path == keyward && -z $helping && $word == help ]]; then\n"
         "      helping=1\n"
         "    elif [[ \" ${subcommands[$path]} \" == *\" $word \"* ]]; then\n"
         "      path+=\" $word\"\n"
         "    fi\n"
         "    ((i++))\n"
         "  done\n"
         "  COMPREPLY=()\n"
         "  ((i > COMP_CWORD)) && return 0\n"
         "  [[ $cur == = || ${COMP_WORDS[COMP_CWORD - 1]} == = ]] && return 0\n"
         "  if [[ $cur == -* ]]; then\n"
         "    [[ -n $helping ]] && path='keyward help'\n"
         "    mapfile -t COMPREPLY < <(compgen -W \"${options[$path]}\" -- \"$cur\")\n"
         "  else\n"
         "    mapfile -t COMPREPLY < <(compgen -W \"${subcommands[$path]}\" -- \"$cur\")\n"
         "  fi\n"
         "  return 0\n"
         "}\n"
         "complete -o default -F _keyward_complete keyward\n";
}

void AddCompletionCommand(CLI::App& app) {
  auto* completion = app.add_subcommand(
      "completion", "Print a shell completion script: source <(keyward completion bash)");
  auto shell = std::make_shared<std::string>();
  completion->add_option("shell", *shell, "The shell; only bash")
      ->required()
      ->check(CLI::IsMember({"bash"}));
  completion->callback([&app, shell] {
    if (*shell == "bash") std::cout << BashCompletionScript(app);
  });
}

}  // namespace keyward::app
