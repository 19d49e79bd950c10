// lib/gost: GOST R 34.11-94 (test S-box) from RFC 5831's vectors, and every GOST signature of the
// NCA RK test PKI's certificates and CRLs (tests/data/vectors/gost) verifies — and fails after a
// one-byte change of the signed bytes or of the signature.
#include <string>

#include "tanba/base/bytes.hpp"
#include "tanba/gost/signing_key.hpp"
#include "tanba/keys/software_key.hpp"
#include "test_support.hpp"

using namespace tanba;

namespace {

std::string hex(ByteView b) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (auto c : b) s += {d[c >> 4], d[c & 15]};
    return s;
}

// A DER element: where its content starts and ends in the buffer.
struct Tlv {
    std::size_t start, content, end;
};
Tlv tlv_at(ByteView der, std::size_t at) {
    REQUIRE(at + 2 <= der.size());
    std::size_t len = der[at + 1], content = at + 2;
    if (len & 0x80) {
        const std::size_t n = len & 0x7f;
        REQUIRE((n >= 1 && n <= 3));
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = len << 8 | der[content++];
    }
    REQUIRE(content + len <= der.size());
    return {at, content, content + len};
}

Bytes der_of(const std::string& rel) {
    auto raw = test::read(rel);
    const std::string text(raw.begin(), raw.end());
    if (text.rfind("-----BEGIN", 0) != 0) return raw;
    const auto body = text.substr(text.find('\n') + 1, text.find("-----END") - text.find('\n') - 1);
    std::string b64;
    for (char c : body)
        if (c != '\n' && c != '\r') b64 += c;
    auto der = base64_decode(b64);
    REQUIRE(der);
    return *der;
}

struct Signed {
    Bytes tbs, signature;
};
// Certificate and CertificateList: SEQUENCE { tbs, algorithm, BIT STRING signature }.
Signed split(const Bytes& der) {
    const auto outer = tlv_at(der, 0);
    const auto tbs = tlv_at(der, outer.content);
    const auto alg = tlv_at(der, tbs.end);
    const auto sig = tlv_at(der, alg.end);
    return {Bytes(der.begin() + static_cast<std::ptrdiff_t>(tbs.start), der.begin() + static_cast<std::ptrdiff_t>(tbs.end)),
            Bytes(der.begin() + static_cast<std::ptrdiff_t>(sig.content + 1), der.begin() + static_cast<std::ptrdiff_t>(sig.end))};
}
// The SubjectPublicKeyInfo of a certificate: the 7th field of its TBS (the 6th without a version).
Bytes spki_of(const Bytes& cert) {
    const auto outer = tlv_at(cert, 0);
    const auto tbs = tlv_at(cert, outer.content);
    std::size_t at = tbs.content;
    if (cert[at] == 0xa0) at = tlv_at(cert, at).end;
    for (int field = 0; field < 5; ++field) at = tlv_at(cert, at).end;  // serial, algorithm, issuer, validity, subject
    const auto spki = tlv_at(cert, at);
    return Bytes(cert.begin() + static_cast<std::ptrdiff_t>(spki.start), cert.begin() + static_cast<std::ptrdiff_t>(spki.end));
}

gost::Algorithm algorithm_named(const std::string& name) {
    if (name == "Kz2015_512") return gost::Algorithm::Kz2015_512;
    if (name == "Kz2004") return gost::Algorithm::Kz2004;
    FAIL("unknown algorithm " << name);
    return gost::Algorithm::Kz2004;
}

}  // namespace

TEST_CASE("GOST R 34.11-94 with the test S-box: RFC 5831 vectors") {
    for (const auto& row : test::tsv("vectors/gost/gost3411_94_test.tsv")) {
        const std::string message = row.size() == 2 ? row[0] : "";
        CHECK_MESSAGE(hex(gost::digest(gost::Algorithm::Kz2004, as_bytes(message))) == row.back(), "\"" << message << "\"");
    }
}

TEST_CASE("the NCA RK test PKI's GOST signatures verify, in NCA's byte order, and fail when changed") {
    for (const auto& row : test::tsv("vectors/gost/nca_signatures.tsv")) {
        REQUIRE(row.size() == 3);
        const auto signer = der_of(row[0]);
        const auto object = split(der_of(row[1]));
        const auto spki = spki_of(signer);
        const auto a = algorithm_named(row[2]);
        CHECK_MESSAGE(!gost::key_problem(spki), row[0]);
        const auto ok = gost::verify(a, spki, object.tbs, object.signature);
        CHECK_MESSAGE(ok.valid, row[1] << ": " << ok.problem);
        CHECK(ok.order == gost::ByteOrder::LittleEndianRS);
        // The same signature in RFC 4491's order (s‖r big-endian: the bytes reversed) verifies too, and says so.
        const Bytes rfc4491(object.signature.rbegin(), object.signature.rend());
        const auto other = gost::verify(a, spki, object.tbs, rfc4491);
        CHECK_MESSAGE(other.valid, row[1] << " in RFC 4491 order: " << other.problem);
        CHECK(other.order == gost::ByteOrder::BigEndianSR);
        auto tbs = object.tbs;
        tbs[tbs.size() / 2] ^= 1;
        CHECK_MESSAGE(!gost::verify(a, spki, tbs, object.signature).valid, row[1] << " with its TBS changed");
        auto sig = object.signature;
        sig[5] ^= 0x10;
        CHECK_MESSAGE(!gost::verify(a, spki, object.tbs, sig).valid, row[1] << " with its signature changed");
    }
}

TEST_CASE("GOST algorithm names") {
    CHECK(gost::signature_algorithm("1.2.398.3.10.1.1.2.3.2") == gost::Algorithm::Kz2015_512);
    CHECK(gost::signature_algorithm("1.2.643.7.1.1.3.3") == gost::Algorithm::Ru2012_512);
    CHECK(!gost::signature_algorithm("1.2.840.10045.4.3.2"));
    CHECK(gost::is_gost_key("1.2.398.3.10.1.1.1.1"));
    CHECK(!gost::is_gost_key("1.2.840.10045.2.1"));
    CHECK(gost::key_problem(as_bytes("not DER")).has_value());
}

TEST_CASE("the Kalkan test keystores' GOST keys sign what their certificates verify") {
    for (const auto& row : test::tsv("vectors/gost/nca_keystores.tsv")) {
        REQUIRE(row.size() == 4);
        const auto raw = keys::pkcs12_raw(test::read(row[0]), Secret(row[1]));
        CHECK(raw.certificates.size() >= 1);
        const auto& info = raw.private_key_info;
        const auto key = gost::SigningKey::from_pkcs8(info);
        CHECK(key.algorithm() == algorithm_named(row[3]));
        const auto cert_spki = spki_of(der_of(row[2]));
        const auto data = as_bytes("signed with a Kalkan keystore");
        const auto check = gost::verify(key.algorithm(), cert_spki, data, key.sign(data));
        CHECK_MESSAGE(check.valid, row[0] << ": " << check.problem);
        CHECK_FALSE(gost::verify(key.algorithm(), cert_spki, as_bytes("something else"), key.sign(data)).valid);
    }
    CHECK_THROWS_AS(keys::pkcs12_raw(test::read("kz/ncanode/embedded/key_individual_valid_2015.p12"), Secret(std::string("wrong"))), Error);
}
