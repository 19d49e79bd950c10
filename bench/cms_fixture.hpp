#pragma once
// The CMS fixture the verification benchmarks share: an ECDSA P-256 signer under root ->
// issuing CA, CRLs for both (1,000 entries on the issuing CA's), 64 signatures of 1 KiB
// contents (attached), checked to verify.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tanba/ca/authority.hpp"
#include "tanba/cms/sign.hpp"
#include "tanba/cms/verify.hpp"
#include "tanba/keys/software_key.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/revocation/crl_writer.hpp"

namespace tanba::bench {

/// A CRL of `revoked` random serials from the CA, written by the library's CrlWriter.
inline revocation::Crl make_crl(const ca::CertificateAuthority& ca, const keys::Signer& key, int revoked, TimePoint now) {
    revocation::CrlSpec spec;
    spec.this_update = now - std::chrono::hours(1);
    spec.next_update = now + std::chrono::hours(24);
    spec.algorithm = keys::default_sign_options(key.spec().algorithm);
    const x509::Certificate& issuer = ca.certificate();
    revocation::CrlWriter writer(issuer, key, spec);
    for (int i = 0; i < revoked; ++i) {
        std::uint8_t serial[16];
        ossl::random_bytes(serial);
        serial[0] |= 0x40;
        writer.add(ByteView(serial, sizeof serial), spec.this_update, revocation::Reason::Unspecified);
    }
    return revocation::Crl::from_der(writer.finish());
}

struct CmsFixture {
    std::filesystem::path dir;
    std::optional<keys::SoftwareKey> signer_key;
    std::optional<x509::Certificate> signer_cert, root_cert, issuing_cert;
    std::vector<revocation::Crl> crls;
    std::optional<validation::Validator> validator;
    std::vector<Bytes> contents, signatures;
    cms::VerifyOptions vo;

    explicit CmsFixture(const Clock& clock) {
        char tmpl[] = "/tmp/tanba-bench-cms.XXXXXX";  // mkdtemp(3) fills in the Xs
        if (!mkdtemp(tmpl)) {
            std::perror("mkdtemp");
            std::exit(1);
        }
        dir = tmpl;
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
        signer_key.emplace(keys::SoftwareKey::generate(p256));
        x509::SubjectIdentity id;
        id.iin = "871008401427";
        id.surname = "ТЕСТОВ";
        id.given_name = "ТЕСТ";
        signer_cert.emplace(issuing.issue("citizen-sign", x509::make_request(*signer_key, id)));
        root_cert.emplace(root.certificate());
        issuing_cert.emplace(issuing.certificate());
        crls = {make_crl(issuing, iss_signer, 1000, clock.now()), make_crl(root, root_signer, 10, clock.now())};
        validator.emplace(std::vector<x509::Certificate>{*root_cert}, std::vector<x509::Certificate>{*issuing_cert}, crls);
        cms::SignOptions so;
        so.signing_time = clock.now();
        for (int i = 0; i < 64; ++i) {
            Bytes c(1024);
            ossl::random_bytes(c);
            signatures.push_back(cms::sign(c, *signer_key, *signer_cert, so));
            contents.push_back(std::move(c));
        }
        vo.validation.at = clock.now();
        vo.validation.revocation = validation::RevocationMode::Require;
        const auto check = cms::verify(signatures[0], std::nullopt, *validator, vo);
        if (!check.valid()) {
            std::fprintf(stderr, "bench fixture does not verify:\n%s", cms::to_text(check).c_str());
            std::exit(1);
        }
    }
    ~CmsFixture() { std::filesystem::remove_all(dir); }
};

}  // namespace tanba::bench
