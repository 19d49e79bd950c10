#pragma once
// CAdES-T on the verifying side.
#include <openssl/cms.h>

#include <optional>

#include "tanba/cms/verify.hpp"

namespace tanba::cms::detail {

/// The options with the validation time set: `options` itself when it has one, else a copy in
/// `storage` with the current time.
const VerifyOptions& with_time(const VerifyOptions& options, std::optional<VerifyOptions>& storage);

/// The signer's signature-time-stamp, verified: nullopt when it carries none (or when
/// verifying a token itself). Problems are added to `signer` too, so that a signature with a
/// bad time-stamp is not valid.
std::optional<TimestampReport> check_timestamp(CMS_SignerInfo* si, const validation::Validator& validator,
                                               const VerifyOptions& options, validation::ValidationReport& signer);

}  // namespace tanba::cms::detail
