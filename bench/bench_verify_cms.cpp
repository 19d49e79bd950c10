// tanba-bench-verify-cms SECONDS
// CMS verifications per second on one core: ECDSA P-256 signer under root -> issuing CA,
// CRLs for both (1,000 entries on the issuing CA's), 1 KiB content, every signer's path and
// revocation checked; beside the raw one-core P-256 verify rate (EVP_DigestVerify of the same
// size), measured in the same run.
#include <openssl/x509.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "tanba/ca/authority.hpp"
#include "tanba/cms/sign.hpp"
#include "rate.hpp"
#include "tanba/cms/verify.hpp"
#include "tanba/keys/software_key.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/runtime.hpp"

using namespace tanba;
using bench::rate;

namespace {


// A CRL of `revoked` random serials, signed by the CA's key (bench fixture; the CA's own CRL
// service comes with the revocation issue).
revocation::Crl make_crl(const ca::CertificateAuthority& ca, const keys::SoftwareKey& key, int revoked, TimePoint now) {
    ossl::Crl crl(X509_CRL_new());
    X509_CRL_set_version(crl.get(), 1);
    X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.certificate().get()));
    auto last = ossl::to_asn1_time(now - std::chrono::hours(1));
    auto next = ossl::to_asn1_time(now + std::chrono::hours(24));
    X509_CRL_set1_lastUpdate(crl.get(), last.get());
    X509_CRL_set1_nextUpdate(crl.get(), next.get());
    ossl::Asn1Integer number(ASN1_INTEGER_new());
    ASN1_INTEGER_set(number.get(), 1);
    X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0);
    for (int i = 0; i < revoked; ++i) {
        X509_REVOKED* r = X509_REVOKED_new();
        std::uint8_t serial[16];
        ossl::random_bytes(serial);
        serial[0] |= 0x40;
        auto s = ossl::integer_from_bytes(ByteView(serial, sizeof serial));
        X509_REVOKED_set_serialNumber(r, s.get());
        X509_REVOKED_set_revocationDate(r, last.get());
        X509_CRL_add0_revoked(crl.get(), r);
    }
    X509_CRL_sort(crl.get());
    X509_CRL_sign(crl.get(), key.private_key(), EVP_sha256());
    unsigned char* der = nullptr;
    const int len = i2d_X509_CRL(crl.get(), &der);
    Bytes out(der, der + len);
    OPENSSL_free(der);
    return revocation::Crl::from_der(out);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s SECONDS\n", argv[0]);
        return 2;
    }
    ossl::Runtime openssl;
    SystemClock clock;
    const double seconds = std::stod(argv[1]);
    char tmpl[] = "/tmp/tanba-bench-cms.XXXXXX";
    const std::filesystem::path dir = mkdtemp(tmpl);
    const auto p256 = keys::parse_key_spec("ecdsa-p256");

    auto root_key = std::make_unique<keys::SoftwareKey>(keys::SoftwareKey::generate(p256));
    const keys::SoftwareKey root_signer(ossl::up_ref(root_key->private_key()), "root");
    const auto root_pem = root_key->to_pem(nullptr);
    auto root = ca::CertificateAuthority::create({dir / "root", "Bench Root", "Tanba", "KZ", "http://pki.test", ""},
                                                 std::move(root_key), root_pem, nullptr, clock);
    auto iss_key = std::make_unique<keys::SoftwareKey>(keys::SoftwareKey::generate(p256));
    const keys::SoftwareKey iss_signer(ossl::up_ref(iss_key->private_key()), "issuing");
    const auto iss_pem = iss_key->to_pem(nullptr);
    auto issuing = ca::CertificateAuthority::create({dir / "issuing", "Bench Issuing", "Tanba", "KZ", "http://pki.test", ""},
                                                    std::move(iss_key), iss_pem, &root, clock);
    const auto signer_key = keys::SoftwareKey::generate(p256);
    x509::SubjectIdentity id;
    id.iin = "871008401427";
    id.surname = "ТЕСТОВ";
    id.given_name = "ТЕСТ";
    const auto signer_cert = issuing.issue("citizen-sign", x509::make_request(signer_key, id));

    std::vector<revocation::Crl> crls{make_crl(issuing, iss_signer, 1000, clock.now()), make_crl(root, root_signer, 10, clock.now())};
    const validation::Validator validator({root.certificate()}, {issuing.certificate()}, std::move(crls));

    std::vector<Bytes> contents, signatures;
    cms::SignOptions so;
    so.signing_time = clock.now();
    for (int i = 0; i < 64; ++i) {
        Bytes c(1024);
        ossl::random_bytes(c);
        signatures.push_back(cms::sign(c, signer_key, signer_cert, so));
        contents.push_back(std::move(c));
    }
    cms::VerifyOptions vo;
    vo.validation.at = clock.now();
    vo.validation.revocation = validation::RevocationMode::Require;
    const auto check = cms::verify(signatures[0], std::nullopt, validator, vo);
    if (!check.valid()) {
        std::fprintf(stderr, "bench fixture does not verify:\n%s", cms::to_text(check).c_str());
        return 1;
    }
    std::vector<Bytes> raw_sigs;
    for (const auto& c : contents) raw_sigs.push_back(signer_key.sign(c, keys::default_sign_options(p256.algorithm)));
    const EVP_PKEY* pub = signer_cert.public_key();

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
    std::filesystem::remove_all(dir);
    std::printf("%.0f %.0f\n", mine, (raw1 + raw2) / 2);
    return 0;
}
