// tanba-bench-crl-fill CA_DIR N INDEX_TXT
// Puts N issued-and-revoked certificates into a CA's store (in batches, one commit each) and
// writes the same revocations as an `openssl ca` index.txt, so both tools build a CRL of the
// same N entries.
#include <cstdio>
#include <fstream>
#include <string>

#include "tanba/ca/authority.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/runtime.hpp"

using namespace tanba;

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s CA_DIR N INDEX_TXT\n", argv[0]);
        return 2;
    }
    ossl::Runtime openssl;
    SystemClock clock;
    auto ca = ca::CertificateAuthority::open(argv[1], clock);
    const long n = std::stol(argv[2]);
    std::ofstream index(argv[3]);
    const auto now = clock.now();
    const std::string when = [&] {  // YYMMDDHHMMSSZ
        auto s = format_rfc3339(now);  // 2026-11-23T01:02:03Z
        return s.substr(2, 2) + s.substr(5, 2) + s.substr(8, 2) + s.substr(11, 2) + s.substr(14, 2) + s.substr(17, 2) + "Z";
    }();
    constexpr long kBatch = 50000;
    for (long done = 0; done < n; done += kBatch) {
        std::vector<store::CertificateRecord> records;
        std::vector<store::Completion> completions;
        std::vector<store::RevocationChange> revocations;
        for (long i = done; i < std::min(n, done + kBatch); ++i) {
            std::uint8_t serial[16];
            ossl::random_bytes(serial);
            serial[0] = 0x01;
            const std::string hex = to_hex(ByteView(serial, sizeof serial));
            store::CertificateRecord r;
            r.issuer = ca.issuer_id();
            r.serial = hex;
            r.profile = "citizen-sign";
            r.subject = "CN=bench";
            r.not_before = now;
            r.not_after = now + std::chrono::hours(24 * 365);
            records.push_back(r);
            completions.push_back({ca.issuer_id(), hex, Bytes{0x30, 0x00}, ""});
            const store::RevocationRecord revoked{hex, now, 1, std::nullopt};  // keyCompromise
            revocations.push_back({hex, {std::nullopt}, revoked, revoked});
            std::string upper = hex;
            for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            index << "R\t491231235959Z\t" << when << ",keyCompromise\t" << upper << "\tunknown\t/CN=bench\n";
        }
        ca.repository().reserve_all(records);
        ca.repository().finish_all(completions);
        ca.repository().change_revocations(ca.issuer_id(), revocations, {"revoked", revocations.front().serial, "bench fill"});
    }
    return 0;
}
