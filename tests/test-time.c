/* test-time.c: Keboola's timestamps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-time.h"

static void
test_format (void)
{
  g_autoptr (GTimeZone) plus2 = g_time_zone_new_offset (2 * 3600);
  g_autoptr (GTimeZone) minus530 = g_time_zone_new_offset (-(5 * 3600 + 30 * 60));
  g_autoptr (GDateTime) summer = g_date_time_new (plus2, 2021, 6, 28, 22, 27, 28);
  g_autoptr (GDateTime) india = g_date_time_new (minus530, 2022, 1, 2, 3, 4, 5);
  g_autoptr (GDateTime) utc = g_date_time_new_utc (2031, 12, 31, 23, 59, 59);
  g_autofree char *a = kbc_time_format (summer);
  g_autofree char *b = kbc_time_format (india);
  g_autofree char *c = kbc_time_format (utc);

  g_assert_cmpstr (a, ==, "2021-06-28T22:27:28+0200");
  g_assert_cmpstr (b, ==, "2022-01-02T03:04:05-0530");
  g_assert_cmpstr (c, ==, "2031-12-31T23:59:59+0000");
}

static void
test_parse (void)
{
  /* The OpenAPI example's form, and the RFC 3339 forms. */
  const char *same[] = {
    "2021-06-28T22:27:28+0200", "2021-06-28T22:27:28+02:00", "2021-06-28T20:27:28Z",
    "2021-06-28T20:27:28+0000", "2021-06-28T15:57:28-0430",
  };
  g_autoptr (GDateTime) expected = g_date_time_new_utc (2021, 6, 28, 20, 27, 28);

  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    {
      g_autoptr (GDateTime) parsed = kbc_time_parse (same[i]);

      g_assert_nonnull (parsed);
      g_assert_true (g_date_time_equal (parsed, expected));
    }

  {
    g_autoptr (GDateTime) parsed = kbc_time_parse ("2021-06-28T22:27:28+0200");

    /* The offset survives, so the time can be shown as the server wrote it. */
    g_assert_cmpint (g_date_time_get_utc_offset (parsed), ==, 2 * G_TIME_SPAN_HOUR);
    g_assert_cmpint (g_date_time_get_hour (parsed), ==, 22);
  }
}

static void
test_parse_invalid (void)
{
  const char *bad[] = {
    "",
    "yesterday",
    "2021-13-28T22:27:28+0200",
    "2021-06-31T22:27:28+0200",
    "2021-06-28T25:27:28+0200",
    "2021-06-28T22:27:28+020",
    "2021-06-28",
    "2021-06-28T22:27:28+0200 trailing",
  };

  g_assert_null (kbc_time_parse (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GDateTime) parsed = kbc_time_parse (bad[i]);

      if (parsed != NULL)
        g_error ("“%s” parsed", bad[i]);
    }
}

static void
test_round_trip (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  /* Whole microseconds: g_date_time_add_seconds() takes a double, and
   * -0.123457 s can come back as -123456 µs. */
  g_autoptr (GDateTime) seconds = g_date_time_add (now, -g_date_time_get_microsecond (now));
  g_autofree char *text = kbc_time_format (seconds);
  g_autoptr (GDateTime) back = kbc_time_parse (text);

  g_assert_nonnull (back);
  g_assert_true (g_date_time_equal (back, seconds));
}

static void
test_relative (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_utc (2026, 11, 28, 12, 0, 0);
  static const struct
  {
    GTimeSpan ago;
    const char *expected;
  } cases[] = {
    { -30 * G_TIME_SPAN_SECOND, "Just now" },
    { 0, "Just now" },
    { 59 * G_TIME_SPAN_SECOND, "Just now" },
    { G_TIME_SPAN_MINUTE, "1 minute ago" },
    { 5 * G_TIME_SPAN_MINUTE + 3 * G_TIME_SPAN_SECOND, "5 minutes ago" },
    { G_TIME_SPAN_HOUR, "1 hour ago" },
    { 23 * G_TIME_SPAN_HOUR, "23 hours ago" },
    { G_TIME_SPAN_DAY, "Yesterday" },
    { 2 * G_TIME_SPAN_DAY, "2 days ago" },
    { 6 * G_TIME_SPAN_DAY + 23 * G_TIME_SPAN_HOUR, "6 days ago" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GDateTime) then = g_date_time_add (now, -cases[i].ago);
      g_autofree char *text = kbc_time_format_relative (then, now);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }

  /* From a week on, the date (in local time, here UTC). */
  {
    g_autoptr (GDateTime) old = g_date_time_new_utc (2026, 11, 2, 12, 0, 0);
    g_autofree char *text = kbc_time_format_relative (old, now);

    g_assert_cmpstr (text, ==, "Nov 2, 2026");
  }
}

int
main (int argc, char *argv[])
{
  /* Local time is UTC here. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kbc/time/format", test_format);
  g_test_add_func ("/kbc/time/parse", test_parse);
  g_test_add_func ("/kbc/time/parse-invalid", test_parse_invalid);
  g_test_add_func ("/kbc/time/round-trip", test_round_trip);
  g_test_add_func ("/kbc/time/relative", test_relative);

  return g_test_run ();
}
