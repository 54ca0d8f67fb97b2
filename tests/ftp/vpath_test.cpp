#include "daemon/ftp/vpath.hpp"

#include <gtest/gtest.h>

namespace ward::ftp {
namespace {

TEST(ResolveVirtual, JoinsAndNormalizes) {
    EXPECT_EQ(resolve_virtual("/", "a"), "/a");
    EXPECT_EQ(resolve_virtual("/a", "b/c"), "/a/b/c");
    EXPECT_EQ(resolve_virtual("/a/b", ".."), "/a");
    EXPECT_EQ(resolve_virtual("/a/b", "../../.."), "/");
    EXPECT_EQ(resolve_virtual("/a", "/x//y/./z/"), "/x/y/z");
    EXPECT_EQ(resolve_virtual("/a", ""), "/a");
    EXPECT_EQ(resolve_virtual("/a", "."), "/a");
    EXPECT_EQ(resolve_virtual("/", "../etc/passwd"), "/etc/passwd");
    EXPECT_EQ(resolve_virtual("/a", "...") , "/a/...");
    EXPECT_EQ(resolve_virtual("/a", "b c"), "/a/b c");
}

TEST(ResolveVirtual, TildeMeansHome) {
    EXPECT_EQ(resolve_virtual("/x", "~", "/home/u"), "/home/u");
    EXPECT_EQ(resolve_virtual("/x", "~/d/../e", "/home/u"), "/home/u/e");
    EXPECT_EQ(resolve_virtual("/x", "~user", "/home/u"), "/x/~user");
}

TEST(IsNormalizedVirtual, AcceptsOnlyCanonicalForms) {
    EXPECT_TRUE(is_normalized_virtual("/"));
    EXPECT_TRUE(is_normalized_virtual("/a/b"));
    for (const char* bad : {"", "a", "/a/", "//a", "/a/./b", "/a/../b", "/..", "/."}) {
        EXPECT_FALSE(is_normalized_virtual(bad)) << bad;
    }
}

TEST(VirtualPieces, ParentBasenameRelative) {
    EXPECT_EQ(virtual_parent("/a/b"), "/a");
    EXPECT_EQ(virtual_parent("/a"), "/");
    EXPECT_EQ(virtual_parent("/"), "/");
    EXPECT_EQ(virtual_basename("/a/b"), "b");
    EXPECT_EQ(virtual_basename("/"), "");
    EXPECT_EQ(relative_to_root("/"), ".");
    EXPECT_EQ(relative_to_root("/a/b"), "a/b");
}

TEST(RealPath, JoinsRootAndVirtual) {
    EXPECT_EQ(real_path("/srv/ftp", "/"), "/srv/ftp");
    EXPECT_EQ(real_path("/srv/ftp/", "/a"), "/srv/ftp/a");
    EXPECT_EQ(real_path("/", "/a"), "/a");
    EXPECT_EQ(real_path("/", "/"), "/");
}

TEST(QuoteFor257, DoublesQuotes) { EXPECT_EQ(quote_for_257("/say \"hi\""), "/say \"\"hi\"\""); }

}  // namespace
}  // namespace ward::ftp
