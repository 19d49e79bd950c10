// Legal entities: registration with a BIN allocated, employees' NCA roles, and the revocation
// of a role's certificates when it is removed.
#include <algorithm>

#include "rules.hpp"
#include "tanba/ident/identifiers.hpp"
#include "tanba/registry/registry.hpp"

namespace tanba::registry {
namespace {

constexpr std::string_view kRoleOidPrefix = "1.2.398.3.3.4.1.2.";

struct KindDigits {
    std::string_view kind;
    int entity_type, attribute;
};
constexpr KindDigits kKinds[] = {{"resident", 4, 0}, {"non-resident", 5, 0}, {"branch", 4, 1}, {"representative-office", 4, 2}};

}  // namespace

std::string_view to_string(EmployeeRole r) {
    switch (r) {
        case EmployeeRole::Ceo: return "ceo";
        case EmployeeRole::Signer: return "signer";
        case EmployeeRole::Finance: return "finance";
        case EmployeeRole::Hr: return "hr";
        case EmployeeRole::Employee: return "employee";
    }
    return "?";
}

std::optional<EmployeeRole> employee_role_from_string(std::string_view s) {
    for (auto r : {EmployeeRole::Ceo, EmployeeRole::Signer, EmployeeRole::Finance, EmployeeRole::Hr, EmployeeRole::Employee})
        if (to_string(r) == s) return r;
    return std::nullopt;
}

std::optional<EmployeeRole> employee_role_of(const x509::Profile& profile) {
    for (const auto& oid : profile.extended_key_usage_oids)
        if (oid.size() == kRoleOidPrefix.size() + 1 && oid.starts_with(kRoleOidPrefix) && oid.back() >= '1' && oid.back() <= '5')
            return static_cast<EmployeeRole>(oid.back() - '0');
    return std::nullopt;
}

store::LegalEntityRecord Registry::register_entity(const Actor& by, const EntityRequest& r) {
    require(by, Role::Operator);
    detail::require_name("name", r.name, true);
    const auto kind = std::find_if(std::begin(kKinds), std::end(kKinds), [&](const KindDigits& k) { return k.kind == r.kind; });
    if (kind == std::end(kKinds)) detail::bad("type is not resident, non-resident, branch or representative-office");
    const auto registered = detail::parse_date("registrationDate", r.registration_date);
    const auto now = clock_.now();
    if (std::chrono::sys_days(registered) > std::chrono::floor<std::chrono::days>(now)) detail::bad("registrationDate is in the future");
    const int year = static_cast<int>(registered.year());
    const unsigned month = static_cast<unsigned>(registered.month());
    if (year < 1991) detail::bad("registrationDate is before 1991");
    const auto first = ident::generate_bin(year, month, kind->entity_type, kind->attribute, 0).digits;
    store::Allocation allocation{first.substr(0, 6), [=](int first_free) {
                                        const auto bin = ident::generate_bin(year, month, kind->entity_type, kind->attribute, first_free);
                                        return std::pair{bin.digits, bin.serial};
                                    }};
    store::LegalEntityRecord e;
    e.name = r.name;
    e.kind = r.kind;
    e.registration_date = r.registration_date;
    e.registered_by = by.iin;
    e.created_at = now;
    return repo_.add_legal_entity(std::move(e), allocation, {0, now, by.iin, "entity.register", "", r.kind, {}, {}}, seal);
}

store::LegalEntityRecord Registry::entity(const Actor& by, const std::string& bin) {
    if (repo_.roles_of(by.iin).empty()) throw Error(ErrorCode::AUTH_FORBIDDEN, "reading an entity needs an operator, registrar or admin role");
    auto e = repo_.find_legal_entity(bin);
    if (!e) throw Error(ErrorCode::REGISTRY_ENTITY_NOT_FOUND, bin);
    return *e;
}

void Registry::add_employee(const Actor& by, const std::string& bin, const std::string& iin, EmployeeRole role) {
    require(by, Role::Operator);
    const auto e = repo_.find_legal_entity(bin);
    if (!e) throw Error(ErrorCode::REGISTRY_ENTITY_NOT_FOUND, bin);
    if (e->status != "active") throw Error(ErrorCode::REGISTRY_STATE_INVALID, "the entity is " + e->status);
    person(iin);  // registered
    try {
        repo_.add_employee_role(bin, iin, std::string(to_string(role)), by.iin,
                                {0, clock_.now(), by.iin, "employee.add", iin, bin + " " + std::string(to_string(role)), {}, {}}, seal);
    } catch (const Error& err) {
        if (err.code() == ErrorCode::STORE_CONFLICT) throw Error(ErrorCode::REGISTRY_ROLE_EXISTS, std::string(to_string(role)) + " at " + bin);
        throw;
    }
}

std::vector<std::string> Registry::remove_employee(const Actor& by, ca::CertificateAuthority& ca, const std::string& bin, const std::string& iin,
                                                   EmployeeRole role) {
    require(by, Role::Registrar);
    const std::string name(to_string(role));
    repo_.remove_employee_role(bin, iin, name, {0, clock_.now(), by.iin, "employee.remove", iin, bin + " " + name, {}, {}}, seal);
    // The role's certificates: this person's at this BIN whose profile carries the role.
    std::vector<std::string> revoked;
    for (const auto& c : detail::certificates_of(ca, iin, ca::CertificateState::Valid, bin)) {
        const auto names = ca.profiles().names();
        if (std::find(names.begin(), names.end(), c.record.profile) == names.end()) continue;  // a profile removed since
        if (employee_role_of(ca.profiles().get(c.record.profile)) != role) continue;
        revoke_recorded(by, ca, iin, c.record.serial, revocation::Reason::AffiliationChanged);
        revoked.push_back(c.record.serial);
    }
    return revoked;
}

std::vector<EmployeeRole> Registry::employee_roles(const std::string& bin, const std::string& iin) {
    std::vector<EmployeeRole> out;
    for (const auto& r : repo_.employee_roles(bin, iin))
        if (auto role = employee_role_from_string(r)) out.push_back(*role);
    return out;
}

}  // namespace tanba::registry
