"""mod_sql with mod_sql_postgres against a real PostgreSQL server the test starts: Debian's postgresql package,
a throw-away cluster (initdb) in a temporary directory, run as an unprivileged user, listening on 127.0.0.1 on a
free port, stopped at the end. Logins, a wrong password, an injection-shaped name, SQLLog rows, -t, and the
database going away mid-session: a clear error, no crash, and the next login works once it is back."""
import ftplib
import glob
import io
import os
import subprocess
import tempfile
import time
import unittest

import sqlfixture
import wardtest

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
DB_PASSWORD = "ftpd-secret"


def as_nobody(args, **kwargs):
    nobody = sqlfixture.NOBODY
    cmd = ["setpriv", "--reuid", str(nobody.pw_uid), "--regid", str(nobody.pw_gid), "--clear-groups", "--"] + args
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120, **kwargs)


class Cluster:
    """A PostgreSQL cluster owned by nobody in `base`."""

    def __init__(self, base):
        self.bin = PG_BIN[-1]
        self.data = os.path.join(base, "pgdata")
        self.sockets = os.path.join(base, "pgsock")
        self.log = os.path.join(base, "pg.log")
        self.port = wardtest.free_port()
        for path in (self.data, self.sockets):
            os.makedirs(path)
            os.chown(path, sqlfixture.NOBODY.pw_uid, sqlfixture.NOBODY.pw_gid)
        open(self.log, "w").close()
        os.chown(self.log, sqlfixture.NOBODY.pw_uid, sqlfixture.NOBODY.pw_gid)
        as_nobody([os.path.join(self.bin, "initdb"), "-D", self.data, "-U", "postgres", "--auth-local=trust",
                   "--auth-host=scram-sha-256", "-E", "UTF8"], cwd="/")

    def start(self):
        as_nobody([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-l", self.log, "-w", "-o",
                   "-p %d -k %s -c listen_addresses=127.0.0.1" % (self.port, self.sockets), "start"], cwd="/")

    def stop(self):
        subprocess.run(["setpriv", "--reuid", str(sqlfixture.NOBODY.pw_uid), "--regid", str(sqlfixture.NOBODY.pw_gid),
                        "--clear-groups", "--", os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "fast", "-w",
                        "stop"], capture_output=True, timeout=120, cwd="/")

    def sql(self, statement, database="ftpdb"):
        return as_nobody([os.path.join(self.bin, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h",
                          self.sockets, "-p", str(self.port), "-U", "postgres", "-d", database, "-c", statement],
                         cwd="/").stdout


def literal(value):
    return "'" + str(value).replace("'", "''") + "'"


@unittest.skipUnless(os.geteuid() == 0 and PG_BIN, "needs root and Debian's postgresql package (scripts/setup)")
class SqlPostgres(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="ward-pg-")
        os.chmod(cls.tmp.name, 0o755)
        cls.cluster = Cluster(cls.tmp.name)
        cls.cluster.start()
        cls.homes = os.path.join(cls.tmp.name, "homes")
        os.makedirs(cls.homes)
        os.chmod(cls.homes, 0o755)
        cls.cluster.sql("CREATE ROLE ftpd LOGIN PASSWORD %s" % literal(DB_PASSWORD), database="postgres")
        cls.cluster.sql("CREATE DATABASE ftpdb OWNER ftpd", database="postgres")
        for statement in sqlfixture.SCHEMA:
            cls.cluster.sql(statement)
        cls.cluster.sql("ALTER TABLE users OWNER TO ftpd; ALTER TABLE xfers OWNER TO ftpd")
        for row in sqlfixture.users(cls.homes):
            cls.cluster.sql("INSERT INTO users VALUES (%s)" % ", ".join(literal(v) for v in row))
        cls.sql_log = os.path.join(cls.tmp.name, "sql.log")

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop()
        cls.tmp.cleanup()

    def setUp(self):
        self.cluster.sql("DELETE FROM xfers")

    def config(self, port):
        info = "ftpdb@127.0.0.1:%d ftpd %s" % (self.cluster.port, DB_PASSWORD)
        return sqlfixture.config(port, "postgres", info, self.sql_log)

    def daemon(self):
        port = wardtest.free_port()
        return wardtest.Daemon(self.config(port), port=port)

    def connect(self, daemon):
        ftp = ftplib.FTP()
        ftp.connect(wardtest.LOOPBACK, daemon.port, timeout=30)
        return ftp

    def test_login_wrong_password_injection_and_sqllog(self):
        data = b"to postgres\n" * 50
        with self.daemon() as daemon:
            for user, password in (("alice", "wrong"), ("x' OR '1'='1", "x"), ("nobody-here", "x")):
                ftp = self.connect(daemon)
                with self.assertRaises(ftplib.error_perm) as caught:
                    ftp.login(user, password)
                self.assertTrue(str(caught.exception).startswith("530"), (user, str(caught.exception)))
                ftp.close()
            ftp = self.connect(daemon)
            self.assertTrue(ftp.login("alice", "alice-pw").startswith("230"), daemon.log())
            ftp.storbinary("STOR pg.bin", io.BytesIO(data))
            got = io.BytesIO()
            ftp.retrbinary("RETR pg.bin", got.write)
            ftp.quit()
            ftp = self.connect(daemon)
            self.assertTrue(ftp.login("bob", "bob-pw").startswith("230"), daemon.log())
            ftp.quit()
        real = os.path.join(self.homes, "alice", "pg.bin")
        rows = self.cluster.sql("SELECT username, filename, bytes, command FROM xfers ORDER BY command DESC")
        self.assertEqual(rows.split(), ["alice|%s|%d|STOR" % (real, len(data)), "alice|%s|%d|RETR" % (real, len(data))])
        self.assertEqual(self.cluster.sql("SELECT COUNT(*) FROM users").strip(), "3")

    def test_check_connects_and_prepares(self):
        path = os.path.join(self.tmp.name, "check.conf")
        with open(path, "w") as f:
            f.write(self.config(wardtest.free_port()))
        result = sqlfixture.check_config(path)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(path, "w") as f:
            f.write(self.config(wardtest.free_port()).replace(DB_PASSWORD, "not-the-password"))
        result = sqlfixture.check_config(path)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("check.conf:", result.stderr + result.stdout)
        self.assertIn("password authentication failed", result.stderr + result.stdout)

    def test_database_going_away_mid_session(self):
        with self.daemon() as daemon:
            ftp = self.connect(daemon)
            self.assertTrue(ftp.login("alice", "alice-pw").startswith("230"))
            self.cluster.stop()
            try:
                # SQLLog without IGNORE_ERRORS: the row cannot be written, so the session ends with 421, as
                # ProFTPD ends it; the upload itself is complete.
                with self.assertRaises(ftplib.error_temp) as caught:
                    ftp.storbinary("STOR during-outage", io.BytesIO(b"data"))
                self.assertTrue(str(caught.exception).startswith("421"), str(caught.exception))
                ftp.close()
                # A new login while the database is down: 530, with the reason in the log.
                ftp = self.connect(daemon)
                with self.assertRaises(ftplib.error_perm) as caught:
                    ftp.login("alice", "alice-pw")
                self.assertTrue(str(caught.exception).startswith("530"))
                ftp.close()
                self.assertIsNone(daemon.proc.poll(), "the daemon must survive the outage")
            finally:
                self.cluster.start()
            ftp = self.connect(daemon)
            self.assertTrue(ftp.login("alice", "alice-pw").startswith("230"), daemon.log())
            ftp.quit()
            log = daemon.log()
            self.assertIn("SQLLog STOR upload", log)
            self.assertIn("SQL backend error: PostgreSQL: cannot connect", log)
        with open(os.path.join(self.homes, "alice", "during-outage"), "rb") as f:
            self.assertEqual(f.read(), b"data")


if __name__ == "__main__":
    unittest.main()
