#pragma once
// What the one-core benchmarks share: calls per second of `one(n)` for about `seconds`.
#include <chrono>

namespace tanba::bench {

template <class F>
double rate(double seconds, F&& one) {
    using Steady = std::chrono::steady_clock;
    long n = 0;
    const auto start = Steady::now();
    const auto end = start + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(seconds));
    while (Steady::now() < end)
        for (int i = 0; i < 16; ++i, ++n) one(n);
    return static_cast<double>(n) / std::chrono::duration<double>(Steady::now() - start).count();
}

}  // namespace tanba::bench
