#include <openssl/x509.h>

#include "tanba/keys/software_key.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/runtime.hpp"
#include "test_support.hpp"

using namespace tanba;
using namespace tanba::keys;

TEST_CASE("key specs") {
    for (const char* name : {"rsa-2048", "rsa-3072", "rsa-4096", "ecdsa-p256", "ecdsa-p384", "ed25519"})
        CHECK(to_string(parse_key_spec(name)) == name);
    CHECK(test::error_of([] { parse_key_spec("rsa-1024"); }) == ErrorCode::KEY_UNSUPPORTED);
    CHECK(test::error_of([] { parse_key_spec("gost"); }) == ErrorCode::KEY_UNSUPPORTED);
}

TEST_CASE("every supported key type generates, signs and verifies; tampering is detected") {
    const Bytes msg{'h', 'e', 'l', 'l', 'o'};
    for (const char* name : {"rsa-2048", "ecdsa-p256", "ecdsa-p384", "ed25519"}) {
        CAPTURE(name);
        auto key = SoftwareKey::generate(parse_key_spec(name));
        CHECK(to_string(key.spec()) == name);
        auto opts = default_sign_options(key.spec().algorithm);
        auto sig = key.sign(msg, opts);
        CHECK(verify(key.public_key(), msg, sig, opts));
        Bytes other = msg;
        other[0] ^= 1;
        CHECK_FALSE(verify(key.public_key(), other, sig, opts));
        CHECK_FALSE(key.public_key_der().empty());
    }
}

TEST_CASE("RSA-PSS and PKCS#1 v1.5 are distinct and both verify") {
    auto key = SoftwareKey::generate(parse_key_spec("rsa-2048"));
    const Bytes msg{1, 2, 3};
    SignOptions pss{HashAlg::Sha256, RsaPadding::Pss};
    SignOptions v15{HashAlg::Sha256, RsaPadding::Pkcs1v15};
    auto s1 = key.sign(msg, pss);
    CHECK(verify(key.public_key(), msg, s1, pss));
    CHECK_FALSE(verify(key.public_key(), msg, s1, v15));
    CHECK(verify(key.public_key(), msg, key.sign(msg, {HashAlg::Sha512, RsaPadding::Pkcs1v15}),
                 {HashAlg::Sha512, RsaPadding::Pkcs1v15}));
}

TEST_CASE("encrypted PKCS#8 round-trip; wrong or missing passphrase is KEY_BAD_PASSPHRASE") {
    auto key = SoftwareKey::generate(parse_key_spec("ecdsa-p256"));
    Secret pass(std::string("correct horse"));
    auto pem = key.to_pem(&pass);
    CHECK(pem.find("BEGIN ENCRYPTED PRIVATE KEY") != std::string::npos);
    CHECK(needs_passphrase(as_bytes(pem)));
    auto back = SoftwareKey::load(as_bytes(pem), &pass);
    CHECK(EVP_PKEY_eq(back.public_key(), key.public_key()) == 1);
    Secret wrong(std::string("wrong"));
    CHECK(test::error_of([&] { SoftwareKey::load(as_bytes(pem), &wrong); }) == ErrorCode::KEY_BAD_PASSPHRASE);
    CHECK(test::error_of([&] { SoftwareKey::load(as_bytes(pem), nullptr); }) == ErrorCode::KEY_BAD_PASSPHRASE);
    // Unencrypted PEM and DER load without a passphrase.
    auto plain = key.to_pem(nullptr);
    CHECK_FALSE(needs_passphrase(as_bytes(plain)));
    CHECK(EVP_PKEY_eq(SoftwareKey::load(as_bytes(plain), nullptr).public_key(), key.public_key()) == 1);
    CHECK(EVP_PKEY_eq(SoftwareKey::load(key.to_der_unencrypted(), nullptr).public_key(), key.public_key()) == 1);
    // Garbage is a decode failure, not a passphrase problem.
    CHECK(test::error_of([] { SoftwareKey::load(as_bytes("not a key"), nullptr); }) == ErrorCode::KEY_DECODE_FAILED);
}

TEST_CASE("PKCS#12 round-trip") {
    auto key = SoftwareKey::generate(parse_key_spec("rsa-2048"));
    Secret pass(std::string("p12-pass"));
    auto p12 = make_pkcs12(key, nullptr, {}, pass, "test");
    CHECK(is_pkcs12(p12));
    CHECK(needs_passphrase(p12));
    auto back = load_pkcs12(p12, pass);
    REQUIRE(back.key);
    CHECK(EVP_PKEY_eq(back.key->public_key(), key.public_key()) == 1);
    Secret wrong(std::string("nope"));
    CHECK(test::error_of([&] { load_pkcs12(p12, wrong); }) == ErrorCode::KEY_BAD_PASSPHRASE);
}

TEST_CASE("NCA SDK test keystores (legacy RC2/3DES PKCS#12) open; GOST ones are reported unsupported") {
    Secret qwerty(std::string("Qwerty12"));
    for (const char* f : {"kz/ncanode/embedded/key_individual_valid_sign_2004.p12",
                          "kz/ncanode/v1-2018/individual_valid/RSA256_8426360556902ce4ac33977836f873e1dc190976.p12",
                          "kz/ncanode/v1-2018/individual_valid/AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12"}) {
        CAPTURE(f);
        auto c = load_pkcs12(test::read(f), qwerty, f);
        REQUIRE(c.key);
        CHECK(c.key->spec().algorithm == KeyAlgorithm::Rsa);
        CHECK(c.key->spec().bits == 2048);
        REQUIRE(c.cert);
        CHECK(X509_check_private_key(c.cert.get(), c.key->private_key()) == 1);
        // The key signs, and its certificate's key verifies the signature.
        const Bytes msg{'k', 'z'};
        auto opts = default_sign_options(KeyAlgorithm::Rsa);
        CHECK(verify(X509_get0_pubkey(c.cert.get()), msg, c.key->sign(msg, opts), opts));
    }
    CHECK(test::error_of([&] {
              load_pkcs12(test::read("kz/ncanode/embedded/key_individual_valid_sign_2004.p12"), Secret(std::string("bad")));
          }) == ErrorCode::KEY_BAD_PASSPHRASE);
    Secret aa(std::string("Aa123456"));
    CHECK(test::error_of([&] { load_pkcs12(test::read("kz/ncanode/embedded/key_individual_valid_2015.p12"), aa); }) ==
          ErrorCode::KEY_UNSUPPORTED);
}

TEST_CASE("private key numbers live in OpenSSL's secure heap (not dumped, wiped on free)") {
    REQUIRE(ossl::secure_heap().in_use);
    for (const char* spec : {"ecdsa-p256", "rsa-2048"}) {
        CAPTURE(spec);
        const auto before = ossl::secure_heap().used;
        std::size_t held = 0;
        {
            auto generated = SoftwareKey::generate(parse_key_spec(spec));
            const auto pem = generated.to_pem(nullptr);
            auto loaded = SoftwareKey::load(as_bytes(pem), nullptr);  // decoded from a file, as a CA loads it
            held = ossl::secure_heap().used;
            CHECK(held > before);
        }
        CHECK(ossl::secure_heap().used < held);  // released with the keys
    }
}
