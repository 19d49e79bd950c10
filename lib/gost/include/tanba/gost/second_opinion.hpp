#pragma once
// Botan as an independent second opinion (its own X.509 parser and RFC 5280 path validation).
// GOST R 34.10-2012 / KZ GOST 2015 verification will live beside it (Botan is the home of both).
#include <cstdint>
#include <string>
#include <vector>

#include "tanba/base/bytes.hpp"

namespace tanba::gost {

struct PathInputs {
    Bytes leaf;                       // DER
    std::vector<Bytes> untrusted;     // DER
    std::vector<Bytes> anchors;       // DER
    std::vector<Bytes> crls;          // DER; checked by Botan when present
    std::int64_t unix_time = 0;       // validation time
    std::string host;                 // DNS name to match, or empty
};

struct Opinion {
    bool valid = false;
    std::string reason;               // Botan's result string
};

/// Botan 2's x509_path_validate on the same inputs (minimum key strength 110 bits, SHA-1
/// refused; revocation required only when CRLs are given). Never throws: a parse failure is
/// an invalid opinion with its reason.
Opinion botan_path_validation(const PathInputs& in);

}  // namespace tanba::gost
