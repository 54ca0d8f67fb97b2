// ward_bench_client: the load generator behind bench/run. One workload per call, one JSON line of figures on
// stdout (an {"error": ...} line and exit status 1 on failure). Talks only to 127.0.0.1.
//
//   ward_bench_client logins   --port P --user U --pass W --concurrency N --seconds S [--max N]
//   ward_bench_client retr     --port P --user U --pass W --file REMOTE
//   ward_bench_client stor     --port P --user U --pass W --local PATH --file REMOTE
//   ward_bench_client small    --port P --user U --pass W --dir REMOTE_DIR --count N
//   ward_bench_client list     --port P --user U --pass W --dir REMOTE_DIR --verb LIST|MLSD --repeat N
//   ward_bench_client hook     --port P --user U --pass W --file REMOTE --count N
//   ward_bench_client idle     --port P --user U --pass W --sessions N   (prints {"ready": n}, then waits for
//                                                                        stdin to close)
//   ward_bench_client loopback --local PATH [--sink PATH]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "bench/client/ftp_control.hpp"
#include "bench/client/workloads.hpp"

namespace {

using ward::bench::BenchError;

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

class Args {
public:
    Args(int argc, char** argv) {
        for (int i = 2; i + 1 < argc; i += 2) {
            std::string_view key = argv[i];
            if (key.substr(0, 2) != "--") {
                throw BenchError("expected --option, got " + std::string(key));
            }
            values_[std::string(key.substr(2))] = argv[i + 1];
        }
    }
    [[nodiscard]] std::string get(const std::string& key, const std::string& fallback = "") const {
        const auto it = values_.find(key);
        if (it != values_.end()) {
            return it->second;
        }
        if (fallback.empty()) {
            throw BenchError("missing --" + key);
        }
        return fallback;
    }
    [[nodiscard]] unsigned long number(const std::string& key, const std::string& fallback = "") const {
        return std::stoul(get(key, fallback));
    }

private:
    std::map<std::string, std::string> values_;
};

ward::bench::Target target_of(const Args& args) {
    ward::bench::Target target;
    target.port = static_cast<std::uint16_t>(args.number("port"));
    target.user = args.get("user");
    target.password = args.get("pass");
    return target;
}

void print_transfer(const ward::bench::TransferFigures& f) {
    const double mb_per_s = f.seconds > 0 ? static_cast<double>(f.bytes) / 1e6 / f.seconds : 0;
    std::printf("{\"bytes\": %llu, \"seconds\": %.6f, \"mb_per_s\": %.1f}\n", static_cast<unsigned long long>(f.bytes),
                f.seconds, mb_per_s);
}

void print_repeat(const ward::bench::RepeatFigures& f) {
    if (f.unsupported) {
        std::printf("{\"unsupported\": true, \"reply\": %s}\n", json_string(f.reply).c_str());
        return;
    }
    double sum = 0;
    for (const double ms : f.each_ms) {
        sum += ms;
    }
    const double mean = f.each_ms.empty() ? 0 : sum / static_cast<double>(f.each_ms.size());
    std::printf("{\"count\": %llu, \"seconds\": %.6f, \"median_ms\": %.4f, \"p90_ms\": %.4f, \"min_ms\": %.4f, "
                "\"mean_ms\": %.4f, \"bytes\": %llu, \"lines\": %llu}\n",
                static_cast<unsigned long long>(f.count), f.seconds, ward::bench::median(f.each_ms),
                ward::bench::percentile(f.each_ms, 0.9), ward::bench::percentile(f.each_ms, 0.0), mean,
                static_cast<unsigned long long>(f.bytes), static_cast<unsigned long long>(f.lines));
}

void idle_ready(std::uint64_t logged_in) {
    std::printf("{\"ready\": %llu}\n", static_cast<unsigned long long>(logged_in));
    std::fflush(stdout);
    char byte = 0;
    while (::read(STDIN_FILENO, &byte, 1) > 0) {
    }
}

int run(const std::string& workload, const Args& args) {
    if (workload == "logins") {
        const auto f = ward::bench::run_logins(target_of(args), static_cast<unsigned>(args.number("concurrency")),
                                               std::stod(args.get("seconds")), args.number("max", "1000000000"));
        const double rate = f.seconds > 0 ? static_cast<double>(f.logins) / f.seconds : 0;
        std::printf("{\"logins\": %llu, \"errors\": %llu, \"seconds\": %.4f, \"per_second\": %.1f, "
                    "\"median_ms\": %.3f, \"p99_ms\": %.3f, \"first_error\": %s}\n",
                    static_cast<unsigned long long>(f.logins), static_cast<unsigned long long>(f.errors), f.seconds,
                    rate, f.median_ms, f.p99_ms, json_string(f.first_error).c_str());
    } else if (workload == "retr") {
        print_transfer(ward::bench::run_retr(target_of(args), args.get("file")));
    } else if (workload == "stor") {
        print_transfer(ward::bench::run_stor(target_of(args), args.get("local"), args.get("file")));
    } else if (workload == "small") {
        print_repeat(ward::bench::run_small_retrs(target_of(args), args.get("dir"),
                                                  static_cast<unsigned>(args.number("count"))));
    } else if (workload == "list") {
        print_repeat(ward::bench::run_listing(target_of(args), args.get("verb"), args.get("dir"),
                                              static_cast<unsigned>(args.number("repeat"))));
    } else if (workload == "hook") {
        print_repeat(ward::bench::run_repeated_retr(target_of(args), args.get("file"),
                                                    static_cast<unsigned>(args.number("count"))));
    } else if (workload == "idle") {
        ward::bench::run_idle(target_of(args), static_cast<unsigned>(args.number("sessions")), idle_ready);
    } else if (workload == "loopback") {
        print_transfer(ward::bench::run_loopback(args.get("local"), args.get("sink", "-") == "-" ? "" : args.get("sink")));
    } else {
        throw BenchError("unknown workload '" + workload + "'");
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: ward_bench_client logins|retr|stor|small|list|hook|idle|loopback --option value...\n");
        return 2;
    }
    try {
        const Args args(argc, argv);
        return run(argv[1], args);
    } catch (const std::exception& e) {
        std::printf("{\"error\": %s}\n", json_string(e.what()).c_str());
        return 1;
    }
}
