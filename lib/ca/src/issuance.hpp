#pragma once
// The issuance pipeline (ARCHITECTURE.md), one named step per function, in this order:
//   authorise  the profile is one this CA issues with (not root-ca) and its key is loaded
//   request    proof of possession, key policy (algorithm and size the profile allows)
//   subject    the identity in the name, the subject rules and identifiers, the validity
//   body       the TBS from the profile's template, the store's row for it
//   lint       the per-certificate fields linted as they are set (the template was linted once)
//   reserve    the serial, durably and uniquely (drawn again on a collision)
//   sign       through the CA's keys::Signer
//   store      the certificate, or the failure, durably; the audit entry in the same commit
// Nothing is signed that the store does not know. A single request goes straight through;
// a batch overlaps its chunks' commits with drafting and signing the next.
#include <span>
#include <vector>

#include "tanba/ca/authority.hpp"
#include "tanba/x509/template.hpp"

namespace tanba::ca::detail {

/// Who issues: what every step needs.
struct IssuerContext {
    const x509::Profile& profile;
    const x509::PreparedProfile& prepared;
    const x509::CertificateTemplate& tmpl;
    const x509::Certificate& issuer;
    const keys::Signer& signer;
    store::CaRepository& repo;
    const std::string& issuer_id;
    const Clock& clock;
};

/// The self-signed certificate of a new root: built with OpenSSL objects and linted whole,
/// reserved, signed, stored.
x509::Certificate issue_root(const x509::Profile& profile, const X509_NAME* subject, const keys::Signer& key,
                             store::CaRepository& repo, const Clock& clock);

/// One request, all steps, no batch machinery. Throws the request's error. With an
/// idempotency key, a repeat of a completed request returns its certificate.
x509::Certificate issue_one(const IssuerContext& ctx, const x509::CertificateRequest& csr, const IssueOptions& options);

/// Many requests; each fails on its own.
std::vector<IssueResult> issue_many(const IssuerContext& ctx, std::span<const x509::CertificateRequest> csrs);

}  // namespace tanba::ca::detail
