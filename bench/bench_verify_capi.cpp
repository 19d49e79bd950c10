// tanba-bench-verify-capi SECONDS
// CMS verifications per second on one core through the C API (tanba_verify_cms: the report as
// JSON, freed with tanba_free) beside the C++ API producing the same report
// (cms::verify + cms::to_json(…).dump(2)), on the fixture of verify-cms, both through
// libtanba.so, interleaved in the same run. Prints "C_PER_S CXX_PER_S CXX_VERIFY_ONLY_PER_S".
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include "cms_fixture.hpp"
#include "rate.hpp"
#include "tanba/ossl/runtime.hpp"
#include "tanba/tanba.h"

using namespace tanba;
using bench::rate;

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s SECONDS\n", argv[0]);
        return 2;
    }
    ossl::Runtime openssl;
    SystemClock clock;
    const double seconds = std::stod(argv[1]);
    const bench::CmsFixture f(clock);
    nlohmann::json crls = nlohmann::json::array();
    for (const auto& c : f.crls) crls.push_back(base64_encode(c.der()));
    const nlohmann::json options{{"trust", nlohmann::json::array({f.root_cert->pem()})},
                                 {"intermediates", nlohmann::json::array({f.issuing_cert->pem()})},
                                 {"crls", crls},
                                 {"at", format_rfc3339(*f.vo.validation.at)},
                                 {"revocation", "require"},
                                 {"offline", true}};
    tanba_verifier* verifier = nullptr;
    if (tanba_verifier_new(options.dump().c_str(), &verifier) != TANBA_OK) {
        std::fprintf(stderr, "tanba_verifier_new: %s\n", tanba_last_error());
        return 1;
    }
    cms::VerifyOptions vo = f.vo;
    vo.time_source = cms::TimeSource::Requested;  // as the C verifier's "at"
    auto c_api = [&](long n) {
        const auto& s = f.signatures[static_cast<std::size_t>(n % 64)];
        char* report = nullptr;
        if (tanba_verify_cms(verifier, s.data(), s.size(), nullptr, 0, &report) != TANBA_OK ||
            !std::strstr(report, "\"indication\": \"VALID\""))
            std::abort();
        tanba_free(report);
    };
    auto cxx = [&](long n) {
        const auto r = cms::verify(f.signatures[static_cast<std::size_t>(n % 64)], std::nullopt, *f.validator, vo);
        if (!r.valid() || cms::to_json(r).dump(2).empty()) std::abort();
    };
    auto cxx_verify = [&](long n) {
        if (!cms::verify(f.signatures[static_cast<std::size_t>(n % 64)], std::nullopt, *f.validator, vo).valid()) std::abort();
    };
    const double cxx1 = rate(seconds / 4, cxx);
    const double c1 = rate(seconds / 2, c_api);
    const double cxx2 = rate(seconds / 4, cxx);
    const double c2 = rate(seconds / 2, c_api);
    const double plain = rate(seconds / 4, cxx_verify);
    tanba_verifier_free(verifier);
    std::printf("%.0f %.0f %.0f\n", (c1 + c2) / 2, (cxx1 + cxx2) / 2, plain);
    return 0;
}
