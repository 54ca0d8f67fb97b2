"""mod_sql with mod_sql_sqlite against a real SQLite file: logins (Crypt and mod_sql_passwd's SHA256), wrong
passwords, unknown users, a user name built to inject SQL, SQLMinID, SQLLog rows for STOR and RETR, and -t
connecting and preparing the named queries. The daemon runs for real on 127.0.0.1; clients are ftplib."""
import ftplib
import io
import os
import sqlite3
import tempfile
import threading
import unittest

import sqlfixture
import wardtest

INJECTION = "x' OR '1'='1"


@unittest.skipUnless(os.geteuid() == 0, "the SQL users have their own uids: needs root")
class SqlSqlite(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ward-sql-")
        os.chmod(self.tmp.name, 0o755)
        self.dbdir = os.path.join(self.tmp.name, "db")
        os.makedirs(self.dbdir)
        self.db = os.path.join(self.dbdir, "users.sqlite")
        self.homes = os.path.join(self.tmp.name, "homes")
        os.makedirs(self.homes)
        os.chmod(self.homes, 0o755)
        with sqlite3.connect(self.db) as conn:
            for statement in sqlfixture.SCHEMA:
                conn.execute(statement)
            conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)", sqlfixture.users(self.homes))
        # The SQL helper runs as the server's User (nobody): SQLite needs the file and its directory (journal).
        for path in (self.dbdir, self.db):
            os.chown(path, sqlfixture.NOBODY.pw_uid, sqlfixture.NOBODY.pw_gid)
        self.sql_log = os.path.join(self.tmp.name, "sql.log")

    def tearDown(self):
        self.tmp.cleanup()

    def daemon(self, extra=()):
        port = wardtest.free_port()
        text = sqlfixture.config(port, "sqlite3", self.db, self.sql_log, extra)
        return wardtest.Daemon(text, port=port)

    def connect(self, daemon):
        ftp = ftplib.FTP()
        ftp.connect(wardtest.LOOPBACK, daemon.port, timeout=20)
        return ftp

    def rows(self):
        with sqlite3.connect(self.db) as conn:
            return conn.execute("SELECT username, filename, bytes, command FROM xfers ORDER BY rowid").fetchall()

    def test_crypt_and_sha256_users_log_in(self):
        with self.daemon() as daemon:
            ftp = self.connect(daemon)
            self.assertTrue(ftp.login("alice", "alice-pw").startswith("230"), daemon.log())
            self.assertEqual(ftp.pwd(), "/")
            ftp.quit()
            ftp = self.connect(daemon)
            self.assertTrue(ftp.login("bob", "bob-pw").startswith("230"), daemon.log())
            ftp.quit()

    def test_wrong_password_unknown_user_and_injection_are_530(self):
        with self.daemon() as daemon:
            for user, password in (("alice", "wrong"), ("mallory", "alice-pw"), (INJECTION, "anything"),
                                   ("alice' --", "x"), ("bob", sqlfixture.sha256_hex("bob-pw"))):
                ftp = self.connect(daemon)
                with self.assertRaises(ftplib.error_perm, msg=user) as caught:
                    ftp.login(user, password)
                self.assertTrue(str(caught.exception).startswith("530"), (user, str(caught.exception)))
                # The session goes on after the refusal.
                self.assertTrue(ftp.login("alice", "alice-pw").startswith("230"))
                ftp.quit()
            log = daemon.log()
            self.assertIn("Incorrect password", log)
            self.assertIn("No such user found", log)
        with sqlite3.connect(self.db) as conn:
            self.assertEqual(conn.execute("SELECT COUNT(*) FROM users").fetchone()[0], 3)
        with open(self.sql_log, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("user 'alice': Incorrect password", text)
        self.assertIn("user 'alice': authenticated", text)

    def test_sqllog_rows_for_stor_and_retr(self):
        data = b"sql-logged upload\n" * 100
        with self.daemon() as daemon:
            ftp = self.connect(daemon)
            ftp.login("alice", "alice-pw")
            ftp.storbinary("STOR up.bin", io.BytesIO(data))
            got = io.BytesIO()
            ftp.retrbinary("RETR up.bin", got.write)
            ftp.quit()
            self.assertEqual(got.getvalue(), data)
        real = os.path.join(self.homes, "alice", "up.bin")
        self.assertEqual(self.rows(), [("alice", real, len(data), "STOR"), ("alice", real, len(data), "RETR")])

    def test_ids_below_sqlminid_become_sqldefaultuid(self):
        with self.daemon() as daemon:
            ftp = self.connect(daemon)
            self.assertTrue(ftp.login("lowid", "lowid-pw").startswith("230"), daemon.log())
            ftp.storbinary("STOR mine", io.BytesIO(b"x"))
            ftp.quit()
        st = os.stat(os.path.join(self.homes, "lowid", "mine"))
        self.assertEqual((st.st_uid, st.st_gid), (65533, 65533))

    def test_the_database_is_read_by_a_confined_helper_not_the_monitor(self):
        """While a lookup waits on a locked database, the process holding the SQLite file is found in /proc: a
        child of the session monitor running as the server's User (nobody), without capabilities, with
        no_new_privs and a seccomp filter, not holding the client's connection. The monitor holds no SQLite
        file at any time."""
        with self.daemon() as daemon:
            locker = sqlite3.connect(self.db, isolation_level=None)
            locker.execute("BEGIN EXCLUSIVE")
            ftp = self.connect(daemon)
            client_port = ftp.sock.getsockname()[1]
            result = {}
            login = threading.Thread(target=lambda: result.setdefault("reply", ftp.login("alice", "alice-pw")))
            login.start()

            def helper():
                for pid in [p for monitor in wardtest.children(daemon.proc.pid) for p in wardtest.children(monitor)]:
                    try:
                        links = [os.readlink("/proc/%d/fd/%s" % (pid, fd)) for fd in os.listdir("/proc/%d/fd" % pid)]
                    except OSError:
                        continue
                    if self.db in links:
                        return pid, links
                return None
            pid, links = wardtest.wait_for(helper, 5.0, "the SQL helper holding the database")
            status = wardtest.proc_status(pid)
            monitor = int(status["PPid"])
            holders = wardtest.holders_of_connection(daemon.port, client_port)
            locker.execute("ROLLBACK")
            login.join(20)
            self.assertTrue(result.get("reply", "").startswith("230"), daemon.log())
            ftp.quit()
        self.assertIn(monitor, holders)  # its parent is the session monitor
        self.assertNotIn(pid, holders)   # the helper never holds the client's connection
        self.assertEqual(status["Uid"], [sqlfixture.NOBODY.pw_uid] * 4)
        self.assertEqual(status["Gid"], [sqlfixture.NOBODY.pw_gid] * 4)
        self.assertEqual(int(status["CapEff"], 16), 0)
        self.assertEqual(int(status["CapPrm"], 16), 0)
        self.assertEqual(status["NoNewPrivs"], "1")
        self.assertEqual(status["Seccomp"], "2")
        sockets = [link for link in links if link.startswith("socket:")]
        self.assertEqual(len(sockets), 1, "the helper holds one socket, to its monitor: %r" % links)

    def test_check_prepares_every_query_and_names_the_line(self):
        port = wardtest.free_port()
        path = os.path.join(self.tmp.name, "good.conf")
        with open(path, "w") as f:
            f.write(sqlfixture.config(port, "sqlite3", self.db, self.sql_log))
        result = sqlfixture.check_config(path)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        bad = sqlfixture.config(port, "sqlite3", self.db, self.sql_log,
                                ["SQLNamedQuery broken SELECT \"nosuchcolumn FROM nosuchtable WHERE x = '%u'\""])
        path = os.path.join(self.tmp.name, "bad.conf")
        with open(path, "w") as f:
            f.write(bad)
        result = sqlfixture.check_config(path)
        self.assertNotEqual(result.returncode, 0)
        line = bad.splitlines().index(next(l for l in bad.splitlines() if "broken" in l)) + 1
        self.assertIn("bad.conf:%d" % line, result.stderr + result.stdout)
        self.assertIn("nosuchtable", result.stderr + result.stdout)

    def example(self, name, port):
        """A configuration of tests/config/data/sql/ on a real SQLite database made from its schema.sql."""
        data = os.path.join(wardtest.SOURCE_DIR, "tests", "config", "data", "sql")
        db = os.path.join(self.dbdir, "example.sqlite")
        if not os.path.exists(db):
            with open(os.path.join(data, "schema.sql"), encoding="utf-8") as f, sqlite3.connect(db) as conn:
                conn.executescript(f.read())
            os.chown(db, sqlfixture.NOBODY.pw_uid, sqlfixture.NOBODY.pw_gid)
        with open(os.path.join(data, name), encoding="utf-8") as f:
            text = f.read().replace("@DB@", db).replace("@LOG@", self.sql_log)
        base = ["ServerName \"doc example\"", "ServerType standalone", "DefaultAddress 127.0.0.1", "UseIPv6 off",
                "SocketBindTight on", "Port %d" % port, "RequireValidShell off", "UseFtpUsers off", "DefaultRoot ~"]
        return db, "\n".join(base) + "\n" + text

    def test_the_documentation_examples_load(self):
        data = os.path.join(wardtest.SOURCE_DIR, "tests", "config", "data", "sql")
        names = sorted(n for n in os.listdir(data) if n.endswith(".conf"))
        self.assertGreaterEqual(len(names), 5)
        for name in names:
            _, text = self.example(name, wardtest.free_port())
            path = os.path.join(self.tmp.name, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            result = sqlfixture.check_config(path)
            self.assertEqual(result.returncode, 0, "%s:\n%s%s" % (name, result.stdout, result.stderr))
            if name == "mod_sql_sqlite_usage.conf":
                self.assertIn("no SQLAuthTypes is configured, so no SQL user can log in", result.stderr)
            if name == "mod_sql_custom_queries.conf":
                self.assertIn("only the lookup by name ('get-user-by-name') is used", result.stderr)

    def test_the_user_info_example_works_unchanged(self):
        """SQLUserWhereClause refuses a user whose row it excludes; SQLLog PASS counts the logins."""
        port = wardtest.free_port()
        db, text = self.example("mod_sql_user_info.conf", port)
        home = os.path.join(self.homes, "carol")
        os.makedirs(home)
        os.chmod(home, 0o777)
        import crypt
        with sqlite3.connect(db) as conn:
            for user, allowed in (("carol", "true"), ("dave", "false")):
                conn.execute("INSERT INTO users (userid, passwd, uid, gid, homedir, shell, LoginAllowed) "
                             "VALUES (?, ?, 2902, 2902, ?, '/bin/sh', ?)",
                             (user, crypt.crypt("pw", crypt.mksalt(crypt.METHOD_SHA512)), home, allowed))
            conn.execute("INSERT INTO groups VALUES ('ftpgroup', 2902, ''), ('extra', 2950, 'carol,erin')")
        with wardtest.Daemon(text, port=port) as daemon:
            ftp = self.connect(daemon)
            self.assertTrue(ftp.login("carol", "pw").startswith("230"), daemon.log())
            ftp.quit()
            ftp = self.connect(daemon)
            with self.assertRaises(ftplib.error_perm):
                ftp.login("dave", "pw")
            ftp.close()
        with sqlite3.connect(db) as conn:
            counts = dict(conn.execute("SELECT userid, count FROM users").fetchall())
        self.assertEqual(counts, {"carol": 1, "dave": 0})

    def test_plaintext_is_refused_unless_allowed(self):
        port = wardtest.free_port()
        path = os.path.join(self.tmp.name, "plain.conf")
        text = sqlfixture.config(port, "sqlite3", self.db, self.sql_log, auth_types="Crypt Plaintext")
        with open(path, "w") as f:
            f.write(text)
        result = sqlfixture.check_config(path)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SQLPlaintextAllowed", result.stderr + result.stdout)
        with open(path, "w") as f:
            f.write(text + "SQLPlaintextAllowed on\n")
        result = sqlfixture.check_config(path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Plaintext passwords are accepted", result.stderr + result.stdout)


if __name__ == "__main__":
    unittest.main()
