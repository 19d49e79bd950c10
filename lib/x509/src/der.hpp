#pragma once
// The DER writer lives in lib/base (shared with CRL assembly).
#include "tanba/base/der.hpp"

namespace tanba::x509 {
namespace der = tanba::der;
}  // namespace tanba::x509
