#include "tanba/keys/software_key.hpp"

#include <openssl/x509v3.h>
#include "tanba/ossl/codec.hpp"
#include "tanba/x509/builder.hpp"
#include "tanba/x509/csr.hpp"
#include "tanba/x509/lint.hpp"
#include "tanba/x509/template.hpp"
#include "test_support.hpp"

using namespace tanba;
using namespace tanba::x509;

namespace {
SubjectIdentity citizen() {
    SubjectIdentity id;
    id.iin = "871008401427";
    id.surname = "ӘБІЛҚАЙЫРОВА";
    id.given_name = "ҒАЛИЯ";
    id.patronymic = "ҰЛАНҚЫЗЫ";  // Kazakh letters ә і қ ғ ұ
    id.email = "galiya@example.kz";
    return id;
}
}  // namespace

TEST_CASE("subject names follow the NCA layout and round-trip UTF-8") {
    auto name = build_name(citizen());
    auto attrs = attributes(name.get());
    std::vector<std::string> order;
    for (const auto& a : attrs) order.push_back(a.short_name);
    CHECK(order == std::vector<std::string>{"CN", "SN", "serialNumber", "C", "GN", "emailAddress"});
    CHECK(first_value(name.get(), NID_commonName) == "ӘБІЛҚАЙЫРОВА ҒАЛИЯ");
    CHECK(first_value(name.get(), NID_serialNumber) == "IIN871008401427");
    // serialNumber and C are PrintableString, names UTF8String (as in NCA certificates).
    auto entry = X509_NAME_get_entry(name.get(), X509_NAME_get_index_by_NID(name.get(), NID_serialNumber, -1));
    CHECK(ASN1_STRING_type(X509_NAME_ENTRY_get_data(entry)) == V_ASN1_PRINTABLESTRING);
    entry = X509_NAME_get_entry(name.get(), X509_NAME_get_index_by_NID(name.get(), NID_surname, -1));
    CHECK(ASN1_STRING_type(X509_NAME_ENTRY_get_data(entry)) == V_ASN1_UTF8STRING);
    auto back = identity_from_name(name.get());
    CHECK(back.iin == "871008401427");
    CHECK(back.surname == "ӘБІЛҚАЙЫРОВА");
    CHECK(back.given_name == "ҒАЛИЯ");
    CHECK(back.patronymic == "ҰЛАНҚЫЗЫ");

    auto legal = citizen();
    legal.bin = "940140000385";
    legal.organization = "ТОО \"Сынақ\"";
    auto ln = build_name(legal);
    CHECK(first_value(ln.get(), NID_organizationalUnitName) == "BIN940140000385");
    CHECK(identity_from_name(ln.get()).bin == "940140000385");

    auto bad = citizen();
    bad.iin = "12345";
    CHECK(test::error_of([&] { build_name(bad); }) == ErrorCode::NAME_INVALID);
    bad = citizen();
    bad.bin = "940140000385";  // without O
    CHECK(test::error_of([&] { build_name(bad); }) == ErrorCode::NAME_INVALID);
    CHECK(test::error_of([] { build_name(SubjectIdentity{}); }) == ErrorCode::NAME_INVALID);
}

TEST_CASE("built-in profiles parse and carry the NCA roles") {
    auto set = ProfileSet::builtin();
    auto names = set.names();
    for (const char* n : {"root-ca", "issuing-ca", "citizen-auth", "citizen-sign", "legal-ceo", "legal-sign",
                          "legal-finance", "legal-hr", "legal-employee", "ocsp-signer", "tsa"})
        CHECK(std::find(names.begin(), names.end(), n) != names.end());
    const auto& ceo = set.get("legal-ceo");
    CHECK(ceo.extended_key_usage == std::vector<std::string>{"emailProtection", "1.2.398.3.3.4.1.2", "1.2.398.3.3.4.1.2.1"});
    CHECK(set.get("legal-employee").extended_key_usage.back() == "1.2.398.3.3.4.1.2.5");
    CHECK(set.get("tsa").extended_key_usage_critical);
    CHECK(test::error_of([&] { set.get("nope"); }) == ErrorCode::PROFILE_NOT_FOUND);
}

