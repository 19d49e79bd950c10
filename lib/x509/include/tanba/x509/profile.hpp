#pragma once
// Certificate profiles: data files (TOML) that say what a certificate of a kind contains.
// Format: docs/profiles.md. Built-in profiles ship inside the library; a CA directory's
// profiles/ folder holds its own copies, and a CA officer adds a profile by adding a file.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tanba/keys/signer.hpp"

namespace tanba::x509 {

enum class ProfileKind { RootCa, SubCa, EndEntity };
/// What the subject must carry: citizen (IIN, surname), legal (IIN, BIN, organisation),
/// ca or service (a common name); Uzbek citizen (PINFL, surname) and Uzbek legal (PINFL,
/// the legal entity's TIN, organisation).
enum class SubjectRule { Citizen, Legal, Ca, Service, UzCitizen, UzLegal };

std::string_view to_string(ProfileKind k);
std::string_view to_string(SubjectRule r);

struct Profile {
    std::string name;
    std::string description;
    ProfileKind kind = ProfileKind::EndEntity;
    SubjectRule subject = SubjectRule::Citizen;
    int validity_days = 365;
    std::vector<std::string> key_usage;             // RFC 5280 names, e.g. "digitalSignature"
    std::vector<std::string> extended_key_usage;    // names (clientAuth, ...) or dotted OIDs
    std::vector<std::string> extended_key_usage_oids; // the same, all as dotted OIDs
    bool extended_key_usage_critical = false;
    std::vector<std::string> policies;              // dotted OIDs
    std::string cps_uri;                            // optional CPS qualifier on every policy
    std::optional<int> path_length;                 // CA profiles
    bool crl = false;                               // CRL distribution point from the CA's base URL
    bool ocsp = false;                              // AIA OCSP from the CA's base URL
    bool ca_issuers = false;                        // AIA caIssuers from the CA's base URL
    bool ocsp_no_check = false;                     // id-pkix-ocsp-nocheck (OCSP signers)
    std::vector<keys::KeySpec> allowed_keys;        // key types a request may carry
    std::vector<std::string> allowed_csr_extensions;// extension names copied from a CSR; others ignored

    bool is_ca() const { return kind != ProfileKind::EndEntity; }
    bool allows(const keys::KeySpec& spec) const;
    /// CSR_POLICY naming the allowed key types, unless the profile allows spec.
    void require_allowed(const keys::KeySpec& spec) const;
};

/// Parses one profile. Unknown keys, unknown usage names and bad OIDs are PROFILE_INVALID
/// (a typo must not silently change a certificate). origin names the file in messages.
Profile parse_profile(std::string_view toml_text, const std::string& origin);

/// The built-in profiles' file names and TOML texts.
const std::map<std::string, std::string>& builtin_profile_texts();

/// A named set of profiles.
class ProfileSet {
public:
    /// The built-in profiles.
    static ProfileSet builtin();
    /// Every *.toml in dir (the file name without .toml must equal the profile's name).
    static ProfileSet load_dir(const std::filesystem::path& dir);

    /// Throws PROFILE_NOT_FOUND listing the known names.
    const Profile& get(std::string_view name) const;
    std::vector<std::string> names() const;

private:
    std::map<std::string, Profile, std::less<>> profiles_;
};

}  // namespace tanba::x509
