#include "tanba/x509/gost.hpp"
#include "tanba/x509/lint.hpp"

#include <openssl/x509v3.h>
#include "tanba/x509/template.hpp"

#include "key_usage.hpp"

#include <algorithm>
#include <set>

#include "tanba/ident/identifiers.hpp"
#include "tanba/ossl/codec.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::x509 {
namespace {

using Findings = std::vector<LintFinding>;

void add(Findings& f, const char* code, std::string msg) { f.push_back({code, std::move(msg)}); }

std::set<std::string> key_usage_of(X509* x) {
    int crit = 0;
    ossl::KeyUsageBits ku{static_cast<ASN1_BIT_STRING*>(X509_get_ext_d2i(x, NID_key_usage, &crit, nullptr))};
    std::set<std::string> out;
    for (auto name : key_usage_names(ku.get())) out.emplace(name);
    return out;
}

// serial: big-endian magnitude; its DER content is one octet longer when the top bit is set.
void lint_serial(ByteView serial, bool negative, Findings& f) {
    std::size_t skip = 0;
    while (skip < serial.size() && serial[skip] == 0) ++skip;
    std::size_t bits = 0;
    if (skip < serial.size()) {
        bits = (serial.size() - skip) * 8;
        for (auto top = serial[skip]; !(top & 0x80); top = static_cast<std::uint8_t>(top << 1)) --bits;
    }
    if (negative || bits == 0) add(f, "e_serial_not_positive", "serial must be positive");
    else if (bits < 64) add(f, "e_serial_too_short", "serial must carry at least 64 random bits");
    if (bits / 8 + 1 > 20) add(f, "e_serial_too_long", "serial longer than 20 octets (RFC 5280 4.1.2.2)");
}

void lint_validity(TimePoint nb, TimePoint na, const Certificate* issuer, Findings& f) {
    if (na <= nb) add(f, "e_validity_empty", "notAfter is not after notBefore");
    if (issuer && (nb < issuer->not_before() || na > issuer->not_after()))
        add(f, "e_validity_outside_issuer", "validity extends beyond the issuer's");
}

// LINT_FAILED with every finding as a cause (IDENTIFIER_INVALID when only identifiers are wrong).
void throw_findings(const Findings& findings) {
    if (findings.empty()) return;
    std::vector<std::string> causes;
    bool only_ids = true;
    for (const auto& f : findings) {
        causes.push_back(f.code + ": " + f.message);
        only_ids = only_ids && f.code == "e_identifier_invalid";
    }
    throw Error(only_ids ? ErrorCode::IDENTIFIER_INVALID : ErrorCode::LINT_FAILED,
                std::to_string(findings.size()) + " finding(s): " + causes.front(), causes);
}

void lint_extensions(X509* x, const Profile& p, const Certificate* issuer, Findings& f) {
    std::set<std::string> want(p.key_usage.begin(), p.key_usage.end());
    if (key_usage_of(x) != want) add(f, "e_key_usage_mismatch", "key usage differs from the profile");
    int ku_idx = X509_get_ext_by_NID(x, NID_key_usage, -1);
    if (ku_idx < 0 || !X509_EXTENSION_get_critical(X509_get_ext(x, ku_idx)))
        add(f, "e_key_usage_not_critical", "key usage must be present and critical");

    int crit = 0;
    ossl::ExtKeyUsage eku{static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(x, NID_ext_key_usage, &crit, nullptr))};
    const bool eku_critical = crit == 1;
    std::set<std::string> have, want_eku(p.extended_key_usage_oids.begin(), p.extended_key_usage_oids.end());
    for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku.get()); ++i) have.insert(ossl::oid_text(sk_ASN1_OBJECT_value(eku.get(), i)));
    if (have != want_eku) add(f, "e_eku_mismatch", "extended key usage differs from the profile");
    if (eku && eku_critical != p.extended_key_usage_critical)
        add(f, "e_eku_criticality", "extended key usage criticality differs from the profile");
    if (p.is_ca() && !have.empty()) add(f, "e_ca_with_eku", "CA certificates carry no EKU here");

    ossl::BasicConstraints bc{static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(x, NID_basic_constraints, &crit, nullptr))};
    if (p.is_ca() && (!bc || !bc->ca || !crit)) add(f, "e_ca_basic_constraints", "a CA needs critical basicConstraints CA:TRUE");
    if (!p.is_ca() && bc && bc->ca) add(f, "e_end_entity_is_ca", "an end-entity certificate must not be a CA");
    if (issuer && X509_get_pathlen(issuer->get()) == 0 && p.is_ca())
        add(f, "e_issuer_path_length", "the issuer's path length forbids issuing a CA");

    // The TBS is unsigned: read extensions directly (OpenSSL's cached accessors need a signed certificate).
    ossl::Asn1OctetString ski{static_cast<ASN1_OCTET_STRING*>(X509_get_ext_d2i(x, NID_subject_key_identifier, &crit, nullptr))};
    if (!ski) add(f, "e_missing_ski", "subject key identifier missing");
    ossl::AuthorityKeyId aki{static_cast<AUTHORITY_KEYID*>(X509_get_ext_d2i(x, NID_authority_key_identifier, &crit, nullptr))};
    if (!aki || !aki->keyid) add(f, "e_missing_aki", "authority key identifier missing");
    else if (issuer) {
        const ASN1_OCTET_STRING* iski = X509_get0_subject_key_id(issuer->get());
        if (iski && ASN1_OCTET_STRING_cmp(aki->keyid, iski) != 0)
            add(f, "e_aki_mismatch", "authority key identifier differs from the issuer's key id");
    }
    if (issuer && X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(issuer->get())) != 0)
        add(f, "e_issuer_name_mismatch", "issuer name differs from the issuer's subject");
}

