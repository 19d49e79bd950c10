// Certificate parsing, description and validation (as leaf and as its own anchor).
#include "fuzz_support.hpp"
#include "tanba/x509/certificate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::runtime();
    try {
        const auto cert = tanba::x509::Certificate::from_der(tanba::ByteView(data, size));
        (void)tanba::x509::describe(cert);
        (void)fuzz::validator().validate(cert, fuzz::options());
        const tanba::validation::Validator self({cert}, {cert}, {});
        auto o = fuzz::options();
        o.eku = "1.3.6.1.5.5.7.3.1";
        o.host = "example.kz";
        (void)self.validate(cert, o);
    } catch (const tanba::Error&) {
    }
    return 0;
}
