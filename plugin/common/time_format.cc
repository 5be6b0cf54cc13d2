// SPDX-License-Identifier: Apache-2.0
#include "time_format.h"

#include <time.h>

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
  time_t t = static_cast<time_t>(unix_seconds);
  tm utc{};
  gmtime_r(&t, &utc);
  char buf[32];
  std::size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(buf, n);
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
  tm t{};
  t.tm_year = *year - 1900;
  t.tm_mon = *month - 1;
  t.tm_mday = *day;
  t.tm_hour = *hour;
  t.tm_min = *minute;
  t.tm_sec = *second;
  time_t since_epoch = timegm(&t);
  // timegm normalises impossible dates (February 31st becomes March 3rd);
  // such a date is malformed input, not a time.
  tm check{};
  gmtime_r(&since_epoch, &check);
  if (check.tm_mday != *day || check.tm_mon != *month - 1) return std::nullopt;
  return static_cast<std::int64_t>(since_epoch) - offset;
}

}  // namespace fedcred
