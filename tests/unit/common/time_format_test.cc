// SPDX-License-Identifier: Apache-2.0
// RFC 3339 formatting and parsing.
#include "time_format.h"

#include <string>

#include "fakes/test_support.h"

namespace fedcred {
namespace {

constexpr std::int64_t k2026 = 1767225600;  // 2026-01-01T00:00:00Z

TEST(FormatRfc3339Utc, KnownInstants) {
  EXPECT_EQ(format_rfc3339_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339_utc(k2026), "2026-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339_utc(951782400), "2000-02-29T00:00:00Z");  // leap day
  EXPECT_EQ(format_rfc3339_utc(k2026 + 13 * 3600 + 14 * 60 + 15), "2026-01-01T13:14:15Z");
  EXPECT_EQ(format_rfc3339_utc(4102444799), "2099-12-31T23:59:59Z");
}

TEST(ParseRfc3339, RoundTripsFormattedTimes) {
  for (std::int64_t t : {std::int64_t{0}, std::int64_t{951782400}, k2026, k2026 + 86399, std::int64_t{4102444799}}) {
    EXPECT_EQ(parse_rfc3339(format_rfc3339_utc(t)), t) << t;
  }
}

TEST(ParseRfc3339, FractionsAreDroppedNeverRoundedUp) {
  EXPECT_EQ(parse_rfc3339("2026-01-01T00:00:00.999Z"), k2026);
  EXPECT_EQ(parse_rfc3339("2026-01-01T00:00:00.5Z"), k2026);
  EXPECT_EQ(parse_rfc3339("2026-01-01T00:00:59.999999999Z"), k2026 + 59);
}

TEST(ParseRfc3339, PositiveOffsetIsEarlierInUtc) {
  EXPECT_EQ(parse_rfc3339("2026-01-01T02:00:00+02:00"), k2026);
}

TEST(ParseRfc3339, NegativeOffsetWithMinutes) {
  EXPECT_EQ(parse_rfc3339("2025-12-31T18:30:00-05:30"), k2026);
  EXPECT_EQ(parse_rfc3339("2025-12-31T18:30:00.25-05:30"), k2026);
}

TEST(ParseRfc3339, ZeroOffsetsEqualZ) {
  EXPECT_EQ(parse_rfc3339("2026-01-01T00:00:00+00:00"), k2026);
  EXPECT_EQ(parse_rfc3339("2026-01-01T00:00:00-00:00"), k2026);
  EXPECT_EQ(parse_rfc3339("2026-01-01t00:00:00z"), k2026);
}

TEST(ParseRfc3339, NaiveTimeIsRefused) {
  EXPECT_EQ(parse_rfc3339("2026-01-01T00:00:00"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-01-01T00:00:00.123"), std::nullopt);
}

TEST(ParseRfc3339, GarbageIsRefused) {
  for (char const* bad : {"", "now", "2026", "2026-01-01", "2026-01-01 00:00:00Z", "2026/01/01T00:00:00Z",
                          "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-32T00:00:00Z",
                          "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:00.Z",
                          "2026-01-01T00:00:00ZZ", "2026-01-01T00:00:00Z ", " 2026-01-01T00:00:00Z",
                          "2026-01-01T00:00:00+0200", "2026-01-01T00:00:00+02", "2026-01-01T00:00:00+24:00",
                          "2026-01-01T00:00:00+02:60", "2026-01-01T00:00:00+02:00x", "1767225600",
                          "2026-1-01T00:00:00Z", "2026-01-01T0:00:00Z", "+026-01-01T00:00:00Z"}) {
    EXPECT_EQ(parse_rfc3339(bad), std::nullopt) << "'" << bad << "'";
  }
}

// 1..31, and timegm() silently normalizes the rest, so February 31 becomes
// March 3 instead of being refused.
TEST(ParseRfc3339, ImpossibleCalendarDateIsRefused) {
  EXPECT_EQ(parse_rfc3339("2026-02-31T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-04-31T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2025-02-29T00:00:00Z"), std::nullopt);
}

TEST(ParseRfc3339, LeapDayIsAccepted) {
  EXPECT_EQ(parse_rfc3339("2000-02-29T00:00:00Z"), 951782400);
}

}  // namespace
}  // namespace fedcred
