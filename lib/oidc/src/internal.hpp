#pragma once
// What provider.cpp and protocol.cpp share.
#include <string>
#include <string_view>

#include "tanba/base/bytes.hpp"

namespace tanba::oidc::detail {

/// The host of an absolute URL ("[::1]" bracketed); empty when there is none or it has userinfo.
std::string host_of(std::string_view url);
bool loopback(std::string_view host);
/// PBKDF2-SHA256 of a client secret.
Bytes secret_hash(std::string_view secret, ByteView salt);

}  // namespace tanba::oidc::detail
