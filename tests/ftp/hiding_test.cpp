// HideFiles, HideUser, HideGroup and HideNoAccess decided as ProFTPD's dir_hide_file and dir_check_op(OP_HIDE).
#include "daemon/ftp/hiding.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "daemon/ftp/posix_regex.hpp"

namespace ward::ftp {
namespace {

FileFacts entry(std::uint32_t mode, std::uint32_t uid, std::uint32_t gid) {
    FileFacts f;
    f.mode = mode;
    f.uid = uid;
    f.gid = gid;
    return f;
}

HideRules files(const std::string& pattern, bool negated) {
    HideRules rules;
    auto re = PosixRegex::compile(pattern);
    EXPECT_TRUE(re) << re.error().message;
    if (!re) {
        return rules;
    }
    rules.files = std::make_shared<const PosixRegex>(std::move(*re));
    rules.files_negated = negated;
    return rules;
}

constexpr EntryOwner kAlice{"alice", "staff"};
const FileFacts kReadable = entry(S_IFREG | 0644, 1000, 100);

TEST(Hiding, NothingConfiguredHidesNothing) {
    EXPECT_FALSE(hidden_entry(HideRules{}, ".secret", kReadable, kAlice, 1000, 100));
    EXPECT_FALSE(hidden_by_name(HideRules{}, ".secret"));
}

TEST(Hiding, HideFilesAndItsNegation) {
    const HideRules dots = files("^\\.", false);
    EXPECT_TRUE(hidden_entry(dots, ".secret", kReadable, kAlice, 1000, 100));
    EXPECT_FALSE(hidden_entry(dots, "a.txt", kReadable, kAlice, 1000, 100));
    const HideRules only = files("^(pub|incoming)$", true);  // "!regex": hide what does not match
    EXPECT_FALSE(hidden_by_name(only, "pub"));
    EXPECT_TRUE(hidden_by_name(only, "private"));
}

TEST(Hiding, HideUserTheFirstEntryNamingTheOwnerDecides) {
    HideRules rules;
    rules.users = {{"bob", false}};
    EXPECT_TRUE(hidden_entry(rules, "f", kReadable, EntryOwner{"bob", "staff"}, 1000, 100));
    EXPECT_FALSE(hidden_entry(rules, "f", kReadable, kAlice, 1000, 100));
    // "!alice": everything alice does not own is hidden, hers is shown.
    rules.users = {{"alice", true}};
    EXPECT_FALSE(hidden_entry(rules, "f", kReadable, kAlice, 1000, 100));
    EXPECT_TRUE(hidden_entry(rules, "f", kReadable, EntryOwner{"bob", "staff"}, 1000, 100));
    // An inverted entry that does not name the owner decides before the next one is read.
    rules.users = {{"carol", true}, {"bob", true}};
    EXPECT_TRUE(hidden_entry(rules, "f", kReadable, EntryOwner{"bob", "staff"}, 1000, 100));
}

TEST(Hiding, HideGroupComparesTheGroupName) {
    HideRules rules;
    rules.groups = {{"wheel", false}};
    EXPECT_TRUE(hidden_entry(rules, "f", kReadable, EntryOwner{"alice", "wheel"}, 1000, 100));
    EXPECT_FALSE(hidden_entry(rules, "f", kReadable, kAlice, 1000, 100));
}

TEST(Hiding, HideNoAccessReadForFilesSearchForDirectories) {
    HideRules rules;
    rules.no_access = true;
    const FileFacts closed = entry(S_IFREG | 0600, 2000, 200);
    const FileFacts unsearchable = entry(S_IFDIR | 0644, 2000, 200);
    const FileFacts group_readable = entry(S_IFREG | 0640, 2000, 100);
    EXPECT_TRUE(hidden_entry(rules, "f", closed, kAlice, 1000, 100));
    EXPECT_TRUE(hidden_entry(rules, "d", unsearchable, kAlice, 1000, 100));
    EXPECT_FALSE(hidden_entry(rules, "g", group_readable, kAlice, 1000, 100));
    EXPECT_FALSE(hidden_entry(rules, "f", kReadable, kAlice, 1000, 100));
    EXPECT_FALSE(hidden_entry(rules, "f", closed, kAlice, 0, 0));  // root reads everything
    // A name that does not exist can only be hidden by HideFiles.
    EXPECT_FALSE(hidden_by_name(rules, "new.txt"));
}

}  // namespace
}  // namespace ward::ftp
