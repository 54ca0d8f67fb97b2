-- The tables mod_sql's documentation uses by default (SQLUserInfo users userid passwd uid gid homedir shell,
-- SQLGroupInfo groups groupname gid members) and the log tables of its SQLNamedQuery examples.
CREATE TABLE users (userid TEXT PRIMARY KEY, passwd TEXT, uid INTEGER, gid INTEGER, homedir TEXT, shell TEXT,
                    count INTEGER DEFAULT 0, LoginAllowed TEXT DEFAULT 'true');
CREATE TABLE groups (groupname TEXT, gid INTEGER, members TEXT);
CREATE TABLE accesslog (date TEXT, user TEXT);
CREATE TABLE xferlog (username TEXT, filename TEXT, bytes INTEGER, command TEXT, stamp TEXT);
