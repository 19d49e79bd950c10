#include "tanba/gost/second_opinion.hpp"

#include <botan/certstor.h>
#include <botan/x509_crl.h>
#include <botan/x509path.h>

#include <chrono>

namespace tanba::gost {

Opinion botan_path_validation(const PathInputs& in) {
    try {
        std::vector<Botan::X509_Certificate> chain{Botan::X509_Certificate(in.leaf)};
        for (const auto& der : in.untrusted) chain.emplace_back(der);
        Botan::Certificate_Store_In_Memory trusted;
        for (const auto& der : in.anchors) trusted.add_certificate(Botan::X509_Certificate(der));
        for (const auto& der : in.crls) trusted.add_crl(Botan::X509_CRL(der));
        const Botan::Path_Validation_Restrictions restrictions(!in.crls.empty(), 110);
        const auto when = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(in.unix_time));
        const auto result = Botan::x509_path_validate(chain, restrictions, trusted, in.host, Botan::Usage_Type::UNSPECIFIED, when);
        return Opinion{result.successful_validation(), result.result_string()};
    } catch (const std::exception& e) {
        return Opinion{false, std::string("Botan could not process the inputs: ") + e.what()};
    }
}

}  // namespace tanba::gost
