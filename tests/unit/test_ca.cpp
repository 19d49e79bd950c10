#include <sys/stat.h>

#include <thread>

#include <openssl/ocsp.h>

#include "tanba/base/file_io.hpp"
#include "tanba/ca/authority.hpp"
#include "tanba/ca/ocsp_responder.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/revocation/ocsp.hpp"
#include "tanba/keys/software_key.hpp"
#include "tanba/x509/lint.hpp"
#include "test_support.hpp"

using namespace tanba;

namespace {

struct Pki {
    test::TempDir dir;
    SystemClock clock;
    std::optional<ca::CertificateAuthority> root;
    std::optional<ca::CertificateAuthority> issuing;

    Pki() {
        auto rk = std::make_unique<keys::SoftwareKey>(keys::SoftwareKey::generate(keys::parse_key_spec("ecdsa-p256")));
        auto rpem = rk->to_pem(nullptr);
        root.emplace(ca::CertificateAuthority::create({dir / "root", "Test Root", "Tanba", "KZ", "http://pki.test", ""},
                                                      std::move(rk), rpem, nullptr, clock));
        auto ik = std::make_unique<keys::SoftwareKey>(keys::SoftwareKey::generate(keys::parse_key_spec("ecdsa-p256")));
        auto ipem = ik->to_pem(nullptr);
        issuing.emplace(ca::CertificateAuthority::create({dir / "issuing", "Test Issuing", "Tanba", "KZ", "http://pki.test", ""},
                                                         std::move(ik), ipem, &*root, clock));
    }
};

x509::CertificateRequest request(const std::string& iin, const std::string& bin = "") {
    auto key = keys::SoftwareKey::generate(keys::parse_key_spec("ecdsa-p256"));
    x509::SubjectIdentity id;
    id.iin = iin;
    id.surname = "ТЕСТОВ";
    id.given_name = "ТЕСТ";
    id.bin = bin;
    if (!bin.empty()) id.organization = "АО ТЕСТ";
    return x509::make_request(key, id);
}

}  // namespace

