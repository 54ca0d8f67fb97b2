// The AuthOrder chain with scripted backends in the PAM and SQL slots: ProFTPD's dispatch rules (next module
// on "no such user", a refusal ends the attempt, PAM declines unless authoritative, '*' makes any answer
// final, an error always ends the attempt).
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "daemon/auth/authenticator.hpp"
#include "daemon/auth/password.hpp"

namespace ward::auth {
namespace {

class Scripted final : public Backend {
public:
    explicit Scripted(BackendAnswer answer) : answer_(std::move(answer)) {}
    BackendAnswer authenticate(std::string_view /*name*/, std::string_view /*password*/) override {
        ++calls;
        return answer_;
    }
    std::optional<PasswdEntry> find(std::string_view /*name*/) override { return answer_.entry; }
    int calls = 0;

private:
    BackendAnswer answer_;
};

PasswdEntry entry(std::string name, uid_t uid) {
    PasswdEntry e;
    e.name = std::move(name);
    e.uid = uid;
    e.gid = uid;
    e.home = "/srv";
    e.shell = "/bin/sh";
    return e;
}

class AuthChain : public ::testing::Test {
protected:
    void SetUp() override {
        char dir[] = "/tmp/ward-chain-XXXXXX";
        ASSERT_NE(::mkdtemp(dir), nullptr);
        dir_ = dir;
        settings_.user_file = dir_ + "/ftpd.passwd";
        std::ofstream(settings_.user_file) << "alice:" << hash_password("filepw", "$6$")
                                           << ":2001:2001::/srv/alice:/bin/sh\n";
        ASSERT_EQ(::chmod(settings_.user_file.c_str(), 0600), 0);
        settings_.require_valid_shell = false;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string dir_;
    AuthSettings settings_;
};

TEST_F(AuthChain, NonAuthoritativePamFailureLetsTheNextModuleTry) {
    Scripted pam({Verdict::refused, std::nullopt, "Incorrect password"});
    settings_.order = {AuthStep{AuthSource::pam}, AuthStep{AuthSource::file}};
    const auto outcome = authenticate(settings_, "alice", "filepw", Backends{.pam = &pam});
    ASSERT_TRUE(outcome.account) << outcome.reason;
    EXPECT_EQ(outcome.account->source, AuthSource::file);
    EXPECT_EQ(pam.calls, 1);
}

TEST_F(AuthChain, AuthoritativePamFailureEndsTheAttempt) {
    Scripted pam({Verdict::refused, std::nullopt, "Account disabled"});
    settings_.order = {AuthStep{AuthSource::pam, true}, AuthStep{AuthSource::file}};
    const auto outcome = authenticate(settings_, "alice", "filepw", Backends{.pam = &pam});
    EXPECT_FALSE(outcome.account);
    EXPECT_EQ(outcome.reason, "Account disabled");
}

TEST_F(AuthChain, AuthoritativeNoSuchUserEndsTheAttempt) {
    settings_.order = {AuthStep{AuthSource::system, true}, AuthStep{AuthSource::file}};
    const auto outcome = authenticate(settings_, "alice", "filepw");
    EXPECT_FALSE(outcome.account);
    EXPECT_EQ(outcome.reason, "No such user found");
    settings_.order = {AuthStep{AuthSource::system}, AuthStep{AuthSource::file}};
    EXPECT_TRUE(authenticate(settings_, "alice", "filepw").account);
}

TEST_F(AuthChain, PamSuccessTakesTheAccountFromTheOtherSources) {
    Scripted pam({Verdict::authenticated, std::nullopt, {}});
    settings_.order = {AuthStep{AuthSource::pam, true}, AuthStep{AuthSource::file}};
    const auto outcome = authenticate(settings_, "alice", "the PAM password", Backends{.pam = &pam});
    ASSERT_TRUE(outcome.account) << outcome.reason;
    EXPECT_EQ(outcome.account->uid, 2001U);
    settings_.order = {AuthStep{AuthSource::pam, true}};
    EXPECT_EQ(authenticate(settings_, "alice", "x", Backends{.pam = &pam}).reason, "No such user found");
}

TEST_F(AuthChain, ABackendErrorEndsTheAttemptEvenWhenNotAuthoritative) {
    Scripted pam({Verdict::error, std::nullopt, "the PAM helper timed out"});
    settings_.order = {AuthStep{AuthSource::pam}, AuthStep{AuthSource::file}};
    const auto outcome = authenticate(settings_, "alice", "filepw", Backends{.pam = &pam});
    EXPECT_FALSE(outcome.account);
    EXPECT_EQ(outcome.reason, "mod_auth_pam.c: the PAM helper timed out");
}

TEST_F(AuthChain, AnUnavailableBackendFailsClosed) {
    settings_.order = {AuthStep{AuthSource::sql}, AuthStep{AuthSource::file}};
    EXPECT_EQ(authenticate(settings_, "alice", "filepw").reason, "mod_sql.c is in AuthOrder but not available");
}

TEST_F(AuthChain, AuthPamOffDeclinesEveryName) {
    Scripted pam({Verdict::authenticated, std::nullopt, {}});
    settings_.pam = false;
    settings_.order = {AuthStep{AuthSource::pam, true}, AuthStep{AuthSource::file}};
    EXPECT_TRUE(authenticate(settings_, "alice", "filepw", Backends{.pam = &pam}).account);
    EXPECT_EQ(pam.calls, 0);
}

TEST_F(AuthChain, ASqlBackendWithAccountsIsAskedInItsPlace) {
    Scripted sql({Verdict::authenticated, entry("bob", 3000), {}});
    settings_.order = {AuthStep{AuthSource::file}, AuthStep{AuthSource::sql}};
    const auto outcome = authenticate(settings_, "bob", "x", Backends{.sql = &sql});
    ASSERT_TRUE(outcome.account) << outcome.reason;
    EXPECT_EQ(outcome.account->source, AuthSource::sql);
    EXPECT_EQ(find_account(settings_, "bob", Backends{.sql = &sql}).account->uid, 3000U);
}

TEST_F(AuthChain, ASourceWithItsOwnGroupsKeepsThemAndStillMeetsRootLogin) {
    // mod_sql.c's answer: the account with SQLGroupInfo's groups, taken as it is.
    Account sql_account;
    sql_account.name = "carol";
    sql_account.uid = 3100;
    sql_account.gid = 3100;
    sql_account.home = "/srv/carol";
    sql_account.shell = "/bin/sh";
    sql_account.group_name = "ftpusers";
    sql_account.groups = {3100, 4000};
    sql_account.group_names = {"ftpusers", "uploaders"};
    BackendAnswer answer{Verdict::authenticated, std::nullopt, {}};
    answer.account = sql_account;
    Scripted sql(answer);
    settings_.order = {AuthStep{AuthSource::sql}, AuthStep{AuthSource::file}};
    const auto outcome = authenticate(settings_, "carol", "x", Backends{.sql = &sql});
    ASSERT_TRUE(outcome.account) << outcome.reason;
    EXPECT_EQ(outcome.account->source, AuthSource::sql);
    EXPECT_EQ(outcome.account->groups, (std::vector<gid_t>{3100, 4000}));
    EXPECT_EQ(outcome.account->group_names, (std::vector<std::string>{"ftpusers", "uploaders"}));

    answer.account->uid = 0;
    Scripted root(answer);
    EXPECT_EQ(authenticate(settings_, "carol", "x", Backends{.sql = &root}).reason,
              "User not authorized for login: root (RootLogin is off)");
}

TEST_F(AuthChain, AKnownUserWithAWrongPasswordEndsTheAttempt) {
    Scripted sql({Verdict::authenticated, entry("alice", 3000), {}});
    settings_.order = {AuthStep{AuthSource::file}, AuthStep{AuthSource::sql}};
    EXPECT_EQ(authenticate(settings_, "alice", "wrong", Backends{.sql = &sql}).reason, "Incorrect password");
    EXPECT_EQ(sql.calls, 0);
}

}  // namespace
}  // namespace ward::auth
