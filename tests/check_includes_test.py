"""The include check refuses what it must: fed a small source tree with one bad include, it fails
and names the file, the line and the rule; fed the same tree without it, it passes."""
import io
import os
import tempfile
import unittest
from contextlib import redirect_stdout

import check_includes


class IncludeCheck(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.src = self.dir.name
        # A tree that follows every rule.
        self.write("core/result.hpp", "#pragma once\n#include <string>\n")
        self.write("core/store/store.hpp", '#include "core/result.hpp"\n')
        self.write("core/roles/role_rules.hpp", '#include "core/store/store.hpp"\n')
        self.write("core/keys/key_service.hpp", '#include "core/roles/role_rules.hpp"\n')
        self.write("core/accounts/account_service.hpp", '#include "core/keys/key_service.hpp"\n')
        self.write("core/keys/key_service_test.cpp",
                   '#include "core/keys/key_service.hpp"\n#include "testing/key_fixture.hpp"\n')
        self.write("testing/key_fixture.hpp", '#include "core/keys/key_service.hpp"\n')
        self.write("storage/sqlite/sqlite_store.hpp", '#include "core/store/store.hpp"\n')
        self.write("http/v1/keys.cpp", '#include "core/keys/key_service.hpp"\n')

    def tearDown(self):
        self.dir.cleanup()

    def write(self, rel, text):
        path = os.path.join(self.src, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def run_check(self):
        out = io.StringIO()
        with redirect_stdout(out):
            code = check_includes.main(["check_includes.py", self.src])
        return code, out.getvalue()

    def assert_refused(self, *expected):
        code, out = self.run_check()
        self.assertEqual(code, 1, out)
        for text in expected:
            self.assertIn(text, out)

    def test_a_tree_that_follows_the_direction_passes(self):
        code, out = self.run_check()
        self.assertEqual(code, 0, out)
        self.assertIn("9 files follow the dependency direction", out)

    def test_a_pgtest_is_a_test_and_may_include_the_postgres_fixture(self):
        self.write("testing/postgres/pg_server.hpp", '#include "core/result.hpp"\n')
        self.write("storage/sqlite/sqlite_store_pgtest.cpp",
                   '#include "storage/sqlite/sqlite_store.hpp"\n'
                   '#include "testing/postgres/pg_server.hpp"\n')
        code, out = self.run_check()
        self.assertEqual(code, 0, out)
        self.write("storage/sqlite/sqlite_store.cpp", '#include "testing/postgres/pg_server.hpp"\n')
        self.assert_refused("storage/sqlite/sqlite_store.cpp:1",
                            "production code includes the test fixture")

    def test_a_folder_below_including_one_above_fails(self):
        self.write("core/store/store.hpp",
                   '#include "core/result.hpp"\n#include "core/keys/key_service.hpp"\n')
        self.assert_refused("core/store/store.hpp:2", "core/store may not include core/keys")

    def test_keys_including_accounts_fails(self):
        # accounts may include keys, so keys including accounts would make the two a cycle.
        self.write("core/keys/key_rules.cpp", '#include "core/accounts/account_service.hpp"\n')
        self.assert_refused("core/keys/key_rules.cpp:1", "core/keys may not include core/accounts")

    def test_a_core_test_including_storage_fails(self):
        self.write("core/keys/key_index_test.cpp", '#include "storage/sqlite/sqlite_store.hpp"\n')
        self.assert_refused("core/keys/key_index_test.cpp:1",
                            "core/keys may not include storage/sqlite")

    def test_a_core_fixture_including_storage_fails(self):
        self.write("testing/key_fixture.hpp", '#include "storage/sqlite/sqlite_store.hpp"\n')
        self.assert_refused("testing/key_fixture.hpp:1", "testing may not include storage/sqlite")

    def test_production_code_including_a_fixture_fails(self):
        self.write("http/v1/keys.cpp", '#include "testing/key_fixture.hpp"\n')
        self.assert_refused("http/v1/keys.cpp:1", "production code includes the test fixture")

    def test_core_including_boost_fails(self):
        self.write("core/roles/role_rules.hpp", "#include <boost/json.hpp>\n")
        self.assert_refused("core/roles/role_rules.hpp:1", "core stays free of Boost")

    def test_a_folder_without_a_rule_fails(self):
        self.write("core/quotas/quota.hpp", '#include "core/result.hpp"\n')
        self.assert_refused("folder 'core/quotas' has no rule")

    def test_the_rules_have_no_cycle(self):
        # No two folders include each other, directly or through others.
        state = {}

        def visit(folder, path):
            if state.get(folder) == "done":
                return
            self.assertNotEqual(state.get(folder), "open", " -> ".join(path + [folder]))
            state[folder] = "open"
            for below in check_includes.ALLOWED[folder]:
                visit(below, path + [folder])
            state[folder] = "done"

        for folder in check_includes.ALLOWED:
            visit(folder, [])


if __name__ == "__main__":
    unittest.main()
