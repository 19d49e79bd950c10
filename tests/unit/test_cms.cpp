// CMS signatures that must be refused, each with its own finding; crafted with OpenSSL here
// because no signing tool produces them on purpose.
#include <openssl/cms.h>
#include <openssl/ess.h>

#include "tanba/ca/authority.hpp"
#include "tanba/cms/sign.hpp"
#include "tanba/cms/verify.hpp"
#include "tanba/keys/software_key.hpp"
#include "tanba/ossl/codec.hpp"
#include "test_support.hpp"

using namespace tanba;

namespace {

struct Signer {
    keys::SoftwareKey key = keys::SoftwareKey::generate(keys::parse_key_spec("ecdsa-p256"));
    std::optional<x509::Certificate> cert;
};

struct Fixture {
    test::TempDir dir;
    SystemClock clock;
    std::optional<ca::CertificateAuthority> root;
    Signer alice, bob;
    const Bytes content = {'h', 'e', 'l', 'l', 'o'};

    Fixture() {
        auto rk = std::make_unique<keys::SoftwareKey>(keys::SoftwareKey::generate(keys::parse_key_spec("ecdsa-p256")));
        auto pem = rk->to_pem(nullptr);
        root.emplace(ca::CertificateAuthority::create({dir / "root", "CMS Test Root", "Tanba", "KZ", "http://pki.test", ""},
                                                      std::move(rk), pem, nullptr, clock));
        for (Signer* s : {&alice, &bob}) {
            x509::SubjectIdentity id;
            id.iin = s == &alice ? "871008401427" : "900315400017";
            id.surname = "ТЕСТОВ";
            id.given_name = "ТЕСТ";
            s->cert = root->issue("citizen-sign", x509::make_request(s->key, id));
        }
    }

    validation::Validator validator() const { return validation::Validator({root->certificate()}, {}, {}); }

    std::vector<std::string> codes(ByteView cms) const {
        cms::VerifyOptions o;
        o.validation.at = clock.now();
        o.validation.revocation = validation::RevocationMode::Off;  // these cases are about the CMS
        auto r = cms::verify(cms, content, validator(), o);
        std::vector<std::string> out;
        for (const auto& s : r.signers)
            for (const auto& f : s.report.findings) out.emplace_back(validation::to_string(f.code));
        for (const auto& f : r.findings) out.emplace_back(validation::to_string(f.code));
        if (!r.valid()) out.emplace_back("not-valid");
        return out;
    }

    Bytes sign(const Signer& s) const {
        cms::SignOptions o;
        o.signing_time = clock.now();
        return cms::sign(content, s.key, *s.cert, o);
    }
};

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

ossl::CmsContent parse(ByteView der) {
    const unsigned char* p = der.data();
    return ossl::CmsContent(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
}

Bytes encode(CMS_ContentInfo* cms) {
    unsigned char* out = nullptr;
    const int n = i2d_CMS_ContentInfo(cms, &out);
    REQUIRE(n > 0);
    Bytes b(out, out + n);
    OPENSSL_free(out);
    return b;
}

}  // namespace

TEST_CASE("our signature carries the CAdES-B-B signed attributes and verifies") {
    Fixture f;
    const Bytes sig = f.sign(f.alice);
    auto cms = parse(sig);
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms.get()), 0);
    for (int nid : {NID_pkcs9_contentType, NID_pkcs9_messageDigest, NID_pkcs9_signingTime, NID_id_smime_aa_signingCertificateV2})
        CHECK(CMS_signed_get_attr_by_NID(si, nid, -1) >= 0);
    const auto codes = f.codes(sig);
    CHECK(codes == std::vector<std::string>{"REVOCATION_NOT_CHECKED"});  // a warning only
}

TEST_CASE("options left at their defaults validate at the current time") {
    Fixture f;
    const Bytes sig = f.sign(f.alice);
    cms::VerifyOptions o;  // no validation time given
    o.validation.revocation = validation::RevocationMode::Off;
    const auto before = f.clock.now();
    const auto r = cms::verify(sig, f.content, f.validator(), o);
    CHECK(r.valid());
    CHECK(r.validation_time >= before);
    CHECK(r.validation_time <= f.clock.now());
    REQUIRE(r.signers.size() == 1);
    CHECK(r.signers[0].validation_time >= before);
    validation::ValidationOptions vo;  // the validator on its own: the same default
    vo.revocation = validation::RevocationMode::Off;
    const auto path = f.validator().validate(*f.alice.cert, vo);
    CHECK(path.valid());
    CHECK(path.validation_time >= before);
}

