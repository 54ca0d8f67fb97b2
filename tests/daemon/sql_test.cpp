// mod_sql's pieces without the daemon: %-variables become bound parameters (never SQL text), the helper's
// messages are bounded and canonical, rows decode or are refused with the reason, mod_sql_passwd's digests
// match ProFTPD's encodings, and the monitor's own id floor (SQLMinUserUID/GID). The lookups run against a
// real SQLite file.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "daemon/auth/password.hpp"
#include "daemon/monitor/sql_helper.hpp"
#include "daemon/sql/connection.hpp"
#include "daemon/sql/helper.hpp"
#include "daemon/sql/messages.hpp"
#include "daemon/sql/password_check.hpp"
#include "daemon/sql/query_template.hpp"
#include "daemon/sql/user_row.hpp"

namespace ward::sql {
namespace {

TEST(SqlQuery, QuotedVariablesBecomePlaceholders) {
    auto q = parse_query("SELECT passwd FROM users WHERE userid = '%U' AND host <> '%a'");
    ASSERT_TRUE(q) << q.error().message;
    EXPECT_EQ(render(*q, Placeholders::sqlite), "SELECT passwd FROM users WHERE userid = ?1 AND host <> ?2");
    EXPECT_EQ(render(*q, Placeholders::postgres), "SELECT passwd FROM users WHERE userid = $1 AND host <> $2");
    EXPECT_EQ(q->variables, (std::vector<std::string>{"U", "a"}));
}

TEST(SqlQuery, MixedLiteralsBareVariablesAndEscapes) {
    auto q = parse_query("INSERT INTO log VALUES ('%u@%a', %b, '100%%', 'it''s', %{transfer-status})");
    ASSERT_TRUE(q) << q.error().message;
    EXPECT_EQ(render(*q, Placeholders::sqlite),
              "INSERT INTO log VALUES ((CAST(?1 AS TEXT) || '@' || CAST(?2 AS TEXT)), ?3, '100%', 'it''s', ?4)");
    EXPECT_EQ(q->variables, (std::vector<std::string>{"u", "a", "b", "{transfer-status}"}));
}

TEST(SqlQuery, UnknownVariablesAndUnterminatedLiteralsAreErrors) {
    EXPECT_FALSE(parse_query("SELECT '%Z'"));
    EXPECT_FALSE(parse_query("SELECT %{env:HOME}"));
    EXPECT_FALSE(parse_query("SELECT 'open"));
    EXPECT_FALSE(parse_query("SELECT %"));
}

TEST(SqlQuery, ValuesNeverEnterTheText) {
    auto q = parse_query("SELECT 1 FROM users WHERE userid = '%U'");
    ASSERT_TRUE(q);
    const auto values = parameter_values(*q, [](std::string_view) { return std::string("x' OR '1'='1"); });
    EXPECT_EQ(values, (std::vector<std::string>{"x' OR '1'='1"}));
    EXPECT_EQ(render(*q, Placeholders::sqlite).find("OR"), std::string::npos);
}

TEST(SqlMessages, RoundTripAndLimits) {
    LookupAnswer answer;
    answer.status = LookupStatus::authenticated;
    answer.name = "alice";
    answer.uid = 2001;
    answer.gid = 2002;
    answer.home = "/srv/alice";
    answer.shell = "/bin/sh";
    answer.groups = {{3000, "staff"}};
    auto bytes = encode(answer);
    ASSERT_TRUE(bytes);
    auto decoded = decode(*bytes);
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(std::get<LookupAnswer>(*decoded), answer);

    EXPECT_FALSE(decode(*bytes + "x"));  // length mismatch
    std::string bad_status = *bytes;
    bad_status[8] = 9;
    EXPECT_FALSE(decode(bad_status));
    answer.name.assign(Limits::name + 1, 'a');
    EXPECT_FALSE(encode(answer));
    LogRequest log;
    log.variables.assign(Limits::variables + 1, {"u", "x"});
    EXPECT_FALSE(encode(log));
}

Settings row_settings() {
    Settings s;
    s.default_uid = 65533;
    s.default_gid = 65533;
    return s;
}

TEST(SqlRows, UserRowsDecodeOrAreRefusedWithTheReason) {
    const Settings s = row_settings();
    auto ok = decode_user_row({"alice", "hash", "2001", "2002", "/srv/alice", std::nullopt}, s);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->uid, 2001U);
    EXPECT_EQ(ok->shell, "");
    auto defaults = decode_user_row({"bob", "hash", std::nullopt, std::nullopt, "/srv/bob", "/bin/sh"}, s);
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->uid, 65533U);
    EXPECT_FALSE(decode_user_row({"alice", "hash", "2001"}, s));                                      // columns
    EXPECT_FALSE(decode_user_row({"alice", "hash", "-1", "2", "/h", "/s"}, s));                       // uid
    EXPECT_FALSE(decode_user_row({"alice", "hash", "4294967295", "2", "/h", "/s"}, s));               // uid -1
    EXPECT_FALSE(decode_user_row({"alice", "hash", "1", "2", "relative", "/s"}, s));                  // home
    EXPECT_FALSE(decode_user_row({"alice", "hash", "1", "2", std::nullopt, "/s"}, s));                // no home
    EXPECT_FALSE(decode_user_row({"a/b", "hash", "1", "2", "/h", "/s"}, s));                          // name
    EXPECT_FALSE(decode_user_row({"alice", std::nullopt, "1", "2", "/h", "/s"}, s));                  // passwd
    Settings with_home = s;
    with_home.default_home = "/srv/default";
    EXPECT_EQ(decode_user_row({"c", "h", "1", "2", "", "/s"}, with_home)->home, "/srv/default");
}

