#pragma once
// An immutable parsed CRL (RFC 5280 §5) that keeps its DER: what path validation needs to
// decide which CRLs cover a certificate and whether it is listed.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"
#include "tanba/base/clock.hpp"
#include "tanba/ossl/handles.hpp"
#include "tanba/x509/certificate.hpp"

namespace tanba::revocation {

/// RFC 5280 CRLReason values (7 is unused).
enum class Reason {
    Unspecified = 0, KeyCompromise = 1, CaCompromise = 2, AffiliationChanged = 3, Superseded = 4,
    CessationOfOperation = 5, CertificateHold = 6, RemoveFromCrl = 8, PrivilegeWithdrawn = 9,
    AaCompromise = 10,
};
std::string_view to_string(Reason r);  ///< The RFC 5280 name, e.g. "keyCompromise".
/// A reason from its RFC 5280 name, any case, dashes and underscores ignored
/// ("keyCompromise", "key-compromise"); nullopt for others (removeFromCRL is not one).
std::optional<Reason> reason_from_string(std::string_view name);

/// ReasonFlags (RFC 5280 §4.2.1.13) as a bit mask: bit 1 keyCompromise … 6 certificateHold,
/// 7 privilegeWithdrawn, 8 aACompromise (bit 0 is unused). Not the same numbers as Reason.
using ReasonMask = unsigned;
constexpr ReasonMask kAllReasons = 0x1FE;  ///< bits 1-8

struct RevokedEntry {
    Bytes serial;
    TimePoint revoked_at;
    Reason reason = Reason::Unspecified;
    std::optional<TimePoint> invalidity_date;
};

/// The issuingDistributionPoint extension, flattened.
struct Scope {
    bool present = false;
    const DIST_POINT_NAME* name = nullptr;  ///< borrowed from the CRL; dpname set to full names
    bool only_user = false;
    bool only_ca = false;
    bool only_attribute = false;
    bool indirect = false;
    ReasonMask only_some_reasons = kAllReasons;
};

class Crl {
public:
    /// Throws CRL_DECODE_FAILED (also for trailing bytes and malformed extensions).
    static Crl from_der(ByteView der);
    /// All X509 CRL blocks of PEM input, or one DER CRL.
    static std::vector<Crl> load_all(ByteView data);

    const Bytes& der() const { return state_->der; }  ///< The CRL as received (DER).
    X509_CRL* get() const { return state_->crl.get(); }  ///< OpenSSL's parsed CRL (owned by this object).
    const X509_NAME* issuer() const;  ///< The issuer name.
    TimePoint this_update() const;  ///< thisUpdate.
    std::optional<TimePoint> next_update() const;  ///< nextUpdate, when present.
    /// cRLNumber / deltaCRLIndicator (base CRL number), big-endian magnitude.
    const std::optional<Bytes>& number() const { return state_->number; }
    const std::optional<Bytes>& delta_base() const { return state_->delta_base; }  ///< deltaCRLIndicator's base CRL number (delta CRLs).
    bool is_delta() const { return state_->delta_base.has_value(); }  ///< A delta CRL.
    const std::optional<Bytes>& authority_key_id() const { return state_->aki; }  ///< authorityKeyIdentifier's key id, when present.
    const Scope& scope() const { return state_->scope; }  ///< What the issuingDistributionPoint limits it to.
    /// The issuingDistributionPoint extension's DER (empty when absent): a delta CRL covers
    /// the same scope as its complete CRL when these are equal.
    const Bytes& scope_der() const { return state_->idp_der; }
    /// A critical extension (of the CRL or of an entry) this code does not process: such a CRL
    /// must not be used (RFC 5280 §5.2, §5.3).
    bool has_unknown_critical_extension() const { return state_->unknown_critical; }
    /// Why this CRL must not be used (RFC 5280 §5: cRLNumber missing or critical, unknown
    /// critical extension); empty when it may be.
    const std::string& problem() const { return state_->problem; }

    /// The entry for `serial` of a certificate issued by `cert_issuer` (for an indirect CRL,
    /// entries name their certificate issuer; otherwise it must be this CRL's issuer).
    std::optional<RevokedEntry> find(const x509::Certificate& cert) const;
    bool signature_valid(const EVP_PKEY* key) const;  ///< The CRL's signature verifies with key.

private:
    struct State {
        Bytes der;
        ossl::Crl crl;
        ossl::IssuingDistPoint idp;
        Scope scope;
        Bytes idp_der;
        std::optional<Bytes> number, delta_base, aki;
        bool unknown_critical = false;
        std::string problem;
    };
    explicit Crl(std::shared_ptr<const State> s) : state_(std::move(s)) {}
    std::shared_ptr<const State> state_;
};

/// Reasons in a ReasonFlags bit string (DIST_POINT reasons, IDP onlySomeReasons).
ReasonMask reason_mask(const ASN1_BIT_STRING* flags);

}  // namespace tanba::revocation
