#pragma once
// The one-call C++ entry points for programs that embed signature checks: a Verifier made once
// from trust anchors (and optionally intermediates, CRLs, a fixed time, a revocation policy),
// then verify_cms() as often as needed, from any number of threads; certificate_info() for what
// a certificate says. The C API (<tanba/tanba.h>) and the Python package are this, across a C ABI.
#include <memory>
#include <optional>
#include <vector>

#include "tanba/cms/verify.hpp"

namespace tanba {

/// Whether CRLs and OCSP answers named in the certificates are fetched when the given CRLs do
/// not settle a certificate's status.
enum class Network { Fetch, Offline };

/// What a Verifier trusts and how it judges. The defaults are the safe ones: the validation
/// time is the time of each call, revocation is required (unknown status: INDETERMINATE),
/// revocation data is fetched.
struct TrustOptions {
    std::vector<x509::Certificate> trust;          ///< trust anchors (at least one)
    std::vector<x509::Certificate> intermediates;  ///< CA certificates to build paths with
    std::vector<revocation::Crl> crls;             ///< CRLs to use before fetching
    std::optional<TimePoint> at;                   ///< validation time; unset: now, per call
    validation::RevocationMode revocation = validation::RevocationMode::Require;
    Network network = Network::Fetch;
    cms::SignatureLevel level = cms::SignatureLevel::B;  ///< T: a valid signature-time-stamp is required
};

/// Trust material parsed and indexed once; immutable and thread-safe.
class Verifier {
public:
    /// Throws INVALID_ARGUMENT without trust anchors.
    explicit Verifier(TrustOptions options);
    ~Verifier();
    Verifier(Verifier&&) noexcept;             ///< Moves (the source is left empty).
    Verifier& operator=(Verifier&&) noexcept;  ///< Moves (the source is left empty).

    /// Every signer of a CMS / CAdES signature (DER, BER or PEM): signature, signed attributes,
    /// certificate path, signing purpose, revocation, signature-time-stamp. `content`: the
    /// document of a detached signature. Problems are in the report, never thrown (only
    /// INPUT_TOO_LARGE is).
    cms::SignatureReport verify_cms(ByteView cms, std::optional<ByteView> content = std::nullopt) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// One call: a Verifier for these options, one verification.
cms::SignatureReport verify_cms(ByteView cms, std::optional<ByteView> content, TrustOptions options);

/// What a certificate (DER or PEM) says: names, IIN, BIN, PINFL, NCA roles, usages, validity.
/// Throws CERT_DECODE_FAILED.
x509::CertificateInfo certificate_info(ByteView der_or_pem);

}  // namespace tanba
