// The registry's rules: enrolment, approval by a second person, roles, the audit chain.
#include "tanba/registry/registry.hpp"

#include <algorithm>
#include <cctype>

#include "tanba/ident/identifiers.hpp"
#include "tanba/ossl/codec.hpp"
#include "rules.hpp"

namespace tanba::registry {
namespace detail {

void bad(const std::string& what) { throw Error(ErrorCode::REGISTRY_INPUT_INVALID, what); }

// Names: 1–100 bytes of UTF-8 text without control characters.
void require_name(const std::string& field, const std::string& v, bool required) {
    if (v.empty()) {
        if (required) bad(field + " is required");
        return;
    }
    if (v.size() > 100) bad(field + " is longer than 100 bytes");
    if (std::any_of(v.begin(), v.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
        bad(field + " has control characters");
}

std::chrono::year_month_day parse_date(const std::string& field, const std::string& v) {
    int y = 0;
    unsigned m = 0, d = 0;
    if (v.size() != 10 || v[4] != '-' || v[7] != '-' || std::sscanf(v.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) bad(field + " is not YYYY-MM-DD");
    const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
    if (!ymd.ok()) bad(field + " is not a date");
    return ymd;
}

std::vector<ca::ListedCertificate> certificates_of(ca::CertificateAuthority& ca, const std::string& iin, ca::CertificateState state,
                                                   const std::string& bin) {
    store::CertificateQuery q;
    q.issuer = ca.issuer_id();
    q.subject_iin = iin;
    if (!bin.empty()) q.subject_bin = bin;
    return ca.list(q, state);
}

}  // namespace detail
namespace {
using detail::bad;
using detail::parse_date;
using detail::require_name;

bool all_of(std::string_view s, int (*pred)(int)) {
    return std::all_of(s.begin(), s.end(), [pred](char c) { return pred(static_cast<unsigned char>(c)) != 0; });
}

void require_country(const std::string& field, const std::string& v) {
    if ((v.size() != 2 && v.size() != 3) || !all_of(v, [](int c) { return (c >= 'A' && c <= 'Z') ? 1 : 0; }))
        bad(field + " is not an ISO 3166 code (2 or 3 capital letters)");
}

void validate(const EnrolRequest& r, TimePoint now) {
    if (r.doc_type.empty() || r.doc_type.size() > 32 || !all_of(r.doc_type, [](int c) { return (std::islower(c) || c == '-') ? 1 : 0; }))
        bad("document.type is not a lower-case word (passport, id-card, residence-permit, ...)");
    if (r.doc_number.empty() || r.doc_number.size() > 32 || !all_of(r.doc_number, [](int c) { return (std::isupper(c) || std::isdigit(c)) ? 1 : 0; }))
        bad("document.number is not 1-32 capital letters and digits");
    require_country("document.country", r.doc_country);
    if (!r.doc_expiry.empty()) parse_date("document.expiry", r.doc_expiry);
    require_name("surname", r.surname, true);
    require_name("givenName", r.given_name, true);
    require_name("patronymic", r.patronymic, false);
    require_name("surnameLatin", r.surname_latin, false);
    require_name("givenNameLatin", r.given_name_latin, false);
    const auto born = parse_date("birthDate", r.birth_date);
    if (std::chrono::sys_days(born) > std::chrono::floor<std::chrono::days>(now) || born.year() < std::chrono::year(1900))
        bad("birthDate is not between 1900 and today");
    if (r.sex != "M" && r.sex != "F") bad("sex is not M or F");
    require_country("citizenship", r.citizenship);
    if (r.contact.size() > 200) bad("contact is longer than 200 bytes");
}

void put_u64(Bytes& out, std::uint64_t v) {
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace

std::string_view to_string(Role r) {
    switch (r) {
        case Role::Operator: return "operator";
        case Role::Registrar: return "registrar";
        case Role::Admin: return "admin";
    }
    return "?";
}

std::optional<Role> role_from_string(std::string_view s) {
    for (Role r : {Role::Operator, Role::Registrar, Role::Admin})
        if (to_string(r) == s) return r;
    return std::nullopt;
}

Bytes seal(const store::AuditEntry& e) {
    Bytes data = e.prev_hash;
    put_u64(data, static_cast<std::uint64_t>(e.seq));
    put_u64(data, static_cast<std::uint64_t>(e.at.time_since_epoch().count()));
    for (const std::string* f : {&e.actor, &e.action, &e.subject, &e.detail}) {
        put_u64(data, f->size());
        data.insert(data.end(), f->begin(), f->end());
    }
    return ossl::sha256(data);
}

Registry::Registry(store::IdentityRepository& repo, const Clock& clock) : repo_(repo), clock_(clock) {}

void Registry::require(const Actor& by, Role role) {
    const auto held = repo_.roles_of(by.iin);
    if (std::find(held.begin(), held.end(), to_string(role)) == held.end())
        throw Error(ErrorCode::AUTH_FORBIDDEN, "this needs the " + std::string(to_string(role)) + " role");
}

store::PersonRecord Registry::enrol(const Actor& by, const EnrolRequest& r) {
    require(by, Role::Operator);
    const auto now = clock_.now();
    validate(r, now);
    const auto born = parse_date("birthDate", r.birth_date);
    const auto sex = r.sex == "M" ? ident::Sex::Male : ident::Sex::Female;
    store::PersonRecord p;
    p.residency = r.iin.empty() ? "non-resident" : "resident";
    p.doc_type = r.doc_type, p.doc_number = r.doc_number, p.doc_country = r.doc_country, p.doc_expiry = r.doc_expiry;
    p.surname = r.surname, p.given_name = r.given_name, p.patronymic = r.patronymic;
    p.surname_latin = r.surname_latin, p.given_name_latin = r.given_name_latin;
    p.birth_date = r.birth_date, p.sex = r.sex, p.citizenship = r.citizenship, p.contact = r.contact;
    p.enrolled_by = by.iin;
    p.created_at = p.updated_at = now;
    std::optional<store::Allocation> allocation;
    if (r.iin.empty()) {
        const auto first = ident::generate_iin(born, sex, 0).digits;
        allocation = store::Allocation{first.substr(0, 7), [born, sex](int first_free) {
                                           const auto iin = ident::generate_iin(born, sex, first_free);
                                           return std::pair{iin.digits, iin.serial};
                                       }};
    } else {
        if (!ident::check_iin(r.iin).valid()) bad("iin " + r.iin + " is not a valid IIN");
        const auto iin = ident::parse_iin(r.iin);
        if (iin.birth_date != born || iin.sex != sex) bad("iin " + r.iin + " does not match birthDate and sex");
        p.iin = r.iin;
    }
    const std::string residency = p.residency;
    try {
        return repo_.add_person(std::move(p), allocation, {0, now, by.iin, "person.enrol", "", residency, {}, {}}, seal);
    } catch (const Error& e) {
        if (e.code() != ErrorCode::STORE_CONFLICT) throw;
        const std::string& c = e.context();
        if (c.starts_with("document: ")) throw Error(ErrorCode::REGISTRY_DUPLICATE_DOCUMENT, "registered as IIN " + c.substr(10));
        if (c.starts_with("iin: ")) throw Error(ErrorCode::REGISTRY_IIN_EXISTS, "IIN " + c.substr(5));
        throw;
    }
}

store::PersonRecord Registry::person(const std::string& iin) {
    auto p = repo_.find_person(iin);
    if (!p) throw Error(ErrorCode::REGISTRY_PERSON_NOT_FOUND, iin);
    return *p;
}

void Registry::change_status(const std::string& iin, const std::string& from, const std::string& to, const std::string& approved_by,
                             store::AuditEntry entry) {
    try {
        repo_.change_person_status(iin, from, to, approved_by, std::move(entry), seal);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::STORE_CONFLICT) throw Error(ErrorCode::REGISTRY_STATE_INVALID, "the person is not " + from + " (" + e.context() + ")");
        if (e.code() == ErrorCode::STORE_NOT_FOUND) throw Error(ErrorCode::REGISTRY_PERSON_NOT_FOUND, iin);
        throw;
    }
}

store::PersonRecord Registry::approve(const Actor& by, const std::string& iin) {
    require(by, Role::Registrar);
    if (person(iin).enrolled_by == by.iin) throw Error(ErrorCode::REGISTRY_SAME_PERSON, "enrolled by the same person");
    change_status(iin, "draft", "verified", by.iin, {0, clock_.now(), by.iin, "person.approve", iin, "", {}, {}});
    return person(iin);
}

store::PersonRecord Registry::read(const Actor& by, const std::string& iin) {
    if (repo_.roles_of(by.iin).empty()) throw Error(ErrorCode::AUTH_FORBIDDEN, "reading a person's record needs an operator, registrar or admin role");
    auto p = repo_.find_person(iin);
    repo_.append_audit({0, clock_.now(), by.iin, p ? "person.read" : "person.read-missing", iin, "", {}, {}}, seal);
    if (!p) throw Error(ErrorCode::REGISTRY_PERSON_NOT_FOUND, iin);
    return *p;
}

void Registry::add_role(const Actor& by, const Actor& holder, Role role, Grant grant) {
    if (grant == Grant::ByAdmin) require(by, Role::Admin);
    if (!ident::check_iin(holder.iin).valid()) bad("the holder's certificate carries no valid IIN");
    try {
        repo_.add_role(holder.iin, std::string(to_string(role)), holder.name,
                       {0, clock_.now(), by.iin, "role.add", holder.iin, std::string(to_string(role)), {}, {}}, seal);
    } catch (const Error& e) {
        if (e.code() != ErrorCode::STORE_CONFLICT) throw;
        // Granted already: nothing to do.
    }
}

std::vector<Role> Registry::roles(const std::string& iin) {
    std::vector<Role> out;
    for (const auto& r : repo_.roles_of(iin))
        if (auto role = role_from_string(r)) out.push_back(*role);
    return out;
}

store::AuditEntry Registry::login_entry(const std::string& person, const std::string& outcome) const {
    return {0, clock_.now(), person.empty() ? "-" : person, "login", person.empty() ? "-" : person, outcome, {}, {}};
}

void Registry::record_login(const std::string& person, const std::string& outcome) { repo_.append_audit(login_entry(person, outcome), seal); }

void Registry::record_release(const std::string& client_id, const std::string& person, const std::string& action) {
    repo_.append_audit({0, clock_.now(), "client:" + client_id, action, person.empty() ? "-" : person, "", {}, {}}, seal);
}

std::optional<AuditBreak> Registry::verify_audit(const AuditHead* witnessed) {
    std::optional<AuditBreak> broken;
    std::int64_t expected = 1;
    Bytes prev(32, 0);
    bool witness_found = false;
    repo_.for_each_audit([&](const store::AuditEntry& e) {
        if (broken) return;
        if (e.seq != expected) broken = AuditBreak{expected, "entry " + std::to_string(expected) + " is missing (next is " + std::to_string(e.seq) + ")"};
        else if (e.prev_hash != prev) broken = AuditBreak{e.seq, "entry " + std::to_string(e.seq) + " does not follow the one before it"};
        else if (seal(e) != e.hash) broken = AuditBreak{e.seq, "entry " + std::to_string(e.seq) + " was edited"};
        else if (witnessed && e.seq == witnessed->seq) {
            witness_found = true;
            if (e.hash != witnessed->hash)
                broken = AuditBreak{e.seq, "entry " + std::to_string(e.seq) + " is not the one witnessed at " + format_rfc3339(witnessed->at) +
                                               " (the log was rewritten)"};
        }
        prev = e.hash;
        ++expected;
    });
    if (!broken && witnessed && !witness_found)
        broken = AuditBreak{witnessed->seq, "entry " + std::to_string(witnessed->seq) + ", witnessed at " + format_rfc3339(witnessed->at) +
                                                ", is gone (the log was cut back)"};
    return broken;
}

AuditHead Registry::audit_head() {
    const auto last = repo_.last_audit();
    return last ? AuditHead{last->seq, last->hash, clock_.now()} : AuditHead{0, Bytes(32, 0), clock_.now()};
}

std::string to_statement(const AuditHead& head) {
    return "tanba audit head\nseq: " + std::to_string(head.seq) + "\nhash: " + to_hex(head.hash) + "\nat: " + format_rfc3339(head.at) + "\n";
}

AuditHead parse_statement(std::string_view text) {
    auto fail = []() -> void { throw Error(ErrorCode::DECODE_FAILED, "not a tanba audit head statement"); };
    if (text.size() > 512 || !text.starts_with("tanba audit head\n")) fail();
    AuditHead head;
    std::string seq, hash, at;
    for (auto [line, rest] = std::pair{std::string_view(), text.substr(17)}; !rest.empty();) {
        const auto nl = rest.find('\n');
        if (nl == std::string_view::npos) fail();
        line = rest.substr(0, nl);
        rest.remove_prefix(nl + 1);
        if (line.starts_with("seq: ")) seq = line.substr(5);
        else if (line.starts_with("hash: ")) hash = line.substr(6);
        else if (line.starts_with("at: ")) at = line.substr(4);
        else fail();
    }
    if (seq.empty() || seq.size() > 18 || !std::all_of(seq.begin(), seq.end(), [](char c) { return c >= '0' && c <= '9'; })) fail();
    try {
        head.hash = from_hex(hash);
        head.at = parse_rfc3339(at);
    } catch (const Error&) {
        fail();
    }
    if (head.hash.size() != 32) fail();
    head.seq = std::stoll(seq);
    return head;
}

}  // namespace tanba::registry
