// The CA's self-checks: the store's integrity and every certificate in it (tanba ca check),
// and whether the CA can work now (tanba-server's /readyz).
#include "state.hpp"
#include "tanba/x509/gost.hpp"

namespace tanba::ca {

CheckReport CertificateAuthority::check() {
    CheckReport report;
    report.problems = s_->repo->check_integrity();
    const EVP_PKEY* key = certificate().public_key();
    try {
        s_->repo->for_each_certificate([&](const store::CertificateRecord& r) {
        if (r.der.empty()) {
            if (r.status == store::CertStatus::Issued) report.problems.push_back("serial " + r.serial + " is issued but has no certificate");
            return;
        }
        ++report.certificates;
        try {
            const auto cert = x509::Certificate::from_der(r.der);
            if (cert.serial_hex() != r.serial)
                report.problems.push_back("row " + r.serial + " holds the certificate with serial " + cert.serial_hex());
            else if (key ? !cert.signed_by(key)
                         : x509::check_gost_signature(cert.der(), certificate().get()).verdict != x509::GostVerdict::Valid)  // a GOST CA
                report.problems.push_back("certificate " + r.serial + " was not signed by this CA's key");
        } catch (const Error& e) {
            report.problems.push_back("certificate " + r.serial + " does not decode: " + e.what());
        }
        });
    } catch (const Error& e) {
        if (e.code() != ErrorCode::STORE_DAMAGED) throw;
        report.problems.push_back(std::string("reading the certificates stopped: ") + e.context());
    }
    return report;
}

void CertificateAuthority::require_valid_now() const {
    const auto& cert = certificate();
    if (!cert.valid_at(s_->clock.now()))
        throw Error(ErrorCode::CA_CERT_NOT_VALID, "the certificate of CA " + s_->config.id + " is valid " +
                                                      format_rfc3339(cert.not_before()) + " to " + format_rfc3339(cert.not_after()) +
                                                      ": nothing is signed with it");
}

std::optional<Error> CertificateAuthority::health() {
    if (auto e = s_->repo->health()) return e;
    try {
        require_valid_now();
    } catch (const Error& e) {
        return e;
    }
    return std::nullopt;
}

}  // namespace tanba::ca
