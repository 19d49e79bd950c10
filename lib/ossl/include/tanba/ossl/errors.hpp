#pragma once
// Capturing the OpenSSL error queue into tanba::Error.
#include <string>
#include <vector>

#include "tanba/base/error.hpp"

namespace tanba::ossl {

/// Drains the thread's OpenSSL error queue into readable lines ("lib:reason:detail").
std::vector<std::string> drain_errors();

/// Clears the thread's OpenSSL error queue; call on entry to a public operation.
void clear_errors();

/// An Error with the current OpenSSL error queue as its causes (the queue is drained).
Error error(ErrorCode code, std::string context);

/// Throws error(code, context) when ok is false.
inline void check(bool ok, ErrorCode code, const char* context) {
    if (!ok) throw error(code, context);
}

}  // namespace tanba::ossl