TEST_CASE("a contentType attribute that differs from the encapsulated type is refused") {
    Fixture f;
    auto cms = parse(f.sign(f.alice));
    // The attribute says id-data; the encapsulated type is changed (it is not itself signed).
    REQUIRE(CMS_set1_eContentType(cms.get(), OBJ_nid2obj(NID_id_smime_ct_TSTInfo)) == 1);
    auto codes = f.codes(encode(cms.get()));
    CHECK(has(codes, "CONTENT_TYPE_MISMATCH"));
    CHECK(has(codes, "not-valid"));
}

namespace {
// Alice's signature whose signingCertificateV2 names `first`, then `others` (OpenSSL builds the
// attribute and the signature).
Bytes signed_with_signing_certs(const Fixture& f, const x509::Certificate& first, std::vector<const x509::Certificate*> others) {
    ossl::CmsContent cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, CMS_PARTIAL | CMS_BINARY));
    CMS_SignerInfo* si = CMS_add1_signer(cms.get(), f.alice.cert->get(), f.alice.key.private_key(), EVP_sha256(), CMS_PARTIAL | CMS_BINARY);
    REQUIRE(si);
    ossl::CertStack rest(sk_X509_new_null());
    for (const auto* c : others) sk_X509_push(rest.get(), ossl::up_ref(c->get()).release());
    ossl::EssSigningCertV2 attr(OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), first.get(), rest.get(), 1));
    REQUIRE(attr);
    unsigned char* der = nullptr;
    const int len = i2d_ESS_SIGNING_CERT_V2(attr.get(), &der);
    REQUIRE(CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE, der, len) == 1);
    OPENSSL_free(der);
    ossl::Bio data(BIO_new_mem_buf(f.content.data(), static_cast<int>(f.content.size())));
    REQUIRE(CMS_final(cms.get(), data.get(), nullptr, CMS_BINARY) == 1);
    return encode(cms.get());
}
}  // namespace

TEST_CASE("signingCertificateV2 naming another certificate is refused") {
    Fixture f;
    auto codes = f.codes(signed_with_signing_certs(f, *f.bob.cert, {}));
    CHECK(has(codes, "SIGNING_CERTIFICATE_MISMATCH"));
    CHECK(has(codes, "not-valid"));
}

TEST_CASE("signingCertificateV2 listing the CA certificates after the signer's binds the first (RFC 5035)") {
    Fixture f;
    CHECK(f.codes(signed_with_signing_certs(f, *f.alice.cert, {&f.root->certificate()})) ==
          std::vector<std::string>{"REVOCATION_NOT_CHECKED"});
    // The same list with another certificate first is still refused.
    CHECK(has(f.codes(signed_with_signing_certs(f, *f.bob.cert, {&*f.alice.cert})), "SIGNING_CERTIFICATE_MISMATCH"));
}

TEST_CASE("a swapped signer certificate (same issuer and serial, another key) is refused") {
    Fixture f;
    Bytes der = f.sign(f.alice);
    // A certificate claiming Alice's issuer and serial but carrying Bob's key; re-signed until
    // its encoding has the length of Alice's, so it can take her certificate's place in the DER.
    const Bytes alice = f.alice.cert->der();
    Bytes fake_der;
    for (int attempt = 0; attempt < 64 && fake_der.size() != alice.size(); ++attempt) {
        ossl::Cert fake(X509_dup(f.alice.cert->get()));
        REQUIRE(X509_set_pubkey(fake.get(), const_cast<EVP_PKEY*>(f.bob.key.public_key())) == 1);
        REQUIRE(X509_sign(fake.get(), f.bob.key.private_key(), EVP_sha256()) > 0);
        fake_der = ossl::cert_to_der(fake.get());
    }
    REQUIRE(fake_der.size() == alice.size());
    auto it = std::search(der.begin(), der.end(), alice.begin(), alice.end());
    REQUIRE(it != der.end());
    std::copy(fake_der.begin(), fake_der.end(), it);
    auto codes = f.codes(der);
    CHECK(has(codes, "SIGNATURE_INVALID"));
    CHECK(has(codes, "not-valid"));
}

TEST_CASE("co-signing: two signers, both verified; other content is refused") {
    Fixture f;
    cms::SignOptions o;
    o.signing_time = f.clock.now();
    const Bytes one = f.sign(f.alice);
    const Bytes two = cms::add_signer(one, f.content, f.bob.key, *f.bob.cert, o);
    cms::VerifyOptions vo;
    vo.validation.at = f.clock.now();
    vo.validation.revocation = validation::RevocationMode::Off;
    auto r = cms::verify(two, std::nullopt, f.validator(), vo);
    CHECK(r.valid());
    CHECK(r.signers.size() == 2);
    const Bytes other = {'b', 'y', 'e'};
    CHECK(test::error_of([&] { cms::add_signer(one, other, f.bob.key, *f.bob.cert, o); }) == ErrorCode::CMS_CONTENT_MISMATCH);
    CHECK(test::error_of([&] { cms::sign(f.content, f.bob.key, *f.alice.cert, o); }) == ErrorCode::KEY_MISMATCH);
}
