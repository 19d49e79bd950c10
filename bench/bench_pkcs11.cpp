// tanba-bench-pkcs11 URI SECONDS THREADS
// Signatures per second through hsm's Signer on a PKCS#11 token (the key the URI names), with
// THREADS threads, beside a software key of the same type on the same threads, same run.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "tanba/hsm/token.hpp"
#include "tanba/keys/software_key.hpp"
#include "tanba/ossl/runtime.hpp"

using namespace tanba;

namespace {

double rate(const keys::Signer& key, int threads, double seconds) {
    std::atomic<bool> stop{false};
    std::atomic<long> done{0};
    const Bytes message(32, 0x5a);
    const auto options = keys::default_sign_options(key.spec().algorithm);
    std::vector<std::thread> pool;
    const auto start = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            long n = 0;
            while (!stop.load(std::memory_order_relaxed)) {
                (void)key.sign(message, options);
                ++n;
            }
            done += n;
        });
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& th : pool) th.join();
    return static_cast<double>(done.load()) / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s PKCS11-URI SECONDS THREADS (PIN from pin-source or TANBA_PIN)\n", argv[0]);
        return 2;
    }
    ossl::Runtime openssl;
    const double seconds = std::stod(argv[2]);
    const int threads = std::stoi(argv[3]);
    auto token = hsm::open_signer(hsm::Pkcs11Uri::parse(argv[1]), [](const std::string&) -> std::optional<Secret> {
        if (const char* p = std::getenv("TANBA_PIN")) return Secret(p);
        return std::nullopt;
    });
    const auto software = keys::SoftwareKey::generate(token->spec());
    const double soft1 = rate(software, threads, seconds / 2);
    const double ours = rate(*token, threads, seconds);
    const double soft2 = rate(software, threads, seconds / 2);
    std::printf("%.0f %.0f %s\n", ours, (soft1 + soft2) / 2, keys::to_string(token->spec()).c_str());
    return 0;
}
