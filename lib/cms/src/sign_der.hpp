#pragma once
// SignedData written by hand for Signers OpenSSL holds no key for (GOST: keys::GostKey), where
// OpenSSL's CMS_add1_signer cannot be used: the same CAdES-B-B layout sign.cpp makes.
#include "signed_data.hpp"
#include "tanba/cms/sign.hpp"

namespace tanba::cms::detail {

/// One signer, content attached or detached as the options say; the digest algorithm is the
/// Signer's (Signer::digest_algorithm), the content digested through DocumentDigests.
Bytes signed_data_der(const Content& content, const keys::Signer& key, const x509::Certificate& cert, const SignOptions& options);

}  // namespace tanba::cms::detail
