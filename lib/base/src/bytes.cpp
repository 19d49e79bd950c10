#include "tanba/base/bytes.hpp"

#include <algorithm>
#include <cstring>

#include "tanba/base/error.hpp"

namespace tanba {

std::string to_hex(ByteView data) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (auto b : data) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0xF]);
    }
    return out;
}

namespace {
int nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

Bytes from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) throw Error(ErrorCode::INVALID_ARGUMENT, "hex string has odd length");
    Bytes out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0) throw Error(ErrorCode::INVALID_ARGUMENT, "not a hex string");
        out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
    }
    return out;
}

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        value_ = std::move(other.value_);
        other.wipe();
    }
    return *this;
}

Secret::~Secret() { wipe(); }

void Secret::wipe() noexcept {
    if (!value_.empty()) explicit_bzero(value_.data(), value_.size());
    value_.clear();
}

namespace {
constexpr std::string_view kStandard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}  // namespace

std::string base64_encode(ByteView data, Base64 alphabet) {
    const auto chars = alphabet == Base64::Standard ? kStandard : kUrl;
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < data.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, data.size() - i);
        std::uint32_t v = std::uint32_t{data[i]} << 16;
        if (n > 1) v |= std::uint32_t{data[i + 1]} << 8;
        if (n > 2) v |= data[i + 2];
        for (std::size_t k = 0; k < 4; ++k) {
            if (k <= n) out.push_back(chars[(v >> (18 - 6 * k)) & 0x3F]);
            else if (alphabet == Base64::Standard) out.push_back('=');
        }
    }
    return out;
}

std::optional<Bytes> base64_decode(std::string_view text, Base64 alphabet) {
    const auto chars = alphabet == Base64::Standard ? kStandard : kUrl;
    std::size_t padding = 0;
    while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
    const auto body = text.substr(0, text.size() - padding);
    if (alphabet == Base64::Standard ? text.size() % 4 != 0 : (padding && text.size() % 4 != 0)) return std::nullopt;
    if (body.size() % 4 == 1) return std::nullopt;
    Bytes out;
    out.reserve(body.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : body) {
        const auto pos = chars.find(c);
        if (pos == std::string_view::npos) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xFF));
        }
    }
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;  // non-canonical trailing bits
    return out;
}

}  // namespace tanba
