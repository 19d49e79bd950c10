// OCSP response parsing and the queries validation makes of it.
#include "fuzz_support.hpp"
#include "tanba/revocation/ocsp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::runtime();
    try {
        auto r = tanba::revocation::OcspResponse::from_der(tanba::ByteView(data, size));
        if (r.successful()) {
            (void)r.produced_at();
            (void)r.nonce();
            for (const auto& c : r.certificates()) {
                (void)r.responder_is(c);
                (void)r.find(c, c);
                (void)r.signature_valid(c.public_key());
            }
        }
    } catch (const tanba::Error&) {
    }
    return 0;
}
