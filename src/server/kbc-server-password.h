/* kbc-server-password.h: argon2id hashing, the password policy, and the
 * bounded worker pool that keeps both off the event loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <event2/event.h>
#include <glib.h>

G_BEGIN_DECLS

/* clang-format off */

/* argon2id with t = 3 passes over m = 64 MiB, one lane: about 170 ms per
 * hash on the 2-core test machine (measured when this was written). */
#define KBC_ARGON2_T_COST      3
#define KBC_ARGON2_M_COST_KIB  (64 * 1024)
#define KBC_ARGON2_PARALLELISM 1
#define KBC_PASSWORD_MIN_CHARS 12
#define KBC_PASSWORD_MAX_BYTES 1024

/* Blocking; call from a worker thread or a command-line tool. */
char      *kbc_password_hash          (const char  *password);
/* Checks @password against @encoded, or against a hash of a random password
 * when @encoded is NULL, so a missing account costs the same time as a wrong
 * password. */
gboolean   kbc_password_verify        (const char  *encoded,
                                       const char  *password);
/* What kbc_password_verify() checks against for a missing account: an
 * encoded argon2id string with the parameters above, made without
 * hashing anything, which no password matches. */
const char *kbc_password_get_dummy_hash (void);
/* The denylist of common passwords (KBC_COMMON_PASSWORDS, or the installed
 * KBC_COMMON_PASSWORDS_FILE): loaded once; `serve` and `user add` refuse to
 * start without it. */
const char *kbc_password_common_file  (void);
gboolean   kbc_password_load_common   (GError     **error);

/* A rule a new password breaks: @code is a stable name of the rule for the
 * app to match on ("tooShort", "containsEmail", "dictionary", …; NULL for a
 * rule without one), @message the English text. */
typedef struct
{
  const char *code;
  char       *message;
} KbcPasswordProblem;

/* Rules a new password breaks, as a GArray of KbcPasswordProblem (empty when
 * none): at least KBC_PASSWORD_MIN_CHARS characters, not containing the
 * account's email or its local part, not a common password ("common": the
 * denylist, matched in lower case without trailing digits and symbols,
 * and passwdqc's words behind substitutions and common sequences), and
 * libpwquality's checks (cracklib dictionary, palindromes, similarity to
 * @old_password, which may be NULL).
 * Thread-safe. */
GArray    *kbc_password_check_policy  (const char  *password,
                                       const char  *email,
                                       const char  *old_password);

/* One unit of password work for the pool: verify @password (against
 * @encoded or the dummy), and/or check @new_password against the policy and,
 * when everything passed, hash it. */
typedef struct
{
  /* in */
  char     *password;      /* NULL: nothing to verify */
  char     *encoded;       /* NULL: the dummy hash */
  char     *new_password;  /* NULL: nothing to hash */
  char     *email;         /* for the policy */
  gpointer  user_data;
  /* out */
  gboolean  verified;
  GArray   *policy_problems;  /* KbcPasswordProblem */
  char     *new_hash;
} KbcPasswordJob;

KbcPasswordJob *kbc_password_job_new  (void);
void       kbc_password_job_free      (KbcPasswordJob *job);
/* A KbcWorkFunc. */
void       kbc_password_job_run       (gpointer     job);

/* A fixed number of threads for blocking work. Each job's @done runs
 * afterwards on the thread that runs @base's loop; it owns @data. */
typedef struct _KbcWorkerPool KbcWorkerPool;
typedef void (*KbcWorkFunc) (gpointer data);

KbcWorkerPool *kbc_worker_pool_new    (struct event_base *base,
                                       guint              n_threads);
void       kbc_worker_pool_push       (KbcWorkerPool     *self,
                                       KbcWorkFunc        work,
                                       KbcWorkFunc        done,
                                       gpointer           data);
guint      kbc_worker_pool_get_busy   (KbcWorkerPool     *self);
/* @idle runs on the loop whenever the last busy job has finished. */
void       kbc_worker_pool_set_idle_func (KbcWorkerPool  *self,
                                       KbcWorkFunc        idle,
                                       gpointer           data);
/* Waits for queued and running jobs, runs their @done, and frees the pool. */
void       kbc_worker_pool_free       (KbcWorkerPool     *self);

/* clang-format on */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcPasswordJob, kbc_password_job_free)

G_END_DECLS
