#pragma once
// Shared by the fuzz targets: OpenSSL set up once, a fixed small PKI to validate against.
#include "tanba/ossl/runtime.hpp"
#include "tanba/validation/validator.hpp"

namespace fuzz {

inline tanba::ossl::Runtime& runtime() {
    static tanba::ossl::Runtime r;
    return r;
}

/// A validator with no anchors reachable by fuzzed data except by chance: exercises parsing,
/// path building and every check, never finds a valid path.
inline const tanba::validation::Validator& validator() {
    runtime();
    static const tanba::validation::Validator v({}, {}, {});
    return v;
}

inline tanba::validation::ValidationOptions options() {
    tanba::validation::ValidationOptions o;
    o.at = tanba::parse_rfc3339("2024-06-01T00:00:00Z");
    o.revocation = tanba::validation::RevocationMode::Require;
    return o;
}

}  // namespace fuzz
