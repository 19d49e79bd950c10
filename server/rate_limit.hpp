#pragma once
// Requests per client address per minute (a fixed window): enough to stop a client hammering
// the login endpoints, cheap enough for every request to them.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tanba::server {

class RateLimit {
public:
    explicit RateLimit(std::size_t per_minute) : per_minute_(per_minute) {}

    /// Counts a request from `address`; false when it is over the limit this minute.
    bool allow(const std::string& address) {
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard lock(mutex_);
        if (windows_.size() > kMaxAddresses)  // forget addresses whose window has passed
            std::erase_if(windows_, [&](const auto& w) { return now - w.second.start >= kWindow; });
        auto& w = windows_[address];
        if (now - w.start >= kWindow) w = {now, 0};
        return ++w.count <= per_minute_;
    }

private:
    static constexpr std::chrono::minutes kWindow{1};
    static constexpr std::size_t kMaxAddresses = 100'000;
    struct Window {
        std::chrono::steady_clock::time_point start{};
        std::size_t count = 0;
    };
    std::size_t per_minute_;
    std::mutex mutex_;
    std::unordered_map<std::string, Window> windows_;
};

}  // namespace tanba::server
