#!/usr/bin/env bash
# Fails if any C++ source differs from its clang-format formatting (.clang-format at the root).
set -euo pipefail
cd "${1:?usage: check_format.sh REPO_ROOT}"
mapfile -t files < <(find src tests bench fuzz -name '*.cpp' -o -name '*.hpp' 2>/dev/null | sort)
clang-format --dry-run -Werror "${files[@]}"
echo "clang-format: ${#files[@]} files clean"
