"""Shared set-up of the mod_sql tests (test_sql_sqlite.py, test_sql_postgres.py): the users table ProFTPD's
mod_sql documentation describes, users' homes, and a configuration for the real daemon on 127.0.0.1."""
import crypt
import hashlib
import os
import pwd

import wardtest

# uid/gid of the SQL users: above SQLMinID, owned by nobody else on the machine.
USER_UID = 2901
USER_GID = 2901
NOBODY = pwd.getpwnam("nobody")

SCHEMA = [
    "CREATE TABLE users (userid VARCHAR(64) PRIMARY KEY, passwd VARCHAR(256), uid INTEGER, gid INTEGER, "
    "homedir VARCHAR(256), shell VARCHAR(64))",
    "CREATE TABLE xfers (username VARCHAR(64), filename VARCHAR(1024), bytes BIGINT, command VARCHAR(16))",
]


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


def users(root):
    """(userid, passwd, uid, gid, homedir, shell) rows: a crypt user, a SHA256 (hex) user, a user whose uid is
    below SQLMinID, and each one's home under root (made here)."""
    rows = [
        ("alice", crypt.crypt("alice-pw", crypt.mksalt(crypt.METHOD_SHA512)), USER_UID, USER_GID, "alice", "/bin/sh"),
        ("bob", sha256_hex("bob-pw"), USER_UID, USER_GID, "bob", "/bin/sh"),
        ("lowid", crypt.crypt("lowid-pw", crypt.mksalt(crypt.METHOD_SHA512)), 5, 5, "lowid", "/bin/sh"),
    ]
    out = []
    for name, hashed, uid, gid, home, shell in rows:
        path = os.path.join(root, home)
        os.makedirs(path, exist_ok=True)
        os.chmod(path, 0o777)  # written by the SQL users and by SQLDefaultUID (65533)
        out.append((name, hashed, uid, gid, path, shell))
    return out


def config(port, backend, connect_info, log_file, extra=(), auth_types="Crypt SHA256"):
    return "\n".join([
        'ServerName "sql test"',
        "ServerType standalone",
        "DefaultAddress 127.0.0.1",
        "SocketBindTight on",
        "UseIPv6 off",
        "Port %d" % port,
        "MaxInstances 50",
        "RequireValidShell off",
        "UseFtpUsers off",
        "DefaultRoot ~",
        "AuthOrder mod_sql.c",
        "SQLEngine on",
        "SQLBackend %s" % backend,
        "SQLConnectInfo %s" % connect_info,
        "SQLAuthenticate users",
        "SQLAuthTypes %s" % auth_types,
        "SQLUserInfo users userid passwd uid gid homedir shell",
        "SQLMinID 1000",
        "SQLLogFile %s" % log_file,
        "SQLNamedQuery upload INSERT \"'%u', '%f', %b, '%m'\" xfers",
        "SQLNamedQuery download FREEFORM \"INSERT INTO xfers (username, filename, bytes, command) "
        "VALUES ('%u', '%f', %b, '%m')\"",
        "SQLLog STOR upload",
        "SQLLog RETR download",
    ] + list(extra)) + "\n"


def check_config(path):
    import subprocess
    return subprocess.run([wardtest.WARDFTPD, "-t", "-c", path], capture_output=True, text=True, timeout=60)
