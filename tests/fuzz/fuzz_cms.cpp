// CMS SignedData verification end to end (attached content, or a fixed detached content).
#include "fuzz_support.hpp"
#include "tanba/cms/verify.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::runtime();
    static const tanba::Bytes content = {'f', 'u', 'z', 'z'};
    tanba::cms::VerifyOptions o;
    o.validation = fuzz::options();
    o.validation.purpose = tanba::validation::Purpose::Sign;
    try {
        (void)tanba::cms::verify(tanba::ByteView(data, size), tanba::ByteView(content), fuzz::validator(), o);
    } catch (const tanba::Error&) {
    }
    return 0;
}
