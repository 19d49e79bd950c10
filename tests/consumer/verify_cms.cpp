// verify_cms TRUST.pem CMS [--content FILE] [--crl FILE] [--at TIME]: the report of
// `tanba verify --json --offline`, through the C++ API of an installed tanba (exit 0 with a
// report, whatever its verdict; 2 on an error).
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>

#include "tanba/cms/verify.hpp"

namespace {

tanba::Bytes slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 3) {
        std::cerr << "usage: verify_cms TRUST.pem CMS [--content FILE] [--crl FILE] [--at TIME]\n";
        return 2;
    }
    std::optional<tanba::Bytes> content;
    std::vector<tanba::revocation::Crl> crls;
    tanba::cms::VerifyOptions options;  // validation time: now, unless --at
    for (int i = 3; i + 1 < argc; i += 2) {
        const std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--content") content = slurp(value);
        else if (flag == "--crl") crls = tanba::revocation::Crl::load_all(slurp(value));
        else if (flag == "--at") {
            options.validation.at = tanba::parse_rfc3339(value);
            options.time_source = tanba::cms::TimeSource::Requested;
        }
    }
    const tanba::validation::Validator validator(tanba::x509::Certificate::load_all(slurp(argv[1])), {}, std::move(crls));
    const auto report = tanba::cms::verify(slurp(argv[2]), content ? std::optional<tanba::ByteView>(*content) : std::nullopt,
                                           validator, options);
    std::cout << tanba::cms::to_json(report).dump(2) << "\n";
    return 0;
} catch (const tanba::Error& e) {
    std::cerr << tanba::to_string(e.code()) << ": " << e.context() << "\n";
    return 2;
}