TEST_CASE("a root and an issuing CA: files, chain, store") {
    Pki pki;
    const auto& root = *pki.root;
    const auto& issuing = *pki.issuing;
    CHECK(root.certificate().self_signed());
    CHECK(issuing.chain().size() == 2);
    CHECK(X509_verify(issuing.certificate().get(), X509_get0_pubkey(root.certificate().get())) == 1);
    struct stat st {};
    REQUIRE(::stat((pki.dir / "issuing/ca.key").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(issuing.config().id == "test-issuing");
    CHECK(issuing.config().urls().crl == "http://pki.test/crl/test-issuing.crl");
    // The root's store knows the issuing CA's certificate.
    auto rows = pki.root->list({});
    CHECK(rows.size() == 2);  // its own and the issuing CA's
    CHECK(test::error_of([&] {
              auto k = std::make_unique<keys::SoftwareKey>(keys::SoftwareKey::generate(keys::parse_key_spec("ecdsa-p256")));
              ca::CertificateAuthority::create({pki.dir / "issuing", "Again", "", "KZ", "http://x", ""}, std::move(k), "",
                                               nullptr, pki.clock);
          }) == ErrorCode::CA_EXISTS);
    // The issuing CA has path length 0: it cannot issue another CA.
    CHECK(test::error_of([&] {
              auto k = std::make_unique<keys::SoftwareKey>(keys::SoftwareKey::generate(keys::parse_key_spec("ecdsa-p256")));
              ca::CertificateAuthority::create({pki.dir / "sub2", "Sub", "", "KZ", "http://x", ""}, std::move(k), "",
                                               &*pki.issuing, pki.clock);
          }) == ErrorCode::CA_PARENT_INVALID);
    CHECK_FALSE(std::filesystem::exists(pki.dir / "sub2"));
}

TEST_CASE("issuing every end-entity profile; the store records each") {
    Pki pki;
    auto& ca = *pki.issuing;
    for (const char* p : {"citizen-auth", "citizen-sign"}) {
        auto cert = ca.issue(p, request("871008401427"));
        auto info = x509::describe(cert);
        CHECK(info.iin.value == "871008401427");
        CHECK(X509_verify(cert.get(), X509_get0_pubkey(ca.certificate().get())) == 1);
        auto rec = ca.repository().find(ca.issuer_id(), cert.serial_hex());
        REQUIRE(rec);
        CHECK(rec->status == store::CertStatus::Issued);
        CHECK(rec->der == cert.der());
    }
    for (const char* p : {"legal-ceo", "legal-sign", "legal-finance", "legal-hr", "legal-employee"}) {
        auto cert = ca.issue(p, request("871008401427", "940140000385"));
        auto info = x509::describe(cert);
        CHECK(info.bin.value == "940140000385");
        CHECK(info.roles.size() == 2);
        CHECK(info.roles[0].oid == "1.2.398.3.3.4.1.2");
    }
    store::CertificateQuery q;
    q.subject_bin = "940140000385";
    CHECK(ca.list(q).size() == 5);
}

TEST_CASE("bad requests are refused and leave no trace in the store") {
    Pki pki;
    auto& ca = *pki.issuing;
    auto before = ca.list({}).size();
    auto audit_before = ca.repository().audit_count();
    CHECK(test::error_of([&] { ca.issue("citizen-sign", request("871008401428")); }) == ErrorCode::IDENTIFIER_INVALID);
    CHECK(test::error_of([&] { ca.issue("legal-ceo", request("871008401427")); }) == ErrorCode::NAME_INVALID);
    CHECK(test::error_of([&] { ca.issue("no-such", request("871008401427")); }) == ErrorCode::PROFILE_NOT_FOUND);
    CHECK(test::error_of([&] { ca.issue("root-ca", request("871008401427")); }) == ErrorCode::CSR_POLICY);
    auto csr = request("871008401427");
    Bytes der = csr.der();
    der.back() ^= 1;
    CHECK(test::error_of([&] { ca.issue("citizen-sign", x509::CertificateRequest::load(der)); }) == ErrorCode::CSR_BAD_SIGNATURE);
    auto ed = keys::SoftwareKey::generate(keys::parse_key_spec("ed25519"));
    x509::SubjectIdentity id;
    id.iin = "871008401427";
    id.surname = "X";
    CHECK(test::error_of([&] { ca.issue("citizen-sign", x509::make_request(ed, id)); }) == ErrorCode::CSR_POLICY);
    CHECK(ca.list({}).size() == before);
    CHECK(ca.repository().audit_count() == audit_before);
}

TEST_CASE("unlock checks the key belongs to the CA") {
    Pki pki;
    auto reopened = ca::CertificateAuthority::open(pki.dir / "issuing", pki.clock);
    CHECK_FALSE(reopened.unlocked());
    CHECK(test::error_of([&] { reopened.issue("citizen-sign", request("871008401427")); }) == ErrorCode::INVALID_ARGUMENT);
    CHECK(test::error_of([&] {
              reopened.unlock([](const std::filesystem::path&, const std::string&) -> std::unique_ptr<keys::Signer> {
                  return std::make_unique<keys::SoftwareKey>(keys::SoftwareKey::generate(keys::parse_key_spec("ecdsa-p256")));
              });
          }) == ErrorCode::KEY_MISMATCH);
    reopened.unlock([](const std::filesystem::path& dir, const std::string& ref) -> std::unique_ptr<keys::Signer> {
        return std::make_unique<keys::SoftwareKey>(keys::SoftwareKey::load(read_file(dir / ref), nullptr));
    });
    CHECK(reopened.issue("citizen-auth", request("871008401427")).is_ca() == false);
}

TEST_CASE("concurrent issuance from two threads: unique serials, all stored") {
    Pki pki;
    auto& ca = *pki.issuing;
    std::vector<x509::CertificateRequest> reqs;
    for (int i = 0; i < 40; ++i) reqs.push_back(request("871008401427"));
    std::vector<std::string> serials(reqs.size());
    auto work = [&](std::size_t from) {
        for (std::size_t i = from; i < reqs.size(); i += 2) serials[i] = ca.issue("citizen-sign", reqs[i]).serial_hex();
    };
    std::thread a(work, 0), b(work, 1);
    a.join();
    b.join();
    std::set<std::string> unique(serials.begin(), serials.end());
    CHECK(unique.size() == reqs.size());
    store::CertificateQuery q;
    q.subject_iin = "871008401427";
    q.status = store::CertStatus::Issued;
    CHECK(ca.list(q).size() == reqs.size());
}

namespace {

class SettableClock final : public Clock {
public:
    TimePoint now() const override { return t; }
    TimePoint t = SystemClock().now();
};

Bytes ocsp_request(const x509::Certificate& cert, const x509::Certificate& issuer, bool nonce) {
    ossl::OcspRequest req(OCSP_REQUEST_new());
    OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert.get(), issuer.get());
    REQUIRE(OCSP_request_add0_id(req.get(), id) != nullptr);
    if (nonce) REQUIRE(OCSP_request_add1_nonce(req.get(), nullptr, -1) == 1);
    return ossl::encode(req.get(), i2d_OCSP_REQUEST, "request");
}

revocation::OcspStatus status_in(const ca::OcspAnswer& a, const x509::Certificate& cert, const x509::Certificate& issuer) {
    auto single = revocation::OcspResponse::from_der(a.der).find(cert, issuer);
    REQUIRE(single.has_value());
    return single->status;
}

}  // namespace

TEST_CASE("OCSP responder: pre-signed answers from the cache, kept fresh, revocations picked up") {
    Pki pki;
    auto& issuing = *pki.issuing;
    issuing.unlock([](const std::filesystem::path& dir, const std::string& ref) {
        return std::make_unique<keys::SoftwareKey>(keys::SoftwareKey::load(read_file(dir / ref), nullptr, ref));
    });
    const auto a = issuing.issue("citizen-sign", request("871008401427"));
    const auto b = issuing.issue("citizen-sign", request("871008401427"));
    const auto& ca_cert = issuing.certificate();
    SettableClock clock;
    ca::ResponderOptions options;
    options.validity = std::chrono::hours(1);
    ca::OcspResponder responder({{&issuing, {}}}, options, clock);

    // First asked: signed, then kept; asked again: the same bytes from the cache.
    const Bytes req_a = ocsp_request(a, ca_cert, false);
    auto first = responder.respond(req_a);
    CHECK(first.outcome == ca::OcspOutcome::Answered);
    CHECK_FALSE(first.from_cache);
    CHECK(first.next_update.has_value());
    CHECK(status_in(first, a, ca_cert) == revocation::OcspStatus::Good);
    auto again = responder.respond(req_a);
    CHECK(again.from_cache);
    CHECK(again.der == first.der);

    // The first refresh pre-signs every issued certificate (b, and the already cached a is kept).
    auto stats = responder.refresh();
    CHECK(stats.signed_responses == 1);
    CHECK(responder.cached() == 2);
    CHECK(responder.respond(ocsp_request(b, ca_cert, false)).from_cache);

    // A nonce makes the answer per request: signed, echoed, not cacheable.
    const Bytes req_nonce = ocsp_request(a, ca_cert, true);
    auto with_nonce = responder.respond(req_nonce);
    CHECK_FALSE(with_nonce.from_cache);
    CHECK_FALSE(with_nonce.next_update.has_value());
    CHECK(revocation::OcspResponse::from_der(with_nonce.der).nonce().has_value());

    // Revoked in the store: the cached answer changes at the next refresh, not before.
    issuing.revoke(a.serial_hex(), revocation::Reason::KeyCompromise);
    CHECK(status_in(responder.respond(req_a), a, ca_cert) == revocation::OcspStatus::Good);
    stats = responder.refresh();
    CHECK(stats.status_changes == 1);
    auto revoked = responder.respond(req_a);
    CHECK(revoked.from_cache);
    CHECK(status_in(revoked, a, ca_cert) == revocation::OcspStatus::Revoked);

    // Revoked and forgotten (a revocation made in this process): the next answer is signed
    // from the store at once, then cached again.
    issuing.revoke(b.serial_hex(), revocation::Reason::Superseded);
    const Bytes req_b = ocsp_request(b, ca_cert, false);
    CHECK(status_in(responder.respond(req_b), b, ca_cert) == revocation::OcspStatus::Good);
    responder.forget(b.serial_hex());
    auto fresh = responder.respond(req_b);
    CHECK_FALSE(fresh.from_cache);
    CHECK(status_in(fresh, b, ca_cert) == revocation::OcspStatus::Revoked);
    CHECK(responder.respond(req_b).from_cache);
    CHECK(responder.refresh().status_changes == 1);

    // Past half the validity the refresh re-signs every cached answer; in the last quarter an
    // answer the refresh missed is signed on request instead of served stale.
    clock.t += std::chrono::minutes(31);
    CHECK(responder.refresh().signed_responses == 2);
    CHECK(*responder.respond(req_a).this_update == clock.t);
    clock.t += std::chrono::minutes(50);
    CHECK_FALSE(responder.respond(req_a).from_cache);

    // A serial the CA never issued: answered, never cached (made-up serials cannot fill memory).
    const auto cached = responder.cached();
    ossl::Asn1Integer made_up = ossl::integer_from_bytes(Bytes{0x7f, 1, 2, 3});
    ossl::OcspCertId id(OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(ca_cert.get()), X509_get0_pubkey_bitstr(ca_cert.get()),
                                         made_up.get()));
    ossl::OcspRequest unknown_req(OCSP_REQUEST_new());
    REQUIRE(OCSP_request_add0_id(unknown_req.get(), id.release()) != nullptr);
    const Bytes unknown_der = ossl::encode(unknown_req.get(), i2d_OCSP_REQUEST, "request");
    CHECK(responder.respond(unknown_der).outcome == ca::OcspOutcome::Answered);
    CHECK_FALSE(responder.respond(unknown_der).from_cache);
    CHECK(responder.cached() == cached);

    // Another CA's certificate, and garbage.
    auto foreign = responder.respond(ocsp_request(issuing.certificate(), pki.root->certificate(), false));
    CHECK(foreign.outcome == ca::OcspOutcome::Unauthorized);
    CHECK(revocation::OcspResponse::from_der(foreign.der).response_status() == OCSP_RESPONSE_STATUS_UNAUTHORIZED);
    const Bytes garbage{0x30, 0x03, 0x02, 0x01, 0x05};
    CHECK(responder.respond(garbage).outcome == ca::OcspOutcome::Malformed);
    CHECK(responder.respond(Bytes{}).outcome == ca::OcspOutcome::Malformed);
    CHECK(responder.respond(Bytes(70 * 1024, 0x30)).outcome == ca::OcspOutcome::Malformed);
}