TEST(SqlPasswords, Sha256AndSha512InProFtpdsEncodings) {
    EXPECT_EQ(encoded_digest(AuthType::sha256, Encoding::hex_lower, "abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(encoded_digest(AuthType::sha256, Encoding::hex_upper, "abc"),
              "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
    EXPECT_EQ(encoded_digest(AuthType::sha256, Encoding::base64, "abc"), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    EXPECT_EQ(encoded_digest(AuthType::sha512, Encoding::hex_lower, "abc").substr(0, 16), "ddaf35a193617aba");

    Settings s;
    s.auth_types = {AuthType::sha256};
    EXPECT_TRUE(check_password(s, "abc", encoded_digest(AuthType::sha256, Encoding::hex_lower, "abc"), {}));
    EXPECT_FALSE(check_password(s, "abd", encoded_digest(AuthType::sha256, Encoding::hex_lower, "abc"), {}));
    s.user_salt.source = SaltSource::name;
    s.user_salt.prepend = true;
    EXPECT_TRUE(check_password(s, "pw", encoded_digest(AuthType::sha256, Encoding::hex_lower, "alicepw"), {"alice"}));
    s.user_salt.prepend = false;
    EXPECT_TRUE(check_password(s, "pw", encoded_digest(AuthType::sha256, Encoding::hex_lower, "pwalice"), {"alice"}));
    EXPECT_FALSE(check_password(s, "", "", {}));  // an empty stored password never matches
    s.auth_types = {AuthType::crypt};
    EXPECT_TRUE(check_password(s, "secret", auth::hash_password("secret"), {}));
    EXPECT_FALSE(check_password(s, "secret", "secret", {}));  // not Plaintext unless configured
}

class SqlLookup : public ::testing::Test {
protected:
    void SetUp() override {
        char dir[] = "/tmp/ward-sql-unit-XXXXXX";  // NOLINT(cppcoreguidelines-avoid-c-arrays)
        ASSERT_NE(::mkdtemp(dir), nullptr);
        dir_ = dir;
        settings_.backend = Backend::sqlite;
        settings_.database = dir_ + "/users.sqlite";
        settings_.auth = true;
        settings_.auth_types = {AuthType::crypt};
        settings_.user_query = *parse_query("SELECT userid, passwd, uid, gid, homedir, shell FROM users WHERE userid = '%U'");
        // Create the file, then the table, through the same connection code.
        ::close(::open(settings_.database.c_str(), O_CREAT | O_WRONLY, 0600));
        auto db = connect(settings_);
        ASSERT_TRUE(db) << db.error().message;
        ASSERT_TRUE((*db)->run(literal_query("CREATE TABLE users (userid TEXT, passwd TEXT, uid INT, gid INT, "
                                             "homedir TEXT, shell TEXT)"),
                               {}));
        auto insert = parse_query("INSERT INTO users VALUES ('%U', '%f', 2001, 2001, '/srv/alice', '/bin/sh')");
        ASSERT_TRUE((*db)->run(*insert, {"alice", auth::hash_password("alice-pw")}));
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    LookupAnswer ask(const std::string& user, const std::string& password) {
        LookupRequest request;
        request.variables = {{"U", user}};
        request.password = password;
        return lookup(settings_, request);
    }

    std::string dir_;
    Settings settings_;
};

TEST_F(SqlLookup, AuthenticatedRefusedUnknownAndInjectionShapedNames) {
    const auto ok = ask("alice", "alice-pw");
    EXPECT_EQ(ok.status, LookupStatus::authenticated) << ok.reason;
    EXPECT_EQ(ok.home, "/srv/alice");
    EXPECT_EQ(ask("alice", "wrong").status, LookupStatus::refused);
    EXPECT_EQ(ask("mallory", "alice-pw").status, LookupStatus::no_such_user);
    EXPECT_EQ(ask("x' OR '1'='1", "alice-pw").status, LookupStatus::no_such_user);
    EXPECT_EQ(ask("alice' --", "alice-pw").status, LookupStatus::no_such_user);
}

TEST_F(SqlLookup, AMissingDatabaseIsAnErrorNotAnEmptyNewFile) {
    settings_.database = dir_ + "/nope.sqlite";
    const auto answer = ask("alice", "alice-pw");
    EXPECT_EQ(answer.status, LookupStatus::error);
    EXPECT_FALSE(std::filesystem::exists(settings_.database));
    EXPECT_FALSE(check(settings_).problems.empty());
}

TEST(SqlMonitor, IdsBelowTheFloorBecomeTheDefaultsAndSupplementaryGroupsObeyIt) {
    Settings s;
    s.min_uid = 1000;
    s.min_gid = 1000;
    LookupAnswer answer;
    answer.status = LookupStatus::authenticated;
    answer.name = "root-ish";
    answer.uid = 0;
    answer.gid = 0;
    answer.home = "/srv/x";
    answer.groups = {{27, "sudo"}, {3000, "staff"}};
    const auto out = monitor::SqlHelper::to_backend_answer(s, answer);
    ASSERT_EQ(out.verdict, auth::Verdict::authenticated);
    EXPECT_EQ(out.account->uid, 65533U);
    EXPECT_EQ(out.account->gid, 65533U);
    EXPECT_EQ(out.account->groups, (std::vector<gid_t>{65533, 3000}));
    answer.home = "relative";
    EXPECT_EQ(monitor::SqlHelper::to_backend_answer(s, answer).verdict, auth::Verdict::error);
}

}  // namespace
}  // namespace ward::sql
