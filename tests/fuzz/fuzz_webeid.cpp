// Web eID login tokens: parsing (JSON or base64url) and the signature check over an origin and
// a nonce with the token's own certificate.
#include "fuzz_support.hpp"
#include "tanba/auth/web_eid.hpp"
#include "tanba/x509/certificate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::runtime();
    try {
        const auto token = tanba::auth::parse_web_eid_token(std::string_view(reinterpret_cast<const char*>(data), size));
        const auto cert = tanba::x509::Certificate::from_der(token.certificate);
        (void)tanba::auth::web_eid_signature_valid(token, cert.public_key(), "https://ria.ee", "12345678123456781234567812345678912356789123");
    } catch (const tanba::Error&) {
    }
    return 0;
}
