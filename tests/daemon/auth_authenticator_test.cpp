#include "daemon/auth/authenticator.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "daemon/auth/password.hpp"

namespace ward::auth {
namespace {

class Authenticator : public ::testing::Test {
protected:
    void SetUp() override {
        char dir[] = "/tmp/ward-auth-XXXXXX";
        ASSERT_NE(::mkdtemp(dir), nullptr);
        dir_ = dir;
        settings_.order = {AuthStep{AuthSource::file}};
        settings_.user_file = dir_ + "/ftpd.passwd";
        settings_.group_file = dir_ + "/ftpd.group";
        const std::string hash = hash_password("pw", "$6$");
        write(settings_.user_file, "alice:" + hash + ":2001:2001::/srv/alice:/bin/sh\n" +
                                       "nosh:" + hash + ":2002:2001::/srv/nosh:/nonexistent/shell\n" +
                                       "toor:" + hash + ":0:0::/root:/bin/sh\n",
              0600);
        write(settings_.group_file, "ftp:x:2001:\nextra:x:2005:alice\n", 0600);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    static void write(const std::string& path, const std::string& text, mode_t mode) {
        std::ofstream(path) << text;
        ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    }
    std::string dir_;
    AuthSettings settings_;
};

TEST_F(Authenticator, VirtualUserWithGroupsFromAuthGroupFile) {
    const auto outcome = authenticate(settings_, "alice", "pw");
    ASSERT_TRUE(outcome.account) << outcome.reason;
    EXPECT_EQ(outcome.account->uid, 2001U);
    EXPECT_EQ(outcome.account->group_name, "ftp");
    EXPECT_EQ(outcome.account->groups, (std::vector<gid_t>{2001, 2005}));
    EXPECT_EQ(outcome.account->group_names, (std::vector<std::string>{"ftp", "extra"}));
    EXPECT_EQ(outcome.account->source, AuthSource::file);
}

TEST_F(Authenticator, WrongPasswordAndUnknownUserFailWithReasons) {
    EXPECT_EQ(authenticate(settings_, "alice", "nope").reason, "Incorrect password");
    EXPECT_EQ(authenticate(settings_, "mallory", "pw").reason, "No such user found");
    EXPECT_EQ(authenticate(settings_, "a/b", "pw").reason, "unacceptable user name");
}

TEST_F(Authenticator, RootLoginIsOffByDefault) {
    EXPECT_EQ(authenticate(settings_, "toor", "pw").reason, "User not authorized for login: root (RootLogin is off)");
    settings_.root_login = true;
    EXPECT_TRUE(authenticate(settings_, "toor", "pw").account);
}

TEST_F(Authenticator, RequireValidShell) {
    EXPECT_EQ(authenticate(settings_, "nosh", "pw").reason,
              "Invalid shell: '/nonexistent/shell' (not in /etc/shells; RequireValidShell)");
    settings_.require_valid_shell = false;
    EXPECT_TRUE(authenticate(settings_, "nosh", "pw").account);
}

TEST_F(Authenticator, GroupWritableAuthUserFileIsRefused) {
    ASSERT_EQ(::chmod(settings_.user_file.c_str(), 0620), 0);
    const auto outcome = authenticate(settings_, "alice", "pw");
    EXPECT_FALSE(outcome.account);
    EXPECT_EQ(outcome.reason, "No such user found");
}

TEST_F(Authenticator, FindAccountNeedsNoPassword) {
    const auto outcome = find_account(settings_, "alice");
    ASSERT_TRUE(outcome.account);
    EXPECT_EQ(outcome.account->home, "/srv/alice");
}

TEST_F(Authenticator, SystemAccountsFollowAuthOrder) {
    settings_.order = {AuthStep{AuthSource::file}, AuthStep{AuthSource::system}};
    const auto nobody = find_account(settings_, "nobody");
    ASSERT_TRUE(nobody.account) << nobody.reason;
    EXPECT_EQ(nobody.account->source, AuthSource::system);
    EXPECT_EQ(find_account(settings_, "alice").account->source, AuthSource::file);
}

// An <Anonymous> Group is looked up as ProFTPD's pr_auth_getgrnam: AuthGroupFile when mod_auth_file.c is in
// AuthOrder, then the system's database.
TEST_F(Authenticator, GroupIdsFromAuthGroupFileThenTheSystem) {
    EXPECT_EQ(find_group_id(settings_, "extra"), std::optional<gid_t>(2005));
    EXPECT_EQ(find_group_id(settings_, "root"), std::optional<gid_t>(0));
    EXPECT_EQ(find_group_id(settings_, "no-such-group-here"), std::nullopt);
    settings_.order = {AuthStep{AuthSource::system}};
    EXPECT_EQ(find_group_id(settings_, "extra"), std::nullopt);
}

TEST(AuthNames, AcceptableUserNames) {
    EXPECT_TRUE(acceptable_user_name("anonymous"));
    EXPECT_FALSE(acceptable_user_name(""));
    EXPECT_FALSE(acceptable_user_name("a\nb"));
    EXPECT_FALSE(acceptable_user_name("../etc"));
    EXPECT_FALSE(acceptable_user_name(std::string(257, 'a')));
}

}  // namespace
}  // namespace ward::auth
