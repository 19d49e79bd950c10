#include <cctype>
#include <cstdio>
#include <string>

#include "tanba/base/clock.hpp"
#include "tanba/base/error.hpp"

namespace tanba {
using namespace std::chrono;

std::string format_rfc3339(TimePoint t) {
    auto days = floor<std::chrono::days>(t);
    year_month_day ymd{days};
    hh_mm_ss hms{t - days};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()),
                  int(hms.seconds().count()));
    return buf;
}

TimePoint parse_rfc3339(std::string_view text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    std::string str(text);
    auto bad = [&] { return Error(ErrorCode::INVALID_ARGUMENT, "not an RFC 3339 time: '" + str + "'"); };
    int consumed = 0;
    if (std::sscanf(str.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) throw bad();
    std::string rest = str.substr(10);
    int offset_minutes = 0;
    if (!rest.empty()) {
        if (rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ') throw bad();
        int n = 0;
        if (std::sscanf(rest.c_str() + 1, "%2d:%2d:%2d%n", &h, &mi, &s, &n) != 3 || n != 8) throw bad();
        std::string tz = rest.substr(9);
        if (!tz.empty() && tz[0] == '.') {  // fractional seconds: ignored
            std::size_t i = 1;
            while (i < tz.size() && std::isdigit(static_cast<unsigned char>(tz[i]))) ++i;
            tz = tz.substr(i);
        }
        if (tz == "Z" || tz == "z") {
        } else if (tz.size() == 6 && (tz[0] == '+' || tz[0] == '-') && tz[3] == ':') {
            int oh = 0, om = 0;
            if (std::sscanf(tz.c_str() + 1, "%2d:%2d", &oh, &om) != 2) throw bad();
            offset_minutes = (oh * 60 + om) * (tz[0] == '-' ? -1 : 1);
        } else {
            throw bad();
        }
    }
    year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 60) throw bad();
    return sys_days{ymd} + hours{h} + minutes{mi} + seconds{s} - minutes{offset_minutes};
}

}  // namespace tanba
