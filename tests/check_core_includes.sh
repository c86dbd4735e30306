#!/usr/bin/env bash
# Fails if src/core includes a Boost, SQLite or libpq header: core stays free of them (STYLE.md).
set -euo pipefail
dir=${1:?usage: check_core_includes.sh SRC_CORE_DIR}
bad=$(grep -rnE '^\s*#\s*include\s*[<"](boost/|sqlite3|libpq|pqxx|postgresql/)' "$dir" || true)
if [[ -n "$bad" ]]; then
  echo "src/core must not include Boost, SQLite or libpq headers:"
  echo "$bad"
  exit 1
fi
echo "src/core: no Boost, SQLite or libpq includes ($(find "$dir" -name '*.[ch]pp' | wc -l) files checked)"
