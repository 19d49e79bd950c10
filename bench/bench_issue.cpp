// tanba-bench-issue CA-ALG SECONDS THREADS [CSR-ALG]
// Certificates issued per second in-process from CSRs (each durably stored in SQLite before it is
// returned), beside the raw sign rate of the same CA key type on the same threads, same run.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tanba/ca/authority.hpp"
#include "tanba/keys/software_key.hpp"
#include "tanba/ossl/runtime.hpp"

using namespace tanba;
using Clock_ = std::chrono::steady_clock;
constexpr std::size_t kCsrs = 2048;

namespace {

template <class F>
double rate(int threads, double seconds, F&& one) {
    std::atomic<bool> stop{false};
    std::atomic<long> done{0};
    std::vector<std::thread> pool;
    auto start = Clock_::now();
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            long n = 0;
            while (!stop.load(std::memory_order_relaxed)) {
                one(t, n);
                ++n;
            }
            done += n;
        });
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& th : pool) th.join();
    double elapsed = std::chrono::duration<double>(Clock_::now() - start).count();
    return static_cast<double>(done.load()) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4 && argc != 5) {
        std::fprintf(stderr, "usage: %s CA-ALG SECONDS THREADS [CSR-ALG (default rsa-2048)]\n", argv[0]);
        return 2;
    }
    ossl::Runtime openssl;
    SystemClock clock;
    const auto spec = keys::parse_key_spec(argv[1]);
    const double seconds = std::stod(argv[2]);
    const int threads = std::stoi(argv[3]);
    const char* csr_alg = argc > 4 ? argv[4] : "rsa-2048";

    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() / ("tanba-bench-" + std::to_string(rd()));
    struct Cleanup {
        std::filesystem::path p;
        ~Cleanup() { std::filesystem::remove_all(p); }
    } cleanup{dir};

    auto make_key = [&] { return std::make_unique<keys::SoftwareKey>(keys::SoftwareKey::generate(spec)); };
    auto rk = std::make_unique<keys::SoftwareKey>(keys::SoftwareKey::generate(keys::parse_key_spec("ecdsa-p384")));
    auto rpem = rk->to_pem(nullptr);
    auto root = ca::CertificateAuthority::create({dir / "root", "Bench Root", "", "KZ", "http://localhost:8080", ""},
                                                 std::move(rk), rpem, nullptr, clock);
    auto ik = make_key();
    auto ipem = ik->to_pem(nullptr);
    auto issuing = ca::CertificateAuthority::create({dir / "issuing", "Bench Issuing", "", "KZ", "http://localhost:8080", ""},
                                                    std::move(ik), ipem, &root, clock);

    // Requests from citizens with RSA-2048 keys (NCA's RSA generation), made before the clock
    // starts. The CA verifies each request's signature (proof of possession) while issuing.
    std::vector<x509::CertificateRequest> csrs;
    std::vector<keys::SoftwareKey> citizen_keys;
    for (int i = 0; i < 32; ++i) citizen_keys.push_back(keys::SoftwareKey::generate(keys::parse_key_spec(csr_alg)));
    for (std::size_t i = 0; i < kCsrs; ++i) {
        const auto& k = citizen_keys[i % citizen_keys.size()];
        x509::SubjectIdentity id;
        id.iin = "871008401427";
        id.surname = "ТЕСТОВА";
        id.given_name = "ДИНА";
        csrs.push_back(x509::make_request(k, id));
    }

    // Raw: the CA key signing a certificate-sized message, same threads.
    auto raw_key = keys::SoftwareKey::generate(spec);
    const Bytes tbs(600, 0x5a);
    const auto opts = keys::default_sign_options(spec.algorithm);
    auto raw_rate = [&] { return rate(threads, seconds / 2, [&](int, long) { (void)raw_key.sign(tbs, opts); }); };
    // The raw rate is measured before and after ours and averaged: the machine is shared and
    // its speed drifts, so neither side gets the better half of the run.
    double raw = raw_rate();

    // Each thread issues batches of kBatch requests: every certificate of a batch is durably
    // stored (group commit) before the call returns.
    constexpr std::size_t kBatch = 512;
    static_assert(kCsrs % kBatch == 0);
    auto cpu_seconds = [] {
        rusage ru{};
        getrusage(RUSAGE_SELF, &ru);
        return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    };
    const double cpu_before = cpu_seconds();
    // issue_batch blocks until its certificates are durable; with two issuing threads per core
    // one computes while the other waits for its last commit, so both cores stay busy.
    const int issuers = 2 * threads;
    double batches = rate(issuers, seconds, [&](int t, long n) {
        std::size_t from = (static_cast<std::size_t>(n * issuers + t) * kBatch) % csrs.size();
        for (const auto& r : issuing.issue_batch("citizen-sign", std::span(csrs).subspan(from, kBatch)))
            if (r.error) throw *r.error;
    });
    double ours = batches * static_cast<double>(kBatch);
    std::fprintf(stderr, "issuance used %.0f%% CPU (%.0f us of CPU per certificate)\n",
                 100 * (cpu_seconds() - cpu_before) / seconds, 1e6 * (cpu_seconds() - cpu_before) / (ours * seconds));
    raw = (raw + raw_rate()) / 2;
    store::CertificateQuery q;
    q.status = store::CertStatus::Issued;
    q.limit = 100000000;
    std::fprintf(stderr, "issued and stored: %zu certificates\n", issuing.list(q).size());
    std::printf("%.0f %.0f\n", ours, raw);
    return 0;
}
