#pragma once
// Time source, passed in (never a global) so that tests and `--at` can fix "now".
#include <chrono>
#include <string>
#include <string_view>

namespace tanba {

using TimePoint = std::chrono::sys_seconds;

/// Where "now" comes from.
class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;  ///< The current time, in whole seconds.
};

/// The system's wall clock.
class SystemClock final : public Clock {
public:
    /// std::chrono::system_clock's now, in whole seconds.
    TimePoint now() const override {
        return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    }
};

/// A clock that always says the same time (tests, `--at`).
class FixedClock final : public Clock {
public:
    explicit FixedClock(TimePoint t) : t_(t) {}  ///< A clock stopped at t.
    TimePoint now() const override { return t_; }  ///< The time it was made with.

private:
    TimePoint t_;
};

/// RFC 3339 / ISO 8601 UTC text, e.g. "2026-11-22T10:00:00Z".
std::string format_rfc3339(TimePoint t);
/// Parses "YYYY-MM-DDTHH:MM:SSZ" (or a +hh:mm offset) or "YYYY-MM-DD". Throws INVALID_ARGUMENT.
TimePoint parse_rfc3339(std::string_view text);

}  // namespace tanba