TEST_CASE("profile files with mistakes are refused") {
    const std::string good = "name='x'\nkind='end-entity'\nsubject='citizen'\nvalidity_days=30\n"
                             "key_usage=['digitalSignature']\nallowed_keys=['ecdsa-p256']\n";
    CHECK(parse_profile(good, "t").validity_days == 30);
    for (const std::string& bad : {
             good + "colour='red'\n",                           // unknown key
             good + "extended_key_usage=['notAnEku']\n",        // unknown EKU name
             good + "policies=['1.2.x']\n",                     // bad OID
             std::string("name='x'\nkind='end-entity'\nsubject='citizen'\nvalidity_days=0\nkey_usage=['digitalSignature']\nallowed_keys=['ecdsa-p256']\n"),
             std::string("name='x'\nkind='end-entity'\nsubject='citizen'\nvalidity_days=9\nkey_usage=['keyCertSign']\nallowed_keys=['ecdsa-p256']\n"),
             std::string("name='x'\nkind='end-entity'\nsubject='citizen'\nvalidity_days=9\nkey_usage=['digitalSignature']\nallowed_keys=['rsa-1024']\n"),
             std::string("this is not toml ["),
         }) {
        CAPTURE(bad);
        CHECK(test::error_of([&] { parse_profile(bad, "t"); }) == ErrorCode::PROFILE_INVALID);
    }
}

TEST_CASE("NCA RK test certificates: identity, placeholders reported invalid, roles") {
    auto sign = describe(Certificate::load(test::read("kz/ncanode/head/certs/individual_valid_sign_2004_rsa.cer")));
    CHECK(sign.iin.value == "123456789011");
    CHECK(sign.iin.status == IdentifierStatus::Invalid);
    CHECK(*sign.iin.failure == ErrorCode::ID_BAD_CENTURY);
    CHECK(sign.identity.surname == "ТЕСТОВ");
    CHECK(sign.identity.given_name == "ТЕСТ");
    CHECK(sign.identity.patronymic == "ТЕСТОВИЧ");
    CHECK(sign.usage_class == UsageClass::Sign);
    REQUIRE(sign.roles.size() == 1);
    CHECK(sign.roles[0].oid == "1.2.398.3.3.4.1.1");
    CHECK(sign.public_key_bits == 2048);

    auto auth = describe(Certificate::load(test::read("kz/ncanode/head/certs/individual_valid_sign_2004_rsa_auth.cer")));
    CHECK(auth.usage_class == UsageClass::Auth);
    CHECK(std::find(auth.extended_key_usage.begin(), auth.extended_key_usage.end(), "clientAuth") != auth.extended_key_usage.end());

    auto ceo = describe(Certificate::load(test::read("kz/ncanode/head/certs/ceo_valid_sign_2004_gost.cer")));
    CHECK(ceo.bin.value == "123456789021");
    CHECK(ceo.bin.status == IdentifierStatus::Invalid);
    CHECK(*ceo.bin.failure == ErrorCode::ID_BAD_MONTH);
    CHECK(ceo.roles.size() == 2);
    CHECK(ceo.public_key_bits == 0);  // GOST: parsed, key not loadable by OpenSSL
    CHECK(ceo.public_key_algorithm == "GOST 34.310-2004 public key");
    CHECK_FALSE(ceo.identity.organization.empty());

    auto ca = describe(Certificate::load(test::read("kz/ncanode/head/ca/nca_rsa_test.crt")));
    CHECK(ca.is_ca);
    CHECK(ca.iin.status == IdentifierStatus::Absent);
    // GOST-2015 CA in DER
    auto g = describe(Certificate::load(test::read("kz/ncanode/embedded/nca_2015_cert.der")));
    CHECK(g.is_ca);
}

