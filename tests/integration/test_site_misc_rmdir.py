"""SITE RMDIR of the bundled mod_site_misc.c: a directory tree removed inside the session's root, symlinks
removed and never followed, <Limit WRITE> (SITE_RMDIR is in the WRITE group) refusing it on the wire."""
import ftplib
import os
import unittest

import test_modules


class SiteRmdir(unittest.TestCase):
    # The module fixture of test_modules.py (a trusted module directory, a signed mod_site_misc, a config),
    # borrowed without its tests.
    setUp = test_modules.Modules.setUp
    tearDown = test_modules.Modules.tearDown
    install = test_modules.Modules.install
    config = test_modules.Modules.config
    daemon = test_modules.Modules.daemon
    login = test_modules.Modules.login

    def start(self, extra=()):
        self.install("mod_site_misc")
        return self.daemon(["mod_site_misc.c"], extra=extra)

    def test_removes_a_tree_and_not_what_its_links_point_to(self):
        outside = os.path.join(self.tmp, "outside")
        os.makedirs(outside)
        with open(os.path.join(outside, "keep.txt"), "w") as f:
            f.write("keep")
        os.makedirs(os.path.join(self.root, "tree", "a", "b"))
        with open(os.path.join(self.root, "tree", "a", "b", "f.txt"), "w") as f:
            f.write("x")
        os.symlink(outside, os.path.join(self.root, "tree", "link"))
        daemon, port = self.start()
        with daemon:
            ftp = self.login(port)
            self.assertIn(" RMDIR", ftp.sendcmd("SITE HELP"))
            self.assertEqual(ftp.sendcmd("SITE RMDIR tree"), "200 SITE RMDIR command successful")
            self.assertFalse(os.path.exists(os.path.join(self.root, "tree")))
            self.assertTrue(os.path.exists(os.path.join(outside, "keep.txt")))
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.sendcmd("SITE RMDIR missing")
            self.assertTrue(str(caught.exception).startswith("550"))
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.sendcmd("SITE RMDIR /")
            self.assertTrue(str(caught.exception).startswith("550"))
            ftp.quit()
        self.assertTrue(os.path.isdir(self.root))

    def test_limit_write_refuses_it(self):
        os.makedirs(os.path.join(self.root, "kept"))
        daemon, port = self.start(["<Limit WRITE>", "  DenyAll", "</Limit>"])
        with daemon:
            ftp = self.login(port)
            with self.assertRaises(ftplib.error_perm) as caught:
                ftp.sendcmd("SITE RMDIR kept")
            self.assertTrue(str(caught.exception).startswith("550"), str(caught.exception))
            ftp.quit()
        self.assertTrue(os.path.isdir(os.path.join(self.root, "kept")))


if __name__ == "__main__":
    unittest.main()
