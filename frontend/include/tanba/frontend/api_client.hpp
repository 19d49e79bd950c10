#pragma once
// The front ends' client of a tanba-server's /api/v1 (the CLI at a PSC desk): typed calls over
// a net::HttpClient with the caller's session. A problem+json answer is thrown as the Error
// the server named (its stable code, its detail), so a refusal reads the same on both sides.
#include <string>
#include <vector>

#include "tanba/net/http_client.hpp"
#include "tanba/x509/certificate.hpp"
#include "tanba/x509/csr.hpp"

namespace tanba::frontend {

/// What the card flow needs of a registered person.
struct PersonSummary {
    std::string iin, status;
    std::string surname, given_name, patronymic;
};

struct IssuedCertificate {
    std::string serial;
    x509::Certificate certificate;
    std::vector<x509::Certificate> chain;
};

class ApiClient {
public:
    /// base_url: the server's http(s)://HOST[:PORT]; session: the bearer a login returned.
    ApiClient(net::HttpClient& http, std::string base_url, std::string session, net::HttpLimits limits = {});

    /// The session holder's operator roles (GET /api/v1/auth/session: operatorRoles).
    std::vector<std::string> operator_roles();
    /// GET /api/v1/persons/{iin} (an audited read).
    PersonSummary person(const std::string& iin);
    /// POST /api/v1/persons/{iin}/certificates with an Idempotency-Key (empty: none).
    IssuedCertificate order_certificate(const std::string& iin, const std::string& profile, const x509::CertificateRequest& csr,
                                        const std::string& idempotency_key);

private:
    std::string call(const std::string& method, const std::string& path, const std::string& json_body,
                     const std::vector<std::pair<std::string, std::string>>& headers = {});
    net::HttpClient& http_;
    std::string base_, session_;
    net::HttpLimits limits_;
};

}  // namespace tanba::frontend