TEST_CASE("CSR: create, parse, proof of possession; damage is detected") {
    auto key = keys::SoftwareKey::generate(keys::parse_key_spec("ecdsa-p256"));
    auto csr = make_request(key, citizen());
    auto back = CertificateRequest::load(as_bytes(csr.pem()));
    back.verify_proof_of_possession();
    CHECK(keys::to_string(back.key_spec()) == "ecdsa-p256");
    CHECK(identity_from_name(back.subject()).iin == "871008401427");

    // Flip one bit of the signature (last byte of the DER): PoP fails.
    Bytes der = csr.der();
    der.back() ^= 0x01;
    auto damaged = CertificateRequest::load(der);
    CHECK(test::error_of([&] { damaged.verify_proof_of_possession(); }) == ErrorCode::CSR_BAD_SIGNATURE);
    // Truncated DER and junk PEM do not parse.
    Bytes cut(csr.der().begin(), csr.der().begin() + static_cast<long>(csr.der().size() / 2));
    CHECK(test::error_of([&] { CertificateRequest::load(cut); }) == ErrorCode::CSR_DECODE_FAILED);
    CHECK(test::error_of([] { CertificateRequest::load(as_bytes("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")); }) ==
          ErrorCode::CSR_DECODE_FAILED);
}

TEST_CASE("serials: 16 bytes, positive, time-prefixed, 80 random bits") {
    FixedClock clock(parse_rfc3339("2026-11-22T10:00:00Z"));
    auto a = random_serial(clock.now()), b = random_serial(clock.now());
    CHECK(a.size() == 16);
    CHECK(a[0] == 0x01);
    CHECK(std::equal(a.begin(), a.begin() + 6, b.begin()));   // same second, same prefix
    CHECK_FALSE(std::equal(a.begin() + 6, a.end(), b.begin() + 6));
    auto later = random_serial(clock.now() + std::chrono::seconds(1));
    CHECK(to_hex(later) > to_hex(a));  // later serials sort after earlier ones
}

TEST_CASE("builder and lints: a self-signed root, then a leaf; lints catch bad TBS") {
    SystemClock clock;
    auto profiles = ProfileSet::builtin();
    auto root_key = keys::SoftwareKey::generate(keys::parse_key_spec("ecdsa-p256"));
    SubjectIdentity rid;
    rid.common_name = "Test Root";
    auto rname = build_name(rid);
    const auto& root_profile = profiles.get("root-ca");
    auto prepared_root = prepare_profile(root_profile, {});
    auto [nb, na] = validity_for(root_profile, clock.now(), nullptr);
    auto tbs = build_tbs(prepared_root, {rname.get(), root_key.public_key(), random_serial(clock.now()), nb, na, {}, {}}, {});
    CHECK(lint(tbs, root_profile, nullptr).empty());
    auto root = sign_tbs(std::move(tbs), root_key);
    CHECK(root.self_signed());
    CHECK(root.is_ca());

    const auto& leaf_profile = profiles.get("citizen-sign");
    auto prepared = prepare_profile(leaf_profile, {"http://x/crl/r.crl", "http://x/ocsp", "http://x/ca/r.crt"});
    auto leaf_key = keys::SoftwareKey::generate(keys::parse_key_spec("rsa-2048"));
    auto lname = build_name(citizen());
    auto [lnb, lna] = validity_for(leaf_profile, clock.now(), &root);
    CHECK(lna <= root.not_after());

    auto ltbs = build_tbs(prepared, {lname.get(), leaf_key.public_key(), random_serial(clock.now()), lnb, lna, {}, {}}, {&root});
    CHECK(lint(ltbs, leaf_profile, &root).empty());

    // A short serial, validity beyond the issuer, the wrong profile: each one is found.
    auto short_serial = build_tbs(prepared, {lname.get(), leaf_key.public_key(), Bytes{0x01, 0x02}, lnb, lna, {}, {}}, {&root});
    auto f = lint(short_serial, leaf_profile, &root);
    REQUIRE(f.size() == 1);
    CHECK(f[0].code == "e_serial_too_short");
    auto too_long = build_tbs(prepared, {lname.get(), leaf_key.public_key(), random_serial(clock.now()), lnb,
                                         root.not_after() + std::chrono::hours(1), {}, {}}, {&root});
    CHECK(lint(too_long, leaf_profile, &root).at(0).code == "e_validity_outside_issuer");
    auto wrong_profile = lint(ltbs, profiles.get("citizen-auth"), &root);
    CHECK(wrong_profile.size() >= 2);  // key usage and EKU differ
    CHECK(test::error_of([&] { require_clean(ltbs, profiles.get("citizen-auth"), &root); }) == ErrorCode::LINT_FAILED);

    // A bad IIN in the subject is an identifier error with the identifier's own reason.
    auto bad = citizen();
    bad.iin = "871008401428";
    auto bname = build_name(bad);
    auto btbs = build_tbs(prepared, {bname.get(), leaf_key.public_key(), random_serial(clock.now()), lnb, lna, {}, {}}, {&root});
    CHECK(test::error_of([&] { require_clean(btbs, leaf_profile, &root); }) == ErrorCode::IDENTIFIER_INVALID);

    auto leaf = sign_tbs(std::move(ltbs), root_key);
    auto info = describe(leaf);
    CHECK(info.iin.status == IdentifierStatus::Valid);
    CHECK(info.policies == std::vector<std::string>{"1.2.398.3.3.2.3"});
    CHECK(X509_verify(leaf.get(), X509_get0_pubkey(root.get())) == 1);
}

