// lib/gost's SigningKey: what it signs verifies (in NCA's byte order, under KZ and Russian
// OIDs), other data does not, and PKCS#8 keeps the key.
#include "tanba/gost/signing_key.hpp"
#include "test_support.hpp"

using namespace tanba;

TEST_CASE("GOST keys sign what lib/gost verifies, in NCA's byte order") {
    for (auto a : {gost::Algorithm::Kz2015_512, gost::Algorithm::Kz2004}) {
        const auto key = gost::SigningKey::generate(a);
        const auto data = as_bytes("a document to sign");
        const auto sig = key.sign(data);
        CHECK(sig.size() == (a == gost::Algorithm::Kz2015_512 ? 128u : 64u));
        for (auto oids : {gost::OidSet::Kz, gost::OidSet::Russian}) {
            const auto spki = key.spki(oids);
            CHECK_FALSE(gost::key_problem(spki));
            const auto ok = gost::verify(a, spki, data, sig);
            CHECK_MESSAGE(ok.valid, ok.problem);
            CHECK(ok.order == gost::ByteOrder::LittleEndianRS);
        }
        CHECK_FALSE(gost::verify(a, key.spki(), as_bytes("another document"), sig).valid);
        const auto again = gost::SigningKey::from_pkcs8(key.pkcs8());
        CHECK(again.algorithm() == a);
        CHECK(again.spki() == key.spki());
        CHECK(gost::SigningKey::from_pkcs8(key.pkcs8(gost::OidSet::Russian)).spki() == key.spki());
        CHECK(gost::verify(a, key.spki(), data, again.sign(data)).valid);
        CHECK(gost::SigningKey::generate(a).spki() != key.spki());
    }
    CHECK_THROWS_AS(gost::SigningKey::from_pkcs8(as_bytes("not a key")), Error);
    CHECK_THROWS_AS(gost::SigningKey::generate(gost::Algorithm::Ru2012_256), Error);
}
