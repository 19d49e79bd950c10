#pragma once
// Byte buffers, secrets and hex.
#include <cstdint>
#include <span>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tanba {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

/// Lower-case hex of the bytes.
std::string to_hex(ByteView data);
/// Parses hex (either case, even length). Throws Error(INVALID_ARGUMENT) otherwise.
Bytes from_hex(std::string_view hex);

/// RFC 4648 base64: Standard (+/ with = padding) or Url (-_ without padding).
enum class Base64 { Standard, Url };
std::string base64_encode(ByteView data, Base64 alphabet = Base64::Standard);
/// Strict: only the alphabet's characters; padding as the alphabet wants it (Url accepts it
/// too, Standard requires it); no whitespace. nullopt when malformed.
std::optional<Bytes> base64_decode(std::string_view text, Base64 alphabet = Base64::Standard);

/// A move-only secret (passphrase, PIN) that is wiped when destroyed. Never log its contents.
class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    Secret(Secret&& other) noexcept;
    Secret& operator=(Secret&& other) noexcept;
    ~Secret();

    bool empty() const noexcept { return value_.empty(); }
    const std::string& reveal() const noexcept { return value_; }

private:
    void wipe() noexcept;
    std::string value_;
};

}  // namespace tanba
