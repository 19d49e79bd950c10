#pragma once
// RFC 5280 4.2.1.3 key usage names, indexed by bit number; shared by profiles, lints and info.
#include <openssl/x509v3.h>

#include <array>
#include <string_view>
#include <vector>

#include "tanba/ossl/handles.hpp"

namespace tanba::x509 {

inline constexpr std::array<std::string_view, 9> kKeyUsageNames = {
    "digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement",
    "keyCertSign",      "cRLSign",        "encipherOnly",    "decipherOnly"};

inline bool is_key_usage_name(std::string_view name) {
    for (auto n : kKeyUsageNames)
        if (n == name) return true;
    return false;
}

/// The names of the bits set in a keyUsage BIT STRING, in bit order.
inline std::vector<std::string_view> key_usage_names(const ASN1_BIT_STRING* bits) {
    std::vector<std::string_view> out;
    for (std::size_t bit = 0; bits && bit < kKeyUsageNames.size(); ++bit)
        if (ASN1_BIT_STRING_get_bit(bits, static_cast<int>(bit))) out.push_back(kKeyUsageNames[bit]);
    return out;
}

}  // namespace tanba::x509
