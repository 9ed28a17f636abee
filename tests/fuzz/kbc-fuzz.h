/* kbc-fuzz.h: what every fuzz target sets up first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdlib.h>

#include <glib.h>

/* A critical or a warning is a bug the fuzzer found (a g_return_if_fail()
 * that failed, a GObject misuse): abort(), which libFuzzer catches and for
 * which it keeps the input (a breakpoint trap would not be kept). Debug and
 * info messages of the code under test stay quiet. */
static inline GLogWriterOutput
kbc_fuzz_log_writer (GLogLevelFlags log_level,
                     const GLogField *fields,
                     gsize n_fields,
                     gpointer user_data)
{
  if (log_level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO | G_LOG_LEVEL_MESSAGE))
    return G_LOG_WRITER_HANDLED;

  g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
  abort ();
}

static inline void
kbc_fuzz_init (void)
{
  g_log_set_writer_func (kbc_fuzz_log_writer, NULL, NULL);
}
