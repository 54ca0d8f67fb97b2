"""Fuzzing evidence is complete (issue 8): every harness in fuzz/ has a dictionary and a seed corpus, and
SECURITY.md's generated coverage table (scripts/fuzz-coverage --write) has a row for each of its target
files with a coverage figure. A new harness fails this gate until the table is regenerated."""
import os
import re
import sys
import unittest

SOURCE_DIR = os.environ.get("WARD_SOURCE_DIR", os.getcwd())
sys.path.insert(0, os.path.join(SOURCE_DIR, "fuzz"))
import harnesses  # noqa: E402


class FuzzEvidence(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(SOURCE_DIR, "SECURITY.md"), encoding="utf-8") as f:
            self.rows = harnesses.table_rows(f.read())

    def test_every_harness_has_a_dictionary_and_a_seed_corpus(self):
        for name in harnesses.names(SOURCE_DIR):
            folder = os.path.join(SOURCE_DIR, "fuzz", name)
            with self.subTest(name):
                self.assertGreater(os.path.getsize(os.path.join(folder, name + ".dict")), 0)
                seeds = os.listdir(os.path.join(folder, "corpus"))
                self.assertGreaterEqual(len(seeds), 2, "fuzz/%s/corpus needs seeds" % name)

    def test_every_harness_names_its_targets(self):
        for name in harnesses.names(SOURCE_DIR):
            with self.subTest(name):
                self.assertTrue(harnesses.targets(name, SOURCE_DIR),
                                "fuzz_%s.cpp's opening comment names no target .cpp" % name)

    def test_security_md_has_a_coverage_row_for_every_harness_target(self):
        self.assertTrue(self.rows, "SECURITY.md has no %s table" % harnesses.TABLE_OPEN)
        have = {(row[0], row[1]): row for row in self.rows}
        for name in harnesses.names(SOURCE_DIR):
            for target in harnesses.targets(name, SOURCE_DIR):
                with self.subTest(harness=name, target=target):
                    row = have.get((name, target))
                    self.assertIsNotNone(row, "no coverage row: run scripts/fuzz-coverage --write")
                    self.assertRegex(row[3], r"^\d+\.\d% \(\d+/\d+\)$")
                    self.assertRegex(row[4], r"^\d+\.\d% \(\d+/\d+\)$")

    def test_table_lists_no_harness_that_is_gone(self):
        names = set(harnesses.names(SOURCE_DIR))
        for row in self.rows:
            self.assertIn(row[0], names, "SECURITY.md lists a removed harness")


if __name__ == "__main__":
    unittest.main()
