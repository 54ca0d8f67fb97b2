"""The hardening checker must fail on a binary built without hardening: proves the gate is not vacuous."""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, "check_hardening.py")
CC = os.environ.get("WARD_C_COMPILER", "cc")

SAMPLE = r"""
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    char buf[64];
    strcpy(buf, argc > 1 ? argv[1] : "x");
    printf("%s\n", buf);
    return 0;
}
"""


class CheckerCatchesUnhardened(unittest.TestCase):
    def build(self, flags):
        tmp = tempfile.mkdtemp(prefix="ward-hardening-")
        src = os.path.join(tmp, "sample.c")
        out = os.path.join(tmp, "sample")
        with open(src, "w") as f:
            f.write(SAMPLE)
        subprocess.run([CC, src, "-o", out, *flags], check=True, capture_output=True)
        return out

    def run_checker(self, binary):
        return subprocess.run([sys.executable, CHECKER, binary], capture_output=True, text=True)

    def test_unhardened_binary_fails_every_check(self):
        binary = self.build(["-O0", "-no-pie", "-fno-stack-protector", "-U_FORTIFY_SOURCE",
                             "-fcf-protection=none", "-z", "execstack", "-Wl,-z,norelro", "-Wl,-z,lazy"])
        result = self.run_checker(binary)
        self.assertEqual(result.returncode, 1, result.stdout)
        for reason in ["not a position-independent executable", "no RELRO segment", "executable stack",
                       "no stack protector", "no FORTIFY_SOURCE checks", "no CET landing pads"]:
            self.assertIn(reason, result.stdout)

    def test_partial_relro_is_caught(self):
        binary = self.build(["-O2", "-D_FORTIFY_SOURCE=3", "-fstack-protector-all", "-fcf-protection=full",
                             "-fPIE", "-pie", "-Wl,-z,relro", "-Wl,-z,lazy", "-Wl,-z,noexecstack"])
        result = self.run_checker(binary)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("lazy binding", result.stdout)
        self.assertNotIn("not a position-independent executable", result.stdout)

    def test_hardened_sample_passes(self):
        binary = self.build(["-O2", "-D_FORTIFY_SOURCE=3", "-fstack-protector-all", "-fcf-protection=full",
                             "-fPIE", "-pie", "-Wl,-z,relro", "-Wl,-z,now", "-Wl,-z,noexecstack"])
        result = self.run_checker(binary)
        self.assertEqual(result.returncode, 0, result.stdout)


if __name__ == "__main__":
    unittest.main()
