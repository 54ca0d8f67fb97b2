"""The static-analysis gate must fail on planted bugs: proves scripts/lint is not vacuous."""
import os
import subprocess
import tempfile
import unittest

SOURCE_DIR = os.environ.get("WARD_SOURCE_DIR", os.getcwd())
LINT = os.path.join(SOURCE_DIR, "scripts", "lint")

# bugprone-use-after-move (clang-tidy); cppcheck: arrayIndexOutOfBounds.
TIDY_BUG = r"""
#include <string>
#include <utility>
std::string consume(std::string s) { return s; }
int main() {
    std::string a = "x";
    std::string b = consume(std::move(a));
    return static_cast<int>(a.size() + b.size());
}
"""
CPPCHECK_BUG = r"""
int main() {
    int a[4] = {0, 1, 2, 3};
    return a[4];
}
"""
CLEAN = r"""
#include <string>
int main() {
    const std::string a = "x";
    return static_cast<int>(a.size());
}
"""


class GatesBite(unittest.TestCase):
    def lint(self, text, tools="tidy cppcheck"):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "planted.cpp")
            with open(path, "w") as f:
                f.write(text)
            env = dict(os.environ, WARD_LINT_TOOLS=tools)
            return subprocess.run([LINT, "--files", path], capture_output=True, text=True, env=env)

    def test_clang_tidy_catches_use_after_move(self):
        result = self.lint(TIDY_BUG, tools="tidy")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("bugprone-use-after-move", result.stdout + result.stderr)

    def test_cppcheck_catches_out_of_bounds(self):
        result = self.lint(CPPCHECK_BUG, tools="cppcheck")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("arrayIndexOutOfBounds", result.stdout + result.stderr)

    def test_clean_file_passes(self):
        result = self.lint(CLEAN)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)


if __name__ == "__main__":
    unittest.main()
