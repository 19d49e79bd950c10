// GOST R 34.11-94 written from the standard (RFC 5831 §5–6) over Botan's GOST 28147-89 block
// cipher with the test S-box. A 256-bit value is 32 bytes, byte 0 the least significant.
#include "gost_3411_94.hpp"

#include <botan/gost_28147.h>

#include <array>
#include <cstdint>

namespace tanba::gost::detail {
namespace {

using Block = std::array<std::uint8_t, 32>;

Block xor_of(const Block& a, const Block& b) {
    Block r;
    for (std::size_t i = 0; i < 32; ++i) r[i] = a[i] ^ b[i];
    return r;
}

// A(x4‖x3‖x2‖x1) = (x1 ⊕ x2)‖x4‖x3‖x2, on 64-bit words (x1 the lowest).
Block a_transform(const Block& x) {
    Block r;
    for (std::size_t i = 0; i < 8; ++i) {
        r[i] = x[8 + i];
        r[8 + i] = x[16 + i];
        r[16 + i] = x[24 + i];
        r[24 + i] = x[i] ^ x[8 + i];
    }
    return r;
}

// P: byte φ(i + 1 + 4(k − 1)) of the result is byte 8i + k of the input (1-based).
Block p_transform(const Block& x) {
    Block r;
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t k = 0; k < 8; ++k) r[i + 4 * k] = x[8 * i + k];
    return r;
}

// ψ(η16‖…‖η1) = (η1 ⊕ η2 ⊕ η3 ⊕ η4 ⊕ η13 ⊕ η16)‖η16‖…‖η2, on 16-bit words (η1 the lowest).
void psi(Block& y, int times) {
    for (int t = 0; t < times; ++t) {
        std::uint8_t lo = 0, hi = 0;
        for (std::size_t word : {0u, 1u, 2u, 3u, 12u, 15u}) {
            lo ^= y[2 * word];
            hi ^= y[2 * word + 1];
        }
        for (std::size_t i = 0; i < 30; ++i) y[i] = y[i + 2];
        y[30] = lo;
        y[31] = hi;
    }
}

Block c3() {  // 0xff00ffff000000ffff0000ff00ffff0000ff00ff00ff00ffff00ff00ff00ff00, least significant byte first
    constexpr std::uint8_t be[32] = {0xff, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0xff, 0x00, 0xff, 0xff, 0x00,
                                     0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00};
    Block r;
    for (std::size_t i = 0; i < 32; ++i) r[i] = be[31 - i];
    return r;
}

class Hasher {
public:
    Hasher() : cipher_(Botan::GOST_28147_89_Params("R3411_94_TestParam")) {}

    // The step function f(H, M) (RFC 5831 §6): keys, encryption, mixing.
    void step(const Block& m) {
        static const Block kC3 = c3();
        std::array<Block, 4> keys;
        Block u = h_, v = m;
        keys[0] = p_transform(xor_of(u, v));
        for (std::size_t j = 1; j < 4; ++j) {
            u = a_transform(u);
            if (j == 2) u = xor_of(u, kC3);
            v = a_transform(a_transform(v));
            keys[j] = p_transform(xor_of(u, v));
        }
        Block s;
        for (std::size_t j = 0; j < 4; ++j) {
            cipher_.set_key(keys[j].data(), keys[j].size());
            cipher_.encrypt(h_.data() + 8 * j, s.data() + 8 * j);
        }
        psi(s, 12);
        s = xor_of(s, m);
        psi(s, 1);
        s = xor_of(s, h_);
        psi(s, 61);
        h_ = s;
    }

    void block(const Block& m) {
        unsigned carry = 0;
        for (std::size_t i = 0; i < 32; ++i) {
            const unsigned t = sum_[i] + m[i] + carry;
            sum_[i] = static_cast<std::uint8_t>(t);
            carry = t >> 8;
        }
        step(m);
    }

    Bytes finish(std::uint64_t bytes) {
        Block length{};
        const std::uint64_t bits = bytes * 8;
        for (std::size_t i = 0; i < 8; ++i) length[i] = static_cast<std::uint8_t>(bits >> (8 * i));
        step(length);
        step(sum_);
        return Bytes(h_.begin(), h_.end());
    }

private:
    Botan::GOST_28147_89 cipher_;
    Block h_{}, sum_{};
};

}  // namespace

struct Gost94Test::State {
    Hasher hasher;
    Block pending{};
    std::size_t pending_size = 0;
    std::uint64_t total = 0;
};

Gost94Test::Gost94Test() : state_(std::make_unique<State>()) {}
Gost94Test::~Gost94Test() = default;

void Gost94Test::update(ByteView data) {
    auto& s = *state_;
    s.total += data.size();
    for (const auto byte : data) {
        s.pending[s.pending_size++] = byte;
        if (s.pending_size == 32) {
            s.hasher.block(s.pending);
            s.pending_size = 0;
        }
    }
}

Bytes Gost94Test::finish() {
    auto& s = *state_;
    if (s.pending_size > 0) {  // the last part, zero-padded
        std::fill(s.pending.begin() + static_cast<std::ptrdiff_t>(s.pending_size), s.pending.end(), std::uint8_t{0});
        s.hasher.block(s.pending);
    }
    return s.hasher.finish(s.total);
}

Bytes gost_3411_94_test(ByteView data) {
    Gost94Test h;
    h.update(data);
    return h.finish();
}

}  // namespace tanba::gost::detail
