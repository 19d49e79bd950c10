// Every signature the project makes goes through keys::Signer::sign: a Signer that counts its
// calls (and hands out nothing else) sees each format's signature, and OpenSSL accepts each
// result with the public key alone.
#include <openssl/cms.h>
#include <openssl/ocsp.h>
#include <openssl/ts.h>

#include <atomic>

#include "tanba/base/file_io.hpp"
#include "tanba/ca/authority.hpp"
#include "tanba/cms/sign.hpp"
#include "tanba/keys/software_key.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/revocation/crl_writer.hpp"
#include "tanba/tsp/tsa.hpp"
#include "test_support.hpp"

using namespace tanba;

namespace {

/// A Signer that only signs, and counts: no private-key handle to take a shortcut through.
class CountingSigner final : public keys::Signer {
public:
    CountingSigner(keys::SoftwareKey key, std::atomic<int>& calls) : key_(std::move(key)), calls_(calls) {}
    keys::KeySpec spec() const override { return key_.spec(); }
    const EVP_PKEY* public_key() const override { return key_.public_key(); }
    Bytes sign(ByteView message, const keys::SignOptions& options) const override {
        ++calls_;
        return key_.sign(message, options);
    }
    std::string describe() const override { return "counting " + key_.describe(); }

private:
    keys::SoftwareKey key_;
    std::atomic<int>& calls_;
};


x509::SubjectIdentity citizen() {
    x509::SubjectIdentity id;
    id.iin = "871008401427";
    id.surname = "ТЕСТОВ";
    id.given_name = "ТЕСТ";
    return id;
}

EVP_PKEY* pub(const x509::Certificate& c) { return X509_get0_pubkey(c.get()); }

}  // namespace

TEST_CASE("each format makes exactly one Signer::sign call and verifies with the public key") {
    for (const char* spec : {"ecdsa-p256", "rsa-3072"}) {
        CAPTURE(spec);
        test::TempDir dir;
        SystemClock clock;
        std::atomic<int> calls{0};
        auto root_key = keys::SoftwareKey::generate(keys::parse_key_spec(spec));
        const std::string root_pem = root_key.to_pem(nullptr);
        auto ca = ca::CertificateAuthority::create(
            {dir / "root", "Seam Root", "Tanba", "KZ", "http://pki.test", ""},
            std::make_unique<CountingSigner>(std::move(root_key), calls), root_pem, nullptr, clock);
        CHECK(calls == 1);  // the self-signed certificate
        CHECK(X509_verify(ca.certificate().get(), pub(ca.certificate())) == 1);
        ca.unlock([&](const std::filesystem::path& d, const std::string& ref) {
            return std::make_unique<CountingSigner>(keys::SoftwareKey::load(read_file(d / ref), nullptr, ref), calls);
        });

        // CSR
        std::atomic<int> user_calls{0};
        CountingSigner user(keys::SoftwareKey::generate(keys::parse_key_spec(spec)), user_calls);
        const auto csr = x509::make_request(user, citizen());
        CHECK(user_calls == 1);
        ossl::Req req = ossl::req_from_der(csr.der());
        CHECK(X509_REQ_verify(req.get(), X509_REQ_get0_pubkey(req.get())) == 1);

        // Certificate through the issuance template
        calls = 0;
        const auto cert = ca.issue("citizen-sign", csr);
        CHECK(calls == 1);
        CHECK(X509_verify(cert.get(), pub(ca.certificate())) == 1);

        // CRL
        calls = 0;
        ca.revoke(to_hex(ossl::integer_bytes(X509_get0_serialNumber(cert.get()))), revocation::Reason::KeyCompromise);
        const Bytes crl_der = ca.crl({});
        CHECK(calls == 1);
        const unsigned char* p = crl_der.data();
        ossl::Crl crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(crl_der.size())));
        REQUIRE(crl);
        CHECK(X509_CRL_verify(crl.get(), pub(ca.certificate())) == 1);

        // OCSP (with a nonce, so it is signed now)
        calls = 0;
        ossl::OcspRequest oreq(OCSP_REQUEST_new());
        REQUIRE(OCSP_request_add0_id(oreq.get(), OCSP_cert_to_id(EVP_sha256(), cert.get(), ca.certificate().get())) != nullptr);
        REQUIRE(OCSP_request_add1_nonce(oreq.get(), nullptr, -1) == 1);
        const Bytes resp_der = ca.ocsp_response(ossl::encode(oreq.get(), i2d_OCSP_REQUEST, "request"), {});
        CHECK(calls == 1);
        p = resp_der.data();
        ossl::OcspResponse resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(resp_der.size())));
        REQUIRE(resp);
        ossl::OcspBasic basic(OCSP_response_get1_basic(resp.get()));
        REQUIRE(basic);
        CHECK(OCSP_check_nonce(oreq.get(), basic.get()) == 1);
        ossl::CertStack none(sk_X509_new_null());
        CHECK(OCSP_basic_verify(basic.get(), none.get(), nullptr, OCSP_NOVERIFY) == 1);  // signature by the included certificate
        int status = -1, reason = -1;
        ossl::OcspCertId id(OCSP_cert_to_id(EVP_sha256(), cert.get(), ca.certificate().get()));
        REQUIRE(OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, nullptr, nullptr, nullptr) == 1);
        CHECK(status == V_OCSP_CERTSTATUS_REVOKED);
        CHECK(reason == 1);

        // CMS
        user_calls = 0;
        const Bytes content = {'s', 'e', 'a', 'm'};
        cms::SignOptions so;
        so.signing_time = clock.now();
        so.algorithm = keys::default_sign_options(user.spec().algorithm);
        const Bytes signed_data = cms::sign(content, user, cert, so);
        CHECK(user_calls == 1);
        p = signed_data.data();
        ossl::CmsContent cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(signed_data.size())));
        REQUIRE(cms);
        ossl::CertStack certs(sk_X509_new_null());
        ossl::Bio out(BIO_new(BIO_s_mem()));
        CHECK(CMS_verify(cms.get(), certs.get(), nullptr, nullptr, out.get(), CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) == 1);

        // Time-stamp: a TSA certificate from the CA, the token signed by the TSA's key.
        std::atomic<int> tsa_calls{0};
        CountingSigner tsa_key(keys::SoftwareKey::generate(keys::parse_key_spec(spec)), tsa_calls);
        x509::SubjectIdentity tsa_id;
        tsa_id.common_name = "Seam TSA";
        const auto tsa_cert = ca.issue("tsa", x509::make_request(tsa_key, tsa_id));
        tsa_calls = 0;
        tsp::Authority tsa(tsa_cert, tsa_key, clock, {});
        Bytes nonce;
        const Bytes ts_req = tsp::make_request(content, nonce);
        const auto answer = tsa.respond(ts_req);
        REQUIRE(answer.outcome == tsp::TsaOutcome::Granted);
        CHECK(tsa_calls == 1);
        const Bytes token = tsp::token_from_response(answer.der, ts_req);
        p = token.data();
        ossl::CmsContent ts_cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(token.size())));
        REQUIRE(ts_cms);
        ossl::Bio ts_out(BIO_new(BIO_s_mem()));
        CHECK(CMS_verify(ts_cms.get(), certs.get(), nullptr, nullptr, ts_out.get(), CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) == 1);
        CHECK(OBJ_obj2nid(CMS_get0_eContentType(ts_cms.get())) == NID_id_smime_ct_TSTInfo);
    }
}