void lint_duplicates(X509* x, Findings& f) {
    std::set<std::string> seen;
    for (int i = 0; i < X509_get_ext_count(x); ++i) {
        auto oid = ossl::oid_text(X509_EXTENSION_get_object(X509_get_ext(x, i)));
        if (!seen.insert(oid).second) add(f, "e_duplicate_extension", "extension " + oid + " appears twice");
    }
}

void lint_key(X509* x, const Profile& p, Findings& f) {
    if (const auto gost = gost_key_spec(X509_get_X509_PUBKEY(x))) {  // OpenSSL holds no GOST keys
        if (!p.allows(*gost)) add(f, "e_key_not_allowed", keys::to_string(*gost) + " is not allowed by the profile");
        return;
    }
    const EVP_PKEY* k = X509_get0_pubkey(x);
    if (!k) {
        ossl::clear_errors();
        add(f, "e_key_unreadable", "public key cannot be read");
        return;
    }
    try {
        auto spec = keys::spec_of(k);
        if (spec.algorithm == keys::KeyAlgorithm::Rsa && spec.bits < 2048)
            add(f, "e_rsa_key_too_small", "RSA keys must be at least 2048 bits");
        if (!p.allows(spec)) add(f, "e_key_not_allowed", keys::to_string(spec) + " is not allowed by the profile");
    } catch (const Error& e) {
        add(f, "e_key_unsupported", e.what());
    }
}

}  // namespace

void check_subject(const X509_NAME* subject, const Profile& p) {
    if (X509_NAME_entry_count(subject) == 0) throw Error(ErrorCode::NAME_INVALID, "the subject is empty");
    check_subject(identity_from_name(subject), p);
}

void check_subject(const SubjectIdentity& id, const Profile& p) {
    if (id.common_name.empty()) throw Error(ErrorCode::NAME_INVALID, "the subject has no common name");
    auto require_id = [](const std::string& value, ident::IdType type, const char* what) {
        if (value.empty()) throw Error(ErrorCode::NAME_INVALID, std::string("profile requires ") + what + " in the subject");
        auto r = ident::check(value, type);
        if (!r.valid())
            throw Error(ErrorCode::IDENTIFIER_INVALID,
                        std::string(what) + " " + value + ": " + std::string(to_string(*r.failure)) + " (" +
                            std::string(info(*r.failure).message) + ")");
    };
    switch (p.subject) {
        case SubjectRule::Citizen:
            require_id(id.iin, ident::IdType::Iin, "IIN (serialNumber)");
            if (id.surname.empty()) throw Error(ErrorCode::NAME_INVALID, "profile requires SURNAME");
            break;
        case SubjectRule::Legal:
            require_id(id.iin, ident::IdType::Iin, "IIN (serialNumber)");
            require_id(id.bin, ident::IdType::Bin, "BIN (OU)");
            if (id.organization.empty()) throw Error(ErrorCode::NAME_INVALID, "profile requires the organisation (O)");
            break;
        case SubjectRule::UzCitizen:
            require_id(id.pinfl, ident::IdType::Pinfl, "PINFL (1.2.860.3.16.1.2)");
            if (!id.tin.empty()) require_id(id.tin, ident::IdType::Tin, "TIN (UID)");
            if (id.surname.empty()) throw Error(ErrorCode::NAME_INVALID, "profile requires SURNAME");
            break;
        case SubjectRule::UzLegal:
            require_id(id.pinfl, ident::IdType::Pinfl, "PINFL (1.2.860.3.16.1.2)");
            require_id(id.legal_tin, ident::IdType::Tin, "the legal entity's TIN (1.2.860.3.16.1.1)");
            if (!id.tin.empty()) require_id(id.tin, ident::IdType::Tin, "TIN (UID)");
            if (id.organization.empty()) throw Error(ErrorCode::NAME_INVALID, "profile requires the organisation (O)");
            break;
        case SubjectRule::Ca:
        case SubjectRule::Service: break;
    }
}

std::vector<LintFinding> lint(const Tbs& tbs, const Profile& p, const Certificate* issuer) {
    ossl::clear_errors();
    Findings f;
    X509* x = tbs.get();
    if (X509_NAME_entry_count(X509_get_subject_name(x)) == 0) add(f, "e_subject_empty", "subject is empty");
    try {
        check_subject(X509_get_subject_name(x), p);
    } catch (const Error& e) {
        add(f, e.code() == ErrorCode::IDENTIFIER_INVALID ? "e_identifier_invalid" : "e_subject_rule", e.context());
    }
    const ASN1_INTEGER* serial = X509_get0_serialNumber(x);
    lint_serial(ByteView(serial->data, static_cast<std::size_t>(serial->length)),
                ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER, f);
    lint_validity(ossl::to_time_point(X509_get0_notBefore(x)), ossl::to_time_point(X509_get0_notAfter(x)), issuer, f);
    lint_extensions(x, p, issuer, f);
    lint_duplicates(x, f);
    lint_key(x, p, f);
    ossl::clear_errors();
    return f;
}

void require_clean(const Tbs& tbs, const Profile& p, const Certificate* issuer) { throw_findings(lint(tbs, p, issuer)); }

void require_clean_fields(const TemplateFields& fields, const SubjectIdentity& subject, const Profile& profile,
                          const Certificate& issuer) {
    Findings f;
    lint_serial(fields.serial, false, f);
    if (fields.subject.size() <= 2) add(f, "e_subject_empty", "subject is empty");  // SEQUENCE {}
    lint_validity(fields.not_before, fields.not_after, &issuer, f);
    throw_findings(f);
    check_subject(subject, profile);  // NAME_INVALID / IDENTIFIER_INVALID with the identifier's reason
}

}  // namespace tanba::x509
