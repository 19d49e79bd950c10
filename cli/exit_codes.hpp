#pragma once
#include "tanba/base/error.hpp"

namespace tanba::cli {
/// The one table from error codes to process exit codes: 2 usage/config/input,
/// 3 I/O, database or device unavailable, 4 internal.
int exit_code_for(ErrorCode code);
}  // namespace tanba::cli