TEST_CASE("CRL schedule: full and delta when due, nothing when fresh, a delta after a revocation") {
    test::TempDir dir;
    SettableClock clock;
    auto key = std::make_unique<keys::SoftwareKey>(keys::SoftwareKey::generate(keys::parse_key_spec("ecdsa-p256")));
    const auto pem = key->to_pem(nullptr);
    auto ca = ca::CertificateAuthority::create({dir / "root", "Schedule Root", "Tanba", "KZ", "http://pki.test", ""},
                                               std::move(key), pem, nullptr, clock);
    using K = ca::CrlKind;
    const auto validity = std::chrono::hours(24);
    CHECK(ca.issue_due_crls(validity) == std::vector{K::Full, K::Delta});
    CHECK(ca.issue_due_crls(validity).empty());
    clock.t += std::chrono::hours(1);
    const auto sub = ca.list({}).front();  // the root's own certificate is the only one
    ca.revoke(sub.serial, revocation::Reason::Superseded);
    CHECK(ca.issue_due_crls(validity) == std::vector{K::Delta});
    CHECK(ca.issue_due_crls(validity).empty());
    clock.t += std::chrono::hours(12);  // past half of the full CRL's validity
    CHECK(ca.issue_due_crls(validity) == std::vector{K::Full, K::Delta});
    const auto newest = ca.repository().latest_crl(ca.issuer_id(), store::CrlSelect::Newest, store::CrlFields::WithoutDer);
    const auto full = ca.repository().latest_crl(ca.issuer_id(), store::CrlSelect::NewestFull, store::CrlFields::WithoutDer);
    REQUIRE(newest);
    REQUIRE(full);
    CHECK(newest->base_number == full->number);
}
