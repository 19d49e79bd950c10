// /api/v1/…: the identification server's JSON API. Parses, calls lib/auth, answers; the
// rules live in the library.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api_json.hpp"
#include "routes.hpp"

namespace tanba::server {
namespace {

// The identity as lib/auth writes it (one definition of its field names).
nlohmann::json identity_json(const auth::Identity& id) { return nlohmann::json::parse(auth::to_json(id)); }

registry::EnrolRequest enrol_request(const nlohmann::json& j) {
    registry::EnrolRequest r;
    const auto doc = j.find("document");
    if (doc == j.end() || !doc->is_object()) throw Error(ErrorCode::API_JSON_INVALID, "no \"document\" object");
    r.doc_type = field(*doc, "type");
    r.doc_number = field(*doc, "number");
    r.doc_country = field(*doc, "country");
    r.doc_expiry = field(*doc, "expiry");
    r.surname = field(j, "surname");
    r.given_name = field(j, "givenName");
    r.patronymic = field(j, "patronymic");
    r.surname_latin = field(j, "surnameLatin");
    r.given_name_latin = field(j, "givenNameLatin");
    r.birth_date = field(j, "birthDate");
    r.sex = field(j, "sex");
    r.citizenship = field(j, "citizenship");
    r.contact = field(j, "contact");
    r.iin = field(j, "iin");
    return r;
}

nlohmann::json person_json(const store::PersonRecord& p) {
    nlohmann::json doc{{"type", p.doc_type}, {"number", p.doc_number}, {"country", p.doc_country}};
    if (!p.doc_expiry.empty()) doc["expiry"] = p.doc_expiry;
    return {{"id", p.iin},
            {"iin", p.iin},
            {"status", p.status},
            {"residency", p.residency},
            {"document", doc},
            {"surname", p.surname},
            {"givenName", p.given_name},
            {"patronymic", p.patronymic},
            {"surnameLatin", p.surname_latin},
            {"givenNameLatin", p.given_name_latin},
            {"birthDate", p.birth_date},
            {"sex", p.sex},
            {"citizenship", p.citizenship},
            {"contact", p.contact},
            {"enrolledBy", p.enrolled_by},
            {"approvedBy", p.approved_by},
            {"createdAt", format_rfc3339(p.created_at)}};
}

std::string pem_of(const std::vector<x509::Certificate>& chain) {
    std::string out;
    for (const auto& c : chain) out += c.pem();
    return out;
}

// Who calls: the holder of the request's session.
registry::Actor actor_of(auth::LoginService& login, const HttpRequest& req) {
    const auto who = login.session(bearer(req));
    return {who.iin, who.common_name};
}

nlohmann::json certificate_json(const ca::ListedCertificate& c) {
    nlohmann::json j{{"serial", c.record.serial}, {"status", ca::to_string(c.state)}, {"profile", c.record.profile},
                     {"notAfter", format_rfc3339(c.record.not_after)}};
    if (c.record.revoked_at) {
        j["revokedAt"] = format_rfc3339(*c.record.revoked_at);
        j["reason"] = revocation::to_string(static_cast<revocation::Reason>(c.record.revocation_reason));
    }
    return j;
}

}  // namespace

void Router::count_refused_login(const Error& e) {  // in the metrics and the audit log, by its code
    metrics_.login(std::string(to_string(e.code())));
    services_.registry()->record_login("", std::string(to_string(e.code())));
}

HttpResponse Router::api(HttpRequest& req, std::string_view path) {
    const bool post = req.method == "POST";
    try {
        if (is_verification(path)) return verification(req, path);
        auth::LoginService* login = services_.login();
        if (!login) return problem(ErrorCode::HTTP_NOT_FOUND, "this server has no identity store (--store, --origin)");
        if (path == "/api/v1/auth/challenge" || path == "/api/v1/auth/login") {
            const bool challenge = path == "/api/v1/auth/challenge";
            if (!post && !(challenge && req.method == "GET")) return not_allowed(req, challenge ? "GET, POST" : "POST");
            if (!auth_limit_.allow(req.address)) return problem(ErrorCode::AUTH_RATE_LIMITED, "too many challenges and logins from " + req.address);
            if (challenge) {
                const auto style = query_param(req.target, "style");
                if (style && *style != "eimzo" && *style != "webeid")
                    throw Error(ErrorCode::API_JSON_INVALID, "style is eimzo or webeid, not '" + *style + "'");
                const auto c = login->challenge();
                if (style == "eimzo")  // E-IMZO's shape: {challenge, ttl in seconds}
                    return json(200, {{"challenge", c.nonce}, {"ttl", login->nonce_lifetime().count()}});
                return json(200, {{"nonce", c.nonce}, {"expiresAt", format_rfc3339(c.expires_at)}});
            }
            const auto [token, nonce] = login_request(body_of(req));
            try {
                const auto s = login->login(token, nonce);
                metrics_.login("ok");
                auto out = identity_json(s.identity);
                out["session"] = s.token;
                out["expiresAt"] = format_rfc3339(s.expires_at);
                return json(200, out);
            } catch (const Error& e) {
                count_refused_login(e);
                throw;
            }
        }
        if (path == "/api/v1/auth/logout") {
            if (!post) return not_allowed(req, "POST");
            login->logout(bearer(req));
            HttpResponse r;
            r.status = 204;
            return r;
        }
        if (path == "/api/v1/auth/session") {
            if (req.method != "GET") return not_allowed(req, "GET");
            const auto who = login->session(bearer(req));
            auto out = identity_json(who);
            out["operatorRoles"] = nlohmann::json::array();
            for (auto role : services_.registry()->roles(who.iin)) out["operatorRoles"].push_back(registry::to_string(role));
            return json(200, out);
        }
        if (path.starts_with("/api/v1/persons")) return persons(req, path, *login);
        if (path.starts_with("/api/v1/certificates/")) return certificates(req, path, *login);
        if (path.starts_with("/api/v1/legal-entities")) return legal_entities(req, path, *login);
        if (path == "/api/v1/operators") {
            if (!post) return not_allowed(req, "POST");
            const auto by = actor_of(*login, req);
            const auto body = body_of(req);
            const auto pem = field(body, "certificate");
            const auto role = registry::role_from_string(field(body, "role"));
            if (pem.empty() || !role)
                throw Error(ErrorCode::API_JSON_INVALID, "an operator is {\"certificate\": PEM, \"role\": operator|registrar|admin}");
            const auto cert = x509::describe(x509::Certificate::load(as_bytes(pem)));
            const registry::Actor holder{cert.iin.value, cert.identity.common_name.empty() ? cert.subject : cert.identity.common_name};
            services_.registry()->add_role(by, holder, *role);
            return json(201, {{"iin", holder.iin}, {"name", holder.name}, {"role", registry::to_string(*role)}});
        }
    } catch (const Error& e) {
        if (info(e.code()).retryable || e.code() == ErrorCode::INTERNAL) throw;  // the router logs and answers
        return problem(e.code(), e.context());
    }
    return problem(ErrorCode::HTTP_NOT_FOUND, "nothing is served at " + std::string(path));
}

// /api/v1/persons[/IIN[/approve|suspend|reinstate|close|certificates]]: every call by a
// session's holder, whose roles the registry checks.
HttpResponse Router::persons(HttpRequest& req, std::string_view path, auth::LoginService& login) {
    auto& registry = *services_.registry();
    const auto actor = actor_of(login, req);
    const auto parts = segments(path, "/api/v1/persons");
    if (!parts || parts->size() > 2) return problem(ErrorCode::HTTP_NOT_FOUND, "nothing is served at " + std::string(path));
    if (parts->empty()) {
        if (req.method != "POST") return not_allowed(req, "POST");
        return json(201, person_json(registry.enrol(actor, enrol_request(body_of(req)))));
    }
    const std::string& iin = (*parts)[0];
    if (parts->size() == 1) {
        if (req.method != "GET") return not_allowed(req, "GET");
        return json(200, person_json(registry.read(actor, iin)));
    }
    const std::string& action = (*parts)[1];
    if (action == "approve") {
        if (req.method != "POST") return not_allowed(req, "POST");
        return json(200, person_json(registry.approve(actor, iin)));
    }
    if (action == "suspend" || action == "reinstate" || action == "close") {
        if (req.method != "POST") return not_allowed(req, "POST");
        const auto changed = action == "suspend"     ? registry.suspend(actor, issuer(), iin)
                             : action == "reinstate" ? registry.reinstate(actor, issuer(), iin)
                                                     : registry.close(actor, issuer(), iin);
        forget(changed.certificates);
        auto out = person_json(changed.person);
        out["certificates"] = changed.certificates;
        return json(200, out);
    }
    if (action == "certificates") {
        if (req.method != "POST") return not_allowed(req, "POST");
        const auto body = body_of(req);
        const auto csr = field(body, "csr"), profile = field(body, "profile");
        if (csr.empty() || profile.empty()) throw Error(ErrorCode::API_JSON_INVALID, "an order is {\"csr\": PEM, \"profile\": name}");
        const auto issued = registry.issue(actor, iin, issuer(), {profile, Bytes(csr.begin(), csr.end()), req.idempotency_key});
        return json(201, {{"serial", issued.certificate.serial_hex()},
                          {"profile", profile},
                          {"notAfter", format_rfc3339(issued.certificate.not_after())},
                          {"certificate", issued.certificate.pem()},
                          {"chain", pem_of(issued.chain)}});
    }
    return problem(ErrorCode::HTTP_NOT_FOUND, "nothing is served at " + std::string(path));
}

// /api/v1/legal-entities[/BIN[/employees[/IIN/roles/ROLE]]]
HttpResponse Router::legal_entities(HttpRequest& req, std::string_view path, auth::LoginService& login) {
    auto& registry = *services_.registry();
    const auto actor = actor_of(login, req);
    const auto found = segments(path, "/api/v1/legal-entities");
    if (!found) return problem(ErrorCode::HTTP_NOT_FOUND, "nothing is served at " + std::string(path));
    const auto& parts = *found;
    auto entity_json = [](const store::LegalEntityRecord& e) {
        return nlohmann::json{{"bin", e.bin}, {"name", e.name}, {"type", e.kind}, {"registrationDate", e.registration_date},
                              {"status", e.status}, {"registeredBy", e.registered_by}, {"createdAt", format_rfc3339(e.created_at)}};
    };
    auto role_of = [](const std::string& name) {
        const auto role = registry::employee_role_from_string(name);
        if (!role) throw Error(ErrorCode::API_JSON_INVALID, "a role is ceo, signer, finance, hr or employee, not '" + name + "'");
        return *role;
    };
    auto roles_json = [&](const std::string& bin, const std::string& iin) {
        nlohmann::json roles = nlohmann::json::array();
        for (auto r : registry.employee_roles(bin, iin)) roles.push_back(registry::to_string(r));
        return nlohmann::json{{"bin", bin}, {"iin", iin}, {"roles", roles}};
    };
    if (parts.empty()) {
        if (req.method != "POST") return not_allowed(req, "POST");
        const auto body = body_of(req);
        return json(201, entity_json(registry.register_entity(actor, {field(body, "name"), field(body, "type"), field(body, "registrationDate")})));
    }
    const std::string& bin = parts[0];
    if (parts.size() == 1) {
        if (req.method != "GET") return not_allowed(req, "GET");
        return json(200, entity_json(registry.entity(actor, bin)));
    }
    if (parts[1] == "employees" && parts.size() == 2) {
        if (req.method != "POST") return not_allowed(req, "POST");
        const auto body = body_of(req);
        const auto iin = field(body, "iin");
        registry.add_employee(actor, bin, iin, role_of(field(body, "role")));
        return json(201, roles_json(bin, iin));
    }
    if (parts[1] == "employees" && parts.size() == 5 && parts[3] == "roles") {
        if (req.method != "DELETE") return not_allowed(req, "DELETE");
        const auto revoked = registry.remove_employee(actor, issuer(), bin, parts[2], role_of(parts[4]));
        forget(revoked);
        auto out = roles_json(bin, parts[2]);
        out["revoked"] = revoked;
        return json(200, out);
    }
    return problem(ErrorCode::HTTP_NOT_FOUND, "nothing is served at " + std::string(path));
}

ca::CertificateAuthority& Router::issuer() {
    auto* ca = services_.issuer();
    if (!ca) throw Error(ErrorCode::REGISTRY_NO_ISSUER, "name the CA in identity.issuing_ca");
    return *ca;
}

void Router::forget(const std::vector<std::string>& serials) {
    for (const auto& serial : serials) services_.ocsp().forget(serial);  // logins and OCSP see it now, not at the next refresh
}

// /api/v1/certificates/SERIAL/revoke: a registrar revokes a person's certificate.
HttpResponse Router::certificates(HttpRequest& req, std::string_view path, auth::LoginService& login) {
    const auto parts = segments(path, "/api/v1/certificates");
    if (!parts || parts->size() != 2 || (*parts)[1] != "revoke") return problem(ErrorCode::HTTP_NOT_FOUND, "nothing is served at " + std::string(path));
    if (req.method != "POST") return not_allowed(req, "POST");
    const auto actor = actor_of(login, req);
    auto reason = revocation::Reason::Unspecified;
    if (!req.body.empty()) {
        const auto name = field(body_of(req), "reason");
        if (!name.empty()) {
            const auto r = revocation::reason_from_string(name);
            if (!r || *r == revocation::Reason::RemoveFromCrl) throw Error(ErrorCode::API_JSON_INVALID, "\"reason\" is not a CRL reason: " + name);
            reason = *r;
        }
    }
    const auto revoked = services_.registry()->revoke(actor, issuer(), (*parts)[0], reason);
    forget({revoked.record.serial});
    return json(200, certificate_json(revoked));
}

}  // namespace tanba::server
