#pragma once
// An immutable parsed certificate that keeps its DER, and the identity view of it.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/keys/signer.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/base/error.hpp"
#include "tanba/ossl/handles.hpp"
#include "tanba/x509/name.hpp"

namespace tanba::x509 {

class Certificate {
public:
    /// Throws CERT_DECODE_FAILED (also for trailing bytes).
    static Certificate from_der(ByteView der);
    /// One or more certificates from PEM (all CERTIFICATE blocks) or one DER certificate.
    static std::vector<Certificate> load_all(ByteView data);
    /// Exactly one certificate (the first, when PEM holds several).
    static Certificate load(ByteView data);
    /// Takes a certificate built in this process (no re-parse); its DER is encoded once.
    static Certificate adopt(ossl::Cert cert);
    /// DER this process assembled and signed itself: parsed only when first needed.
    static Certificate from_trusted_der(Bytes der);

    const Bytes& der() const { return state_->der; }  ///< The certificate as encoded (DER).
    std::string pem() const;  ///< The certificate as PEM.
    /// Borrowed handle; valid as long as this object. Parses on first use (trusted DER).
    X509* get() const;

    /// The subject's public key, or nullptr when OpenSSL cannot load it (GOST keys).
    const EVP_PKEY* public_key() const;
    /// The SubjectPublicKeyInfo as encoded (any algorithm, GOST too).
    Bytes public_key_der() const;
    Bytes serial() const;             ///< big-endian magnitude
    std::string serial_hex() const;   ///< lower-case hex, no leading zero bytes; "-" first when negative
    TimePoint not_before() const;  ///< notBefore.
    TimePoint not_after() const;  ///< notAfter.
    /// notBefore <= t <= notAfter.
    bool valid_at(TimePoint t) const { return not_before() <= t && t <= not_after(); }
    bool is_ca() const;  ///< basicConstraints cA is true.
    /// basicConstraints pathLenConstraint, or nullopt when absent.
    std::optional<int> path_length() const;
    bool self_signed() const;         ///< subject == issuer and the signature verifies with its own key
    bool signed_by(const EVP_PKEY* key) const;  ///< the signature verifies with this key
    std::string subject_text() const;  ///< The subject as RFC 2253 text (UTF-8).
    std::string issuer_text() const;  ///< The issuer as RFC 2253 text (UTF-8).
    std::string sha256_fingerprint() const;   ///< lower-case hex

private:
    struct State {
        Bytes der;
        mutable std::once_flag parsed;
        mutable ossl::Cert cert;
    };
    explicit Certificate(std::shared_ptr<State> state) : state_(std::move(state)) {}
    std::shared_ptr<State> state_;
};

enum class IdentifierStatus { Absent, Valid, Invalid };
std::string_view to_string(IdentifierStatus s);  ///< "absent", "valid", "invalid".

/// An identifier found in a certificate: placeholders such as NCA's test "IIN123456789011"
/// are reported as Invalid with the reason, never as errors.
struct IdentifierField {
    std::string value;                    ///< digits as found (prefix stripped)
    IdentifierStatus status = IdentifierStatus::Absent;
    std::optional<ErrorCode> failure;     ///< why it is invalid
};

struct Role {
    std::string oid;
    std::string name;
};

/// NCANode's classification by key usage: AUTH (digitalSignature + keyEncipherment),
/// SIGN (digitalSignature + nonRepudiation); both bits set read as SIGN, like NCANode.
enum class UsageClass { Auth, Sign, Unknown };
std::string_view to_string(UsageClass u);  ///< "AUTH", "SIGN", "UNKNOWN".

struct CertificateInfo {
    std::string subject;          ///< RFC 2253 text
    std::string issuer;
    std::string serial_hex;
    std::string sha256;
    SubjectIdentity identity;
    IdentifierField iin;
    IdentifierField bin;
    IdentifierField pinfl;        ///< Uzbek layout (name.hpp): 1.2.860.3.16.1.2
    IdentifierField tin;          ///< UID
    IdentifierField legal_tin;    ///< 1.2.860.3.16.1.1
    std::vector<NameAttribute> subject_attributes;
    std::vector<NameTextFinding> subject_text_findings;  ///< names a CA should have refused
    std::vector<std::string> key_usage;           ///< "digitalSignature", ...
    std::vector<std::string> extended_key_usage;  ///< names where known, else dotted OIDs
    std::vector<Role> roles;                      ///< NCA role OIDs found in the EKU
    std::vector<std::string> policies;            ///< dotted OIDs
    UsageClass usage_class = UsageClass::Unknown;
    TimePoint not_before;
    TimePoint not_after;
    bool is_ca = false;
    std::optional<int> path_length;
    std::string signature_algorithm;              ///< name where known, else dotted OID
    std::string public_key_algorithm;
    int public_key_bits = 0;                      ///< 0 when OpenSSL cannot load the key (GOST)
};

/// Reads everything tanba reports about a certificate. Never throws for unusual content.
CertificateInfo describe(const Certificate& cert);

/// Throws KEY_MISMATCH unless the signer's key is the certificate's (a signer about to sign
/// as the certificate's subject: CMS, OCSP, TSA).
void require_key_of(const keys::Signer& key, const Certificate& cert);

}  // namespace tanba::x509
