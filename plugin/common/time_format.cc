// SPDX-License-Identifier: Apache-2.0
#include "time_format.h"

#include <chrono>
#include <cstdio>

namespace fedcred {
namespace {

std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

bool expect(std::string_view s, std::size_t pos, char c) { return pos < s.size() && s[pos] == c; }

// Calendar arithmetic with <chrono> rather than gmtime_r/timegm: glibc's first
// gmtime_r loads the time zone (/etc/localtime, seven system calls) although
// every time here is UTC, and the cache hit formats one (issue 15).
using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view s) {
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (s.size() != 29 || s.substr(3, 2) != ", " || s.substr(25) != " GMT" || s[7] != ' ' || s[11] != ' ' ||
      s[16] != ' ' || s[19] != ':' || s[22] != ':') {
    return std::nullopt;
  }
  auto month = kMonths.find(s.substr(8, 3));
  auto day = digits(s, 5, 2), year = digits(s, 12, 4);
  auto hour = digits(s, 17, 2), minute = digits(s, 20, 2), second = digits(s, 23, 2);
  if (month == std::string_view::npos || month % 3 != 0 || !day || !year || !hour || !minute || !second) {
    return std::nullopt;
  }
  // Reuse the RFC 3339 parser's range and calendar checks.
  char iso[64];  // roomy: the compiler cannot see that every field has at most 4 digits
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", *year, static_cast<int>(month / 3) + 1, *day, *hour,
                *minute, *second);
  return parse_rfc3339(iso);
}

std::string format_rfc3339_utc(std::int64_t unix_seconds) {
  // Floor division, so that a time before 1970 falls on the day it belongs to.
  std::int64_t day = unix_seconds / 86400, second = unix_seconds % 86400;
  if (second < 0) {
    second += 86400;
    --day;
  }
  year_month_day const date{sys_days{days{day}}};
  // Digits by hand, not snprintf: the cache hit formats two of these, and
  // printf's machinery is most of their cost (issue 15).
  int const year = static_cast<int>(date.year());
  if (year < 0 || year > 9999) return std::string();  // out of RFC 3339's range
  std::string out = "0000-00-00T00:00:00Z";
  auto put = [&out](std::size_t end, long value) {
    for (std::size_t i = end; value > 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
  };
  put(3, year);
  put(6, static_cast<long>(static_cast<unsigned>(date.month())));
  put(9, static_cast<long>(static_cast<unsigned>(date.day())));
  put(12, static_cast<long>(second / 3600));
  put(15, static_cast<long>(second / 60 % 60));
  put(18, static_cast<long>(second % 60));
  return out;
}

std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
  auto year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  auto hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (!expect(s, 4, '-') || !expect(s, 7, '-') || !(expect(s, 10, 'T') || expect(s, 10, 't')) ||
      !expect(s, 13, ':') || !expect(s, 16, ':')) {
    return std::nullopt;
  }
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (expect(s, pos, '.')) {
    ++pos;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (expect(s, pos, 'Z') || expect(s, pos, 'z')) {
    ++pos;
  } else if (expect(s, pos, '+') || expect(s, pos, '-')) {
    auto oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
    if (!oh || !om || !expect(s, pos + 3, ':') || *oh > 23 || *om > 59) return std::nullopt;
    offset = (*oh * 3600 + *om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;  // a naive time is ambiguous; refuse it
  }
  if (pos != s.size()) return std::nullopt;
  year_month_day const date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                            std::chrono::day{static_cast<unsigned>(*day)}};
  // An impossible date (February 31st) is malformed input, not a time.
  if (!date.ok()) return std::nullopt;
  // A leap second (:60) counts as the next minute's first, as timegm has it.
  std::int64_t const since_epoch = static_cast<std::int64_t>(sys_days{date}.time_since_epoch().count()) * 86400 +
                                   *hour * 3600 + *minute * 60 + *second;
  return since_epoch - offset;
}

}  // namespace fedcred
