#!/usr/bin/env python3
"""The include check: every #include "..." under src/ runs with the dependency direction of
docs/architecture.md, and core stays free of Boost, SQLite and libpq.

Usage: check_includes.py SRC_DIR
Exit 0 when every include is allowed; 1 with one line per offending include otherwise.

A file's folder is the path below src/ without the file name ("core/keys", "http/v1"). A quoted
include names a project header by its path below src/. The rules:
- A folder may include its own headers and those of the folders ALLOWED lists for it; the lists
  form no cycle, so no two folders include each other.
- Production code never includes a test double or fixture (src/testing/); tests (*_test.cpp, and
  *_pgtest.cpp, those that need PostgreSQL) and src/testing/ may, and a core test only the fixtures core's own tests use, which themselves
  include nothing from src/storage.
- core includes no Boost, SQLite or libpq header, test code included.
"""
import os
import re
import sys

CORE_ALL = [
    "core", "core/crypto", "core/net", "core/store", "core/roles", "core/keys", "core/audit",
    "core/verification", "core/accounts",
]

# Who may include whom, besides itself. Read from the bottom up: the root of core is the shared
# vocabulary; each folder above it may include the ones below.
ALLOWED = {
    "core": [],
    "core/crypto": ["core"],
    "core/net": ["core"],
    "core/store": ["core", "core/crypto", "core/net"],
    "core/roles": ["core", "core/crypto", "core/net", "core/store"],
    "core/audit": ["core", "core/crypto", "core/net", "core/store"],
    "core/keys": ["core", "core/crypto", "core/net", "core/store", "core/roles"],
    "core/verification": ["core", "core/crypto", "core/net", "core/store"],
    "core/accounts": ["core", "core/crypto", "core/net", "core/store", "core/roles", "core/keys",
                      "core/verification"],
    "storage": CORE_ALL,
    # The SQL unit of work both SQL stores share, over its connection seam.
    "storage/sql": CORE_ALL,
    "storage/sqlite": CORE_ALL + ["storage", "storage/sql"],
    "storage/postgres": CORE_ALL + ["storage", "storage/sql"],
    "http": CORE_ALL,
    "http/transport": CORE_ALL + ["http"],
    "http/v1": CORE_ALL + ["http"],
    "http/console": CORE_ALL + ["http"],
    # The dialects share the native API's collaborators (v1::Services) and nothing else of it.
    "http/ds": CORE_ALL + ["http", "http/v1"],
    "http/visionone": CORE_ALL + ["http", "http/v1"],
    "http/front": CORE_ALL + ["http", "http/v1", "http/console", "http/ds", "http/visionone"],
    "siem": CORE_ALL,
    "cli": CORE_ALL,
    "app": CORE_ALL + ["storage", "storage/sqlite", "storage/postgres", "http", "http/transport", "http/v1",
                       "http/console", "http/ds", "http/visionone", "http/front", "siem", "cli"],
    # Test doubles and fixtures. The top of src/testing serves core's tests, so it includes
    # nothing but core; the rest serve the layer they are named for.
    "testing": CORE_ALL,
    "testing/store_contract": CORE_ALL + ["testing", "storage"],
    "testing/http": CORE_ALL + ["testing", "http", "http/transport", "http/v1", "http/console",
                                "http/ds", "http/visionone", "http/front"],
    "testing/cli": ["cli"],
    "testing/siem": CORE_ALL + ["siem"],
    # The throwaway PostgreSQL server of the tests that need one.
    "testing/postgres": CORE_ALL,
}

# What the tests of each layer may include from src/testing.
TEST_FIXTURES = {
    "core": ["testing"],
    "storage": ["testing", "testing/store_contract", "testing/postgres"],
    "http": ["testing", "testing/http"],
    "siem": ["testing/siem"],
    "cli": ["testing/cli"],
    "app": ["testing"],
    "testing": ["testing/store_contract"],
}

FORBIDDEN_IN_CORE = re.compile(r"^(boost/|sqlite3|libpq|pqxx|postgresql/)")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
SOURCE = re.compile(r"\.(cpp|hpp|h|cc)$")


def layer(folder):
    return folder.split("/")[0]


def known_folder(path, folders):
    """The longest known folder that `path` (a header path below src/) lives in, or None."""
    parts = path.split("/")[:-1]
    while parts:
        candidate = "/".join(parts)
        if candidate in folders:
            return candidate
        parts.pop()
    return None


def check_file(src, rel):
    problems = []
    folder = os.path.dirname(rel)
    if folder not in ALLOWED:
        return [f"{rel}: folder '{folder}' has no rule in tests/check_includes.py (add it, and "
                f"its line in docs/architecture.md)"]
    with open(os.path.join(src, rel), encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            kind, target = m.groups()
            where = f"{rel}:{number}"
            if layer(folder) == "core" and FORBIDDEN_IN_CORE.match(target):
                problems.append(f"{where}: core includes <{target}>: core stays free of Boost, "
                                f"SQLite and libpq")
                continue
            if kind == "<":
                continue
            target_folder = known_folder(target, ALLOWED)
            if target_folder is None:
                problems.append(f"{where}: \"{target}\" is not a header of a known folder")
                continue
            if target_folder == folder:
                continue
            # *_pgtest.cpp: tests named apart because they need a PostgreSQL server.
            is_test = rel.endswith(("_test.cpp", "_pgtest.cpp"))
            if layer(target_folder) == "testing" and layer(folder) != "testing" and not is_test:
                problems.append(f"{where}: production code includes the test fixture \"{target}\"")
                continue
            allowed = ALLOWED[folder]
            if is_test:
                allowed = allowed + TEST_FIXTURES.get(layer(folder), [])
                # A test outside core may put together the folders of its own layer (an http
                # test runs the front door over the real transport); core's tests may not.
                if layer(folder) not in ("core", "testing"):
                    allowed = allowed + [f for f in ALLOWED if layer(f) == layer(folder)]
            if target_folder not in allowed:
                problems.append(f"{where}: {folder} may not include {target_folder} (\"{target}\"); "
                                f"{folder} may include: "
                                f"{', '.join(allowed) or 'nothing but itself'}")
    return problems


def main(argv):
    if len(argv) != 2:
        print("usage: check_includes.py SRC_DIR", file=sys.stderr)
        return 2
    src = argv[1]
    problems = []
    count = 0
    for root, _, files in os.walk(src):
        for name in sorted(files):
            if not SOURCE.search(name):
                continue
            rel = os.path.relpath(os.path.join(root, name), src).replace(os.sep, "/")
            count += 1
            problems.extend(check_file(src, rel))
    if problems:
        print("includes that run against the dependency direction (docs/architecture.md):")
        for p in sorted(problems):
            print("  " + p)
        return 1
    print(f"includes: {count} files follow the dependency direction")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
