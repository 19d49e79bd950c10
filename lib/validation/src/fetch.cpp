#include "tanba/validation/fetch.hpp"

namespace tanba::validation {

void Fetched::add(Fetched&& other) {
    for (auto& c : other.crls) crls.push_back(std::move(c));
    for (auto& r : other.ocsp) ocsp.push_back(std::move(r));
    for (auto& p : other.problems) problems.push_back(std::move(p));
}

Fetched fetch_revocation(const ValidationReport& built, const revocation::FetchLimits& limits) {
    Fetched out;
    for (std::size_t i = 0; i + 1 < built.chain.size(); ++i) {
        const auto& cert = built.chain[i].certificate;
        const auto& issuer = built.chain[i + 1].certificate;
        bool have_ocsp = false;
        for (const auto& url : revocation::ocsp_urls(cert)) {
            try {
                out.ocsp.push_back(revocation::fetch_ocsp(cert, issuer, url, limits));
                have_ocsp = true;
                break;
            } catch (const Error& e) {
                out.problems.push_back(std::string("OCSP ") + e.what());
            }
        }
        if (have_ocsp) continue;
        for (const auto& url : revocation::crl_urls(cert)) {
            try {
                for (auto& crl : revocation::Crl::load_all(revocation::http_get(url, limits))) out.crls.push_back(std::move(crl));
                break;
            } catch (const Error& e) {
                out.problems.push_back(std::string("CRL ") + e.what());
            }
        }
    }
    return out;
}

}  // namespace tanba::validation
