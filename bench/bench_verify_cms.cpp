// tanba-bench-verify-cms SECONDS
// CMS verifications per second on one core: ECDSA P-256 signer under root -> issuing CA,
// CRLs for both (1,000 entries on the issuing CA's), 1 KiB content, every signer's path and
// revocation checked; beside the raw one-core P-256 verify rate (EVP_DigestVerify of the same
// size), measured in the same run.
#include <openssl/evp.h>

#include <cstdio>
#include <string>

#include "cms_fixture.hpp"
#include "rate.hpp"
#include "tanba/ossl/runtime.hpp"

using namespace tanba;
using bench::rate;

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s SECONDS\n", argv[0]);
        return 2;
    }
    ossl::Runtime openssl;
    SystemClock clock;
    const double seconds = std::stod(argv[1]);
    const bench::CmsFixture f(clock);
    const auto& contents = f.contents;
    const auto& signatures = f.signatures;
    const auto& validator = *f.validator;
    const auto& vo = f.vo;
    const auto& signer_key = *f.signer_key;
    const auto p256 = keys::parse_key_spec("ecdsa-p256");
    std::vector<Bytes> raw_sigs;
    for (const auto& c : contents) raw_sigs.push_back(signer_key.sign(c, keys::default_sign_options(p256.algorithm)));
    const EVP_PKEY* pub = f.signer_cert->public_key();

    auto raw = [&](long n) {
        const auto i = static_cast<std::size_t>(n % 64);
        ossl::MdCtx ctx(EVP_MD_CTX_new());
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, const_cast<EVP_PKEY*>(pub));
        if (EVP_DigestVerify(ctx.get(), raw_sigs[i].data(), raw_sigs[i].size(), contents[i].data(), contents[i].size()) != 1) std::abort();
    };
    auto ours = [&](long n) {
        if (!cms::verify(signatures[static_cast<std::size_t>(n % 64)], std::nullopt, validator, vo).valid()) std::abort();
    };
    const double raw1 = rate(seconds / 2, raw);
    const double mine = rate(seconds, ours);
    const double raw2 = rate(seconds / 2, raw);
    std::printf("%.0f %.0f\n", mine, (raw1 + raw2) / 2);
    return 0;
}
