#pragma once
// Subject names in the layout of Kazakhstan's NCA (docs/nca-layout.md):
//   CN = "SURNAME GIVEN", SURNAME = surname, serialNumber = "IIN" + 12 digits, C, [L, ST],
//   [O = organisation, OU = "BIN" + 12 digits], GIVENNAME = patronymic, [emailAddress].
// And in the layout of Uzbekistan's E-IMZO certificates (a PINFL makes it one):
//   CN = "SURNAME GIVEN", SURNAME, GIVENNAME = first name, UID = personal TIN,
//   1.2.860.3.16.1.2 = PINFL, [O, 1.2.860.3.16.1.1 = the legal entity's TIN], C = UZ, [L, ST].
#include <optional>
#include <string>
#include <vector>

#include "tanba/ossl/handles.hpp"
#include "tanba/text/name_text.hpp"

namespace tanba::x509 {

/// Who a certificate is for. Text is UTF-8 (Cyrillic and Kazakh letters round-trip).
struct SubjectIdentity {
    std::string iin;            // 12 digits, without the "IIN" prefix; empty for none
    std::string bin;            // 12 digits, without the "BIN" prefix; empty for none
    std::string pinfl;          // Uzbek PINFL, 14 digits: the Uzbek layout; empty for none
    std::string tin;            // Uzbek personal TIN (UID), 9 digits
    std::string legal_tin;      // Uzbek legal entity's TIN (1.2.860.3.16.1.1), 9 digits
    std::string surname;
    std::string given_name;     // first name: appears only in CN
    std::string patronymic;     // goes into GIVENNAME, as NCA does (Uzbek layout: into CN only)
    std::string organization;   // O, for legal-entity certificates
    std::string country = "KZ";
    std::string locality;
    std::string state;
    std::string email;
    std::string common_name;    // explicit CN (CAs, services); otherwise "SURNAME GIVEN"

    /// Carries Uzbek identifiers: the E-IMZO layout.
    bool uzbek() const { return !pinfl.empty() || !tin.empty() || !legal_tin.empty(); }
};

/// The OIDs of E-IMZO's subject attributes.
inline constexpr const char* kOidPinfl = "1.2.860.3.16.1.2";
inline constexpr const char* kOidLegalTin = "1.2.860.3.16.1.1";

/// Builds the X.509 name in NCA order (or the Uzbek one when a PINFL is given). Throws
/// NAME_INVALID (empty subject, bad country code, identifiers of the wrong length, IIN/BIN
/// mixed with Uzbek identifiers). Identifier check digits are checked by lints.
ossl::Name build_name(const SubjectIdentity& id);

/// One attribute of a name, in order of appearance.
struct NameAttribute {
    std::string oid;        // dotted
    std::string short_name; // "CN", "serialNumber", ...
    std::string value;      // UTF-8
};
std::vector<NameAttribute> attributes(const X509_NAME* name);
/// The first value for an attribute NID, or empty.
std::string first_value(const X509_NAME* name, int nid);
/// RFC 2253-style one-line text, UTF-8.
std::string to_text(const X509_NAME* name);

/// The name-text problems (tanba::text) of every attribute of a name: control characters,
/// padding, non-NFC text, mixed-script words.
struct NameTextFinding {
    std::string attribute;  // short name, "CN"
    text::NameTextProblem problem;
};
std::vector<NameTextFinding> name_text_findings(const X509_NAME* name);
/// Throws the first one's code (NAME_CONTROL_CHARACTER, NAME_PADDING, NAME_NOT_NFC,
/// NAME_MIXED_SCRIPT, NAME_NOT_UTF8), naming the attribute.
void require_name_text(const X509_NAME* name);

/// Reads the identity back from a name (prefixes stripped; unknown text left as is).
SubjectIdentity identity_from_name(const X509_NAME* name);

}  // namespace tanba::x509
