#include "tanba/base/bytes.hpp"

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

}  // namespace tanba
