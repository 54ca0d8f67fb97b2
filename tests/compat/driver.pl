#!/usr/bin/env perl
# Runs the tests of one file of ProFTPD's regression suite, or some of them, exactly as the file itself would
# (Test::Unit::HarnessUnit on the class the file names). Run from the suite's tests/ folder:
#   perl driver.pl t/config/umask.t                  every runnable test of the file
#   perl driver.pl t/config/umask.t umask_server     only these (skipped ones are named on stderr)
#   perl driver.pl --list t/config/umask.t           the names of the runnable tests, one a line
# "Runnable" is the suite's own choice (testsuite_get_runnable_tests: modules in `-l`, root or not, ...).
use strict;
use warnings;
use lib 't/lib';
use Test::Unit::HarnessUnit;

my $list = @ARGV && $ARGV[0] eq '--list' ? shift(@ARGV) : undef;
my $file = shift(@ARGV) or die "usage: driver.pl [--list] FILE.t [TEST ...]\n";
open(my $fh, '<', $file) or die "$file: $!\n";
my $text = do { local $/; <$fh> };
close($fh);
my ($class) = $text =~ /->start\(\s*["']([\w:]+)["']\s*\)/ or die "$file: names no test class\n";
eval "require $class; 1" or die $@;

my @runnable = grep { $_ ne 'testsuite_empty_test' } $class->list_tests();
if ($list) {
  print "$_\n" for @runnable;
  exit(0);
}
if (@ARGV) {
  my %runnable = map { $_ => 1 } @runnable;
  my @chosen = grep { $runnable{$_} } @ARGV;
  print STDERR "not runnable here: $_\n" for grep { !$runnable{$_} } @ARGV;
  no strict 'refs';
  no warnings 'redefine';
  *{"${class}::list_tests"} = sub { return @chosen ? @chosen : ('testsuite_empty_test') };
}
$| = 1;
Test::Unit::HarnessUnit->new()->start($class);
