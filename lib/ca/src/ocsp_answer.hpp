#pragma once
// One OCSP answer from a CA's facts, shared by CertificateAuthority::ocsp_response and the
// OcspResponder (for requests it does not cache).
#include <chrono>

#include "tanba/ca/authority.hpp"
#include "tanba/revocation/ocsp_writer.hpp"

namespace tanba::ca::detail {

/// A single response for each certificate of `ca` the request asks about (others are left
/// out), the nonce echoed; `unauthorized` when none is the CA's.
Bytes ocsp_answer(CertificateAuthority& ca, const revocation::OcspRequestInfo& request,
                  const revocation::OcspWriter& writer, std::chrono::seconds validity, TimePoint now);

}  // namespace tanba::ca::detail