TEST_CASE("template issuance produces exactly the certificate the OpenSSL builder does") {
    // Ed25519 signatures are deterministic, so the two whole certificates must be equal bytes.
    FixedClock clock(parse_rfc3339("2026-11-22T10:00:00Z"));
    auto profiles = ProfileSet::builtin();
    auto ca_key = keys::SoftwareKey::generate(keys::parse_key_spec("ed25519"));
    SubjectIdentity rid;
    rid.common_name = "Template Root";
    auto rname = build_name(rid);
    auto root_prepared = prepare_profile(profiles.get("root-ca"), {});
    auto root = sign_tbs(build_tbs(root_prepared, {rname.get(), ca_key.public_key(), random_serial(clock.now()),
                                                    clock.now(), clock.now() + std::chrono::days(3650), {}, {}}, {}),
                         ca_key);

    const auto& profile = profiles.get("citizen-sign");
    auto prepared = prepare_profile(profile, {"http://x/crl/t.crl", "http://x/ocsp", "http://x/ca/t.crt"});
    CertificateTemplate tmpl(prepared, root, ca_key);

    auto citizen_key = keys::SoftwareKey::generate(keys::parse_key_spec("ecdsa-p256"));
    auto csr = make_request(citizen_key, citizen());
    auto [nb, na] = validity_for(profile, clock.now(), &root);
    auto serial = random_serial(clock.now());
    auto fields = fields_from(csr.subject(), csr.public_key_info(), {});
    fields.serial = serial;
    fields.not_before = nb;
    fields.not_after = na;
    require_clean_fields(fields, identity_from_name(csr.subject()), profile, root);
    auto ours = tmpl.sign(tmpl.tbs(fields), ca_key);
    auto reference = sign_tbs(build_tbs(prepared, {csr.subject(), csr.public_key(), serial, nb, na, {}, {}},
                                        {&root}),
                              ca_key);
    CHECK(to_hex(ours.der()) == to_hex(reference.der()));
    CHECK(X509_verify(ours.get(), X509_get0_pubkey(root.get())) == 1);
    CHECK(describe(ours).iin.status == IdentifierStatus::Valid);

    // Per-certificate checks: a short serial, validity beyond the issuer, a bad IIN.
    auto bad = fields;
    bad.serial = Bytes{0x01, 0x02};
    CHECK(test::error_of([&] { require_clean_fields(bad, identity_from_name(csr.subject()), profile, root); }) ==
          ErrorCode::LINT_FAILED);
    bad = fields;
    bad.not_after = root.not_after() + std::chrono::hours(1);
    CHECK(test::error_of([&] { require_clean_fields(bad, identity_from_name(csr.subject()), profile, root); }) ==
          ErrorCode::LINT_FAILED);
    auto bad_id = identity_from_name(csr.subject());
    bad_id.iin = "871008401428";
    CHECK(test::error_of([&] { require_clean_fields(fields, bad_id, profile, root); }) == ErrorCode::IDENTIFIER_INVALID);
}
