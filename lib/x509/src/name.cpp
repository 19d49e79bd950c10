#include "tanba/x509/name.hpp"

#include <openssl/x509v3.h>

#include <algorithm>

#include "tanba/base/error.hpp"
#include "tanba/ossl/errors.hpp"

namespace tanba::x509 {
namespace {

bool digits(const std::string& s, std::size_t n) {
    return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool twelve_digits(const std::string& s) { return digits(s, 12); }

// The NID of an E-IMZO attribute (registered by ossl::Runtime with the national OIDs).
int uz_nid(const char* oid) { return OBJ_txt2nid(oid); }

void add(X509_NAME* name, int nid, const std::string& value) {
    if (value.empty()) return;
    if (X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1)
        throw ossl::error(ErrorCode::NAME_INVALID, std::string(OBJ_nid2sn(nid)) + " value '" + value + "'");
}

std::string strip_prefix(const std::string& v, std::string_view prefix) {
    return v.rfind(prefix, 0) == 0 ? v.substr(prefix.size()) : v;
}

}  // namespace

ossl::Name build_name(const SubjectIdentity& id) {
    ossl::clear_errors();
    // Each part as given, so that the error names it (the CN is composed of some of them).
    for (const auto& [field, value] : {std::pair<const char*, const std::string&>{"surname", id.surname}, {"given name", id.given_name},
                                       {"patronymic", id.patronymic}, {"common name", id.common_name}, {"organisation", id.organization},
                                       {"locality", id.locality}, {"state", id.state}, {"email", id.email}})
        if (!value.empty()) text::require_name_text(field, value);
    if (!id.iin.empty() && !twelve_digits(id.iin))
        throw Error(ErrorCode::NAME_INVALID, "IIN must be 12 digits, got '" + id.iin + "'");
    if (!id.bin.empty() && !twelve_digits(id.bin))
        throw Error(ErrorCode::NAME_INVALID, "BIN must be 12 digits, got '" + id.bin + "'");
    const bool uz = id.uzbek();
    if (uz && (!id.iin.empty() || !id.bin.empty()))
        throw Error(ErrorCode::NAME_INVALID, "a subject carries Kazakh (IIN, BIN) or Uzbek (PINFL, TIN) identifiers, not both");
    if (!id.pinfl.empty() && !digits(id.pinfl, 14))
        throw Error(ErrorCode::NAME_INVALID, "PINFL must be 14 digits, got '" + id.pinfl + "'");
    for (const auto* tin : {&id.tin, &id.legal_tin})
        if (!tin->empty() && !digits(*tin, 9)) throw Error(ErrorCode::NAME_INVALID, "a TIN must be 9 digits, got '" + *tin + "'");
    if (!id.country.empty() && (id.country.size() != 2 || !std::isupper(static_cast<unsigned char>(id.country[0])) ||
                                !std::isupper(static_cast<unsigned char>(id.country[1]))))
        throw Error(ErrorCode::NAME_INVALID, "country must be a two-letter code, got '" + id.country + "'");
    std::string cn = id.common_name;
    if (cn.empty()) {
        cn = id.surname;
        if (!id.given_name.empty()) cn += (cn.empty() ? "" : " ") + id.given_name;
        if (uz && !id.patronymic.empty()) cn += (cn.empty() ? "" : " ") + id.patronymic;
    }
    if (cn.empty()) throw Error(ErrorCode::NAME_INVALID, "a subject needs a common name or a surname");
    if (id.common_name.empty()) text::require_name_text("CN", cn);  // composed: "SURNAME GIVEN"
    if (!id.bin.empty() && id.organization.empty())
        throw Error(ErrorCode::NAME_INVALID, "a BIN needs the organisation name (O)");
    if (!id.legal_tin.empty() && id.organization.empty())
        throw Error(ErrorCode::NAME_INVALID, "a legal entity's TIN needs the organisation name (O)");

    ossl::Name name(X509_NAME_new());
    if (uz) {
        add(name.get(), NID_commonName, cn);
        add(name.get(), NID_surname, id.surname);
        add(name.get(), NID_givenName, id.given_name);
        add(name.get(), NID_userId, id.tin);
        add(name.get(), uz_nid(kOidPinfl), id.pinfl);
        add(name.get(), NID_organizationName, id.organization);
        add(name.get(), uz_nid(kOidLegalTin), id.legal_tin);
        add(name.get(), NID_localityName, id.locality);
        add(name.get(), NID_stateOrProvinceName, id.state);
        add(name.get(), NID_countryName, id.country);
        add(name.get(), NID_pkcs9_emailAddress, id.email);
        return name;
    }
    add(name.get(), NID_commonName, cn);
    add(name.get(), NID_surname, id.surname);
    if (!id.iin.empty()) add(name.get(), NID_serialNumber, "IIN" + id.iin);
    add(name.get(), NID_countryName, id.country);
    add(name.get(), NID_localityName, id.locality);
    add(name.get(), NID_stateOrProvinceName, id.state);
    add(name.get(), NID_organizationName, id.organization);
    if (!id.bin.empty()) add(name.get(), NID_organizationalUnitName, "BIN" + id.bin);
    add(name.get(), NID_givenName, id.patronymic);
    add(name.get(), NID_pkcs9_emailAddress, id.email);
    return name;
}

std::vector<NameTextFinding> name_text_findings(const X509_NAME* name) {
    std::vector<NameTextFinding> out;
    for (const auto& a : attributes(name))
        for (auto& p : text::check_name_text(a.value)) out.push_back({a.short_name, std::move(p)});
    return out;
}

void require_name_text(const X509_NAME* name) {
    const auto findings = name_text_findings(name);
    if (!findings.empty()) throw Error(findings.front().problem.code, findings.front().attribute + ": " + findings.front().problem.detail);
}

std::vector<NameAttribute> attributes(const X509_NAME* name) {
    std::vector<NameAttribute> out;
    for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
        const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
        const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(e);
        unsigned char* utf8 = nullptr;
        int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
        std::string value;
        if (n >= 0) {
            ossl::OpenSslBytes guard(utf8);
            value.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
        }
        char oid[80];
        OBJ_obj2txt(oid, sizeof oid, obj, 1);
        int nid = OBJ_obj2nid(obj);
        out.push_back({oid, nid == NID_undef ? oid : OBJ_nid2sn(nid), std::move(value)});
    }
    ossl::clear_errors();
    return out;
}

std::string first_value(const X509_NAME* name, int nid) {
    int idx = X509_NAME_get_index_by_NID(name, nid, -1);
    if (idx < 0) return {};
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
    if (n < 0) {
        ossl::clear_errors();
        return {};
    }
    ossl::OpenSslBytes guard(utf8);
    return std::string(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
}

std::string to_text(const X509_NAME* name) {
    ossl::Bio bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* p = nullptr;
    long n = BIO_get_mem_data(bio.get(), &p);
    return std::string(p, static_cast<std::size_t>(n));
}

SubjectIdentity identity_from_name(const X509_NAME* name) {
    SubjectIdentity id;
    id.common_name = first_value(name, NID_commonName);
    id.surname = first_value(name, NID_surname);
    id.patronymic = first_value(name, NID_givenName);
    id.country = first_value(name, NID_countryName);
    id.locality = first_value(name, NID_localityName);
    id.state = first_value(name, NID_stateOrProvinceName);
    id.organization = first_value(name, NID_organizationName);
    id.email = first_value(name, NID_pkcs9_emailAddress);
    std::string serial = first_value(name, NID_serialNumber);
    std::string ou = first_value(name, NID_organizationalUnitName);
    // NCANode's reading: serialNumber "IIN…" is the IIN, "BIN…" a BIN; OU "BIN…" is the BIN.
    if (serial.rfind("IIN", 0) == 0) id.iin = strip_prefix(serial, "IIN");
    else if (serial.rfind("BIN", 0) == 0) id.bin = strip_prefix(serial, "BIN");
    if (ou.rfind("BIN", 0) == 0) id.bin = strip_prefix(ou, "BIN");
    id.pinfl = first_value(name, uz_nid(kOidPinfl));
    id.tin = first_value(name, NID_userId);
    id.legal_tin = first_value(name, uz_nid(kOidLegalTin));
    if (id.uzbek()) {  // E-IMZO: GIVENNAME is the first name
        id.given_name = id.patronymic;
        id.patronymic.clear();
        const std::string named = id.surname + " " + id.given_name + " ";  // the patronymic is in the CN only
        if (!id.surname.empty() && !id.given_name.empty() && id.common_name.rfind(named, 0) == 0)
            id.patronymic = id.common_name.substr(named.size());
        return id;
    }
    // The first name is the CN's part after the surname.
    if (!id.surname.empty() && id.common_name.rfind(id.surname + " ", 0) == 0)
        id.given_name = id.common_name.substr(id.surname.size() + 1);
    return id;
}

}  // namespace tanba::x509
