// CRL parsing and its use in revocation checking.
#include "fuzz_support.hpp"
#include "tanba/revocation/crl.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::runtime();
    try {
        auto crl = tanba::revocation::Crl::from_der(tanba::ByteView(data, size));
        (void)crl.next_update();
        (void)crl.problem();
        (void)crl.scope_der();
    } catch (const tanba::Error&) {
    }
    return 0;
}
