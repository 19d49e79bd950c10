// tanba-bench-verify-gost SECONDS NCANODE_DATA_DIR
// GOST-2015-512 CMS verifications per second on one core: the GOST signer of NCANode's test CMS
// (tests/data/kz/ncanode/embedded/cmsservicetest_signed_cms.p7s, its RSA signer removed), the
// NCA GOST 2015 test root as anchor, its CRL checked, at a time inside the signer's validity;
// beside Botan's raw GOST R 34.10-2012-512 verify rate (EMSA1(Streebog-512), a message of the
// same size as the signed attributes), measured in the same run. Prints "OURS RAW".
#include <botan/auto_rng.h>
#include <botan/ec_group.h>
#include <botan/gost_3410.h>
#include <botan/pubkey.h>
#include <openssl/cms.h>
#include <openssl/x509.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "tanba/base/file_io.hpp"
#include "rate.hpp"
#include "tanba/cms/verify.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/runtime.hpp"
#include "tanba/revocation/crl.hpp"
#include "tanba/x509/gost.hpp"

using namespace tanba;
using bench::rate;

namespace {


// The CMS with only its GOST signer left.
Bytes gost_only(const Bytes& der) {
    const unsigned char* p = der.data();
    CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size()));
    if (!cms) std::abort();
    STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms);
    for (int i = sk_CMS_SignerInfo_num(infos) - 1; i >= 0; --i) {
        X509_ALGOR* sig = nullptr;
        CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(infos, i), nullptr, nullptr, nullptr, &sig);
        const ASN1_OBJECT* oid = nullptr;
        X509_ALGOR_get0(&oid, nullptr, nullptr, sig);
        const auto text = ossl::oid_text(oid);
        if (!gost::signature_algorithm(text) && !gost::is_gost_key(text)) (void)sk_CMS_SignerInfo_delete(infos, i);  // kept by the bench: freed at exit
    }
    unsigned char* out = nullptr;
    const int n = i2d_CMS_ContentInfo(cms, &out);
    Bytes b(out, out + n);
    OPENSSL_free(out);
    CMS_ContentInfo_free(cms);
    return b;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s SECONDS NCANODE_DATA_DIR\n", argv[0]);
        return 2;
    }
    ossl::Runtime openssl;
    const double seconds = std::stod(argv[1]);
    const std::string dir = argv[2];
    const auto cms = gost_only(read_file(dir + "/embedded/cmsservicetest_signed_cms.p7s", 1 << 20));
    const auto anchor = x509::Certificate::load(read_file(dir + "/head/ca/nca_gost2015_test.cer", 1 << 20));
    std::vector<revocation::Crl> crls{revocation::Crl::from_der(read_file(dir + "/head/crl/nca_gost2022_test.crl", 1 << 20))};
    const validation::Validator validator({anchor}, {}, std::move(crls));
    cms::VerifyOptions vo;
    vo.validation.at = TimePoint{std::chrono::seconds(1'664'582'400)};  // 2022-10-01, inside the signer's validity
    vo.validation.revocation = validation::RevocationMode::Require;
    const auto check = cms::verify(cms, std::nullopt, validator, vo);
    if (!check.valid() || check.signers.size() != 1) {
        std::fprintf(stderr, "bench fixture does not verify:\n%s", cms::to_text(check).c_str());
        return 1;
    }

    Botan::AutoSeeded_RNG rng;
    const Botan::GOST_3410_PrivateKey key(rng, Botan::EC_Group("gost_512A"));
    std::vector<std::uint8_t> message(220, 0x5a);  // about the size of the signed attributes
    const auto sig = Botan::PK_Signer(key, rng, "EMSA1(Streebog-512)").sign_message(message, rng);
    auto raw = [&](long) {
        Botan::PK_Verifier v(key, "EMSA1(Streebog-512)");
        if (!v.verify_message(message, sig)) std::abort();
    };
    auto ours = [&](long) {
        if (!cms::verify(cms, std::nullopt, validator, vo).valid()) std::abort();
    };
    const double raw1 = rate(seconds / 2, raw);
    const double mine = rate(seconds, ours);
    const double raw2 = rate(seconds / 2, raw);
    std::printf("%.0f %.0f\n", mine, (raw1 + raw2) / 2);
    return 0;
}
