#pragma once
// OCSP request parsing and status-only responses, shared by the CA's responder and the cache.
#include <openssl/ocsp.h>

#include "tanba/base/bytes.hpp"
#include "tanba/ossl/handles.hpp"

namespace tanba::ca::detail {

/// The request, or null when the input is not exactly one DER OCSPRequest of at most 64 KiB
/// asking about at least one certificate. Clears OpenSSL's error queue.
ossl::OcspRequest parse_ocsp_request(ByteView der);

/// An OCSPResponse carrying only a status (malformedRequest, unauthorized, ...).
Bytes ocsp_status_only(int status);

}  // namespace tanba::ca::detail
