// PKCS#11 URIs (RFC 7512): what selects a token and an object, and what is refused.
#include "tanba/hsm/uri.hpp"
#include "test_support.hpp"

using namespace tanba;
using hsm::Pkcs11Uri;

TEST_CASE("RFC 7512 URIs parse into token and object selectors") {
    auto u = Pkcs11Uri::parse(
        "pkcs11:token=Citizen%20Card;serial=0123;object=sign-key;id=%01%A0%ff;type=private"
        "?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin");
    CHECK(u.token == "Citizen Card");
    CHECK(u.serial == "0123");
    CHECK(u.object == "sign-key");
    CHECK(u.id == Bytes{0x01, 0xA0, 0xFF});
    CHECK(u.type == hsm::ObjectType::PrivateKey);
    CHECK(u.module_path == "/usr/lib/softhsm/libsofthsm2.so");
    CHECK(u.pin_source == "file:/run/pin");
    // The canonical text parses back to the same selectors.
    auto again = Pkcs11Uri::parse(u.str());
    CHECK(again.token == u.token);
    CHECK(again.id == u.id);
    CHECK(again.module_path == u.module_path);
    CHECK(again.str() == u.str());
    // UTF-8 labels (Kazakh card holders) survive both ways.
    auto kz = Pkcs11Uri::parse("pkcs11:token=%D0%96%D0%90%D2%9A%D0%A1%D0%AB%D0%9B%D0%AB%D2%9A%D0%9E%D0%92");
    CHECK(kz.token == "ЖАҚСЫЛЫҚОВ");
    CHECK(Pkcs11Uri::parse(kz.str()).token == kz.token);
    CHECK(Pkcs11Uri::parse("pkcs11:").token.empty());
    CHECK(hsm::is_pkcs11_uri("pkcs11:token=x"));
    CHECK_FALSE(hsm::is_pkcs11_uri("/tmp/key.pem"));
}

TEST_CASE("bad URIs and PIN values are refused with their code") {
    for (const char* bad : {"pkcs11x:token=a", "pkcs11:token=a;token=b", "pkcs11:tokn=a", "pkcs11:token",
                            "pkcs11:id=%zz", "pkcs11:id=%1", "pkcs11:type=secret", "pkcs11:slot-id=abc",
                            "pkcs11:token=a?pin-value=1234", "pkcs11:token=a?module-name=softhsm2", "pkcs11:token=a?x=1"}) {
        CAPTURE(bad);
        CHECK(test::error_of([&] { Pkcs11Uri::parse(bad); }) == ErrorCode::PKCS11_URI_INVALID);
    }
    // The refusal never echoes the PIN.
    try {
        Pkcs11Uri::parse("pkcs11:token=a?pin-value=98765");
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("98765") == std::string::npos);
    }
}
