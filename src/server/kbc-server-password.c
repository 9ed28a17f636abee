/* kbc-server-password.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-password.h"

#include "kbc-server-crypto.h"

#include <argon2.h>
#include <errno.h>
#include <event2/thread.h>
#include <gio/gio.h>
#include <passwdqc.h>
#include <pwquality.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SALT_SIZE 16
#define HASH_SIZE 32

/* ---- argon2id ---- */

char *
kbc_password_hash (const char *password)
{
  guint8 salt[SALT_SIZE];
  gsize encoded_len;
  char *encoded;
  int rc;

  kbc_crypto_random_bytes (salt, sizeof salt);
  encoded_len = argon2_encodedlen (KBC_ARGON2_T_COST, KBC_ARGON2_M_COST_KIB, KBC_ARGON2_PARALLELISM,
                                   SALT_SIZE, HASH_SIZE, Argon2_id);
  encoded = g_malloc0 (encoded_len);
  rc = argon2id_hash_encoded (KBC_ARGON2_T_COST, KBC_ARGON2_M_COST_KIB, KBC_ARGON2_PARALLELISM,
                              password, strlen (password), salt, sizeof salt, HASH_SIZE, encoded,
                              encoded_len);
  if (rc != ARGON2_OK)
    g_error ("argon2id failed: %s", argon2_error_message (rc));

  return encoded;
}

/* Base64 without padding, as argon2's encoded strings have it. */
static char *
encode_unpadded (const guint8 *data, gsize len)
{
  char *text = g_base64_encode (data, len);

  g_strdelimit (text, "=", '\0');
  return text;
}

/* The dummy is an encoded argon2id string with the real parameters, a
 * random salt and a random "hash": verifying a password against it costs
 * the same as against a real one (argon2id_verify() hashes the password
 * with the salt and parameters, then compares), and it never matches. No
 * password is hashed to make it, so the server has no hash to compute at
 * start-up (that took ~170 ms of a core, and 64 MiB of memory traffic,
 * while the app that started the local server was drawing its window). */
static gpointer
make_dummy_hash (gpointer data)
{
  guint8 salt[SALT_SIZE];
  guint8 hash[HASH_SIZE];
  g_autofree char *salt_text = NULL;
  g_autofree char *hash_text = NULL;

  kbc_crypto_random_bytes (salt, sizeof salt);
  kbc_crypto_random_bytes (hash, sizeof hash);
  salt_text = encode_unpadded (salt, sizeof salt);
  hash_text = encode_unpadded (hash, sizeof hash);
  return g_strdup_printf ("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", ARGON2_VERSION_NUMBER,
                          KBC_ARGON2_M_COST_KIB, KBC_ARGON2_T_COST, KBC_ARGON2_PARALLELISM,
                          salt_text, hash_text);
}

const char *
kbc_password_get_dummy_hash (void)
{
  static GOnce dummy = G_ONCE_INIT;

  return g_once (&dummy, make_dummy_hash, NULL);
}

gboolean
kbc_password_verify (const char *encoded, const char *password)
{
  gboolean real = encoded != NULL;

  if (!real)
    encoded = kbc_password_get_dummy_hash ();

  /* argon2id_verify compares in constant time. */
  return argon2id_verify (encoded, password, strlen (password)) == ARGON2_OK && real;
}

/* ---- common passwords ---- */

/* The denylist, read once (kbc_password_load_common()) and only read
 * afterwards, from any thread. */
static GHashTable *common_passwords;
static GMutex common_lock;

const char *
kbc_password_common_file (void)
{
  const char *path = g_getenv ("KBC_COMMON_PASSWORDS");

  return path != NULL && *path != '\0' ? path : KBC_COMMON_PASSWORDS_FILE;
}

gboolean
kbc_password_load_common (GError **error)
{
  g_autoptr (GMappedFile) file = NULL;
  g_autoptr (GHashTable) table = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *path = kbc_password_common_file ();
  const char *data;
  const char *end;
  gboolean loaded;

  g_mutex_lock (&common_lock);
  loaded = common_passwords != NULL;
  g_mutex_unlock (&common_lock);
  if (loaded)
    return TRUE;

  file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "the list of common passwords cannot be read (%s); new passwords cannot be "
                   "checked without it (KBC_COMMON_PASSWORDS names another file)",
                   local_error->message);
      return FALSE;
    }

  /* One password a line, lower case, most common first; "#" starts a
   * comment line. */
  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  data = g_mapped_file_get_contents (file);
  end = data + g_mapped_file_get_length (file);
  while (data < end)
    {
      const char *newline = memchr (data, '\n', end - data);
      const char *line_end = newline != NULL ? newline : end;

      if (line_end > data && *data != '#')
        g_hash_table_add (table, g_ascii_strdown (data, line_end - data));
      data = line_end + 1;
    }
  if (g_hash_table_size (table) < 10000)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the list of common passwords %s has %u entries, fewer than 10,000", path,
                   g_hash_table_size (table));
      return FALSE;
    }

  g_mutex_lock (&common_lock);
  if (common_passwords == NULL)
    common_passwords = g_steal_pointer (&table);
  g_mutex_unlock (&common_lock);
  return TRUE;
}

static gboolean
is_listed (const char *candidate)
{
  return *candidate != '\0' && g_hash_table_contains (common_passwords, candidate);
}

/* One unit repeated ("passwordpassword", "abcabcabc") → the unit. */
static char *
unrepeat (const char *text)
{
  gsize len = strlen (text);

  for (gsize unit = 1; unit <= len / 2; unit++)
    {
      gboolean repeats = len % unit == 0;

      for (gsize i = unit; repeats && i < len; i++)
        repeats = text[i] == text[i - unit];
      if (repeats)
        return g_strndup (text, unit);
    }
  return g_strdup (text);
}

/* Whether @password is on the denylist: compared in lower case, with
 * trailing digits and symbols stripped ("Welcome2024!" is "welcome"), a
 * repeated word taken once, with the usual letter substitutions undone
 * ("p@ssw0rd"), and with the separators taken out. */
static gboolean
is_common (const char *password)
{
  static const char *const leet_from = "@4310$5!7";
  static const char *const leet_to[] = { "aaeiossit", "aaelossit" };
  g_autofree char *lower = g_ascii_strdown (password, -1);
  gsize len = strlen (lower);
  gboolean found = FALSE;

  while (len > 0 && !g_ascii_isalpha (lower[len - 1]) && (guchar) lower[len - 1] < 0x80)
    lower[--len] = '\0';

  for (guint round = 0; round < 3 && !found; round++)
    {
      g_autofree char *variant = g_strdup (lower);
      g_autofree char *unit = NULL;

      /* Round 0 as typed; rounds 1 and 2 with "1" as "i" and as "l". */
      if (round > 0)
        for (char *p = variant; *p != '\0'; p++)
          {
            const char *at = strchr (leet_from, *p);

            if (at != NULL)
              *p = leet_to[round - 1][at - leet_from];
          }
      unit = unrepeat (variant);
      found = is_listed (variant) || is_listed (unit);
      /* "pass-word", "football!football": the separators taken out. */
      if (!found)
        {
          g_autofree char *bare = g_strdup (variant);
          g_autofree char *bare_unit = NULL;
          char *out = bare;

          for (const char *p = variant; *p != '\0'; p++)
            if (g_ascii_isalnum (*p) || (guchar) *p >= 0x80)
              *out++ = *p;
          *out = '\0';
          bare_unit = unrepeat (bare);
          found = is_listed (bare) || is_listed (bare_unit);
        }
    }
  explicit_bzero (lower, strlen (lower));
  return found;
}

/* ---- policy ---- */

static GMutex pwquality_lock;

static pwquality_settings_t *
get_pwquality (void)
{
  static pwquality_settings_t *settings;

  /* Called with pwquality_lock held. The system configuration is not read:
   * the rules are the server's, the same on every machine. Our own length
   * rule is checked separately so that every broken rule is reported, so the
   * library's minimum stays at its floor. */
  if (settings == NULL)
    {
      settings = pwquality_default_settings ();
      pwquality_set_int_value (settings, PWQ_SETTING_MIN_LENGTH, 6);
      pwquality_set_int_value (settings, PWQ_SETTING_DICT_CHECK, 1);
      pwquality_set_int_value (settings, PWQ_SETTING_USER_CHECK, 1);
    }
  return settings;
}

static passwdqc_params_qc_t *
get_passwdqc (void)
{
  static passwdqc_params_t params;
  static gboolean ready;

  /* Called with pwquality_lock held. */
  if (!ready)
    {
      static const char *const args[] = { "min=12,12,12,12,12", "max=1024", "passphrase=3",
                                          "match=4", "similar=deny" };
      char *reason = NULL;

      passwdqc_params_reset (&params);
      if (passwdqc_params_parse (&params, &reason, G_N_ELEMENTS (args), args) != 0)
        g_error ("passwdqc: %s", reason);
      ready = TRUE;
    }
  return &params.qc;
}

/* The names of the libpwquality rules that the settings above check.
 * Cracklib's findings ("based on a dictionary word", "too simplistic") are
 * all its "dictionary check". */
static const char *
pwquality_code (int rc)
{
  switch (rc)
    {
      case PWQ_ERROR_MIN_LENGTH:
        return "tooShort";
      case PWQ_ERROR_CRACKLIB_CHECK:
        return "dictionary";
      case PWQ_ERROR_USER_CHECK:
        return "containsEmail";
      case PWQ_ERROR_SAME_PASSWORD:
        return "samePassword";
      case PWQ_ERROR_TOO_SIMILAR:
        return "tooSimilar";
      case PWQ_ERROR_PALINDROME:
        return "palindrome";
      case PWQ_ERROR_CASE_CHANGES_ONLY:
        return "caseChangesOnly";
      case PWQ_ERROR_ROTATED:
        return "rotated";
      default:
        return NULL;
    }
}

static void
problem_clear (gpointer data)
{
  KbcPasswordProblem *problem = data;

  g_free (problem->message);
}

static void
add_unique (GArray *problems, const char *code, const char *message)
{
  KbcPasswordProblem problem = { .code = code };

  for (guint i = 0; i < problems->len; i++)
    if (g_str_equal (g_array_index (problems, KbcPasswordProblem, i).message, message))
      return;
  problem.message = g_strdup (message);
  g_array_append_val (problems, problem);
}

GArray *
kbc_password_check_policy (const char *password, const char *email, const char *old_password)
{
  g_autoptr (GArray) problems = g_array_new (FALSE, FALSE, sizeof (KbcPasswordProblem));
  g_autofree char *password_lower = NULL;
  g_autofree char *email_lower = NULL;
  g_autofree char *local_part = NULL;
  gboolean too_short = FALSE;
  gboolean has_email = FALSE;

  g_array_set_clear_func (problems, problem_clear);

  /* Only from the command line: JSON text is always UTF-8. */
  if (!g_utf8_validate (password, -1, NULL))
    {
      add_unique (problems, NULL, "The password is not valid UTF-8 text");
      return g_steal_pointer (&problems);
    }

  if (g_utf8_strlen (password, -1) < KBC_PASSWORD_MIN_CHARS)
    {
      too_short = TRUE;
      add_unique (problems, "tooShort", "The password is shorter than 12 characters");
    }
  if (strlen (password) > KBC_PASSWORD_MAX_BYTES)
    add_unique (problems, "tooLong", "The password is longer than 1024 bytes");

  if (email != NULL && *email != '\0')
    {
      const char *at;

      password_lower = g_utf8_casefold (password, -1);
      email_lower = g_utf8_casefold (email, -1);
      at = strchr (email_lower, '@');
      if (at != NULL)
        local_part = g_strndup (email_lower, at - email_lower);

      /* A one- or two-letter local part would forbid half the alphabet. */
      if (strstr (password_lower, email_lower) != NULL ||
          (local_part != NULL && strlen (local_part) >= 3 &&
           strstr (password_lower, local_part) != NULL))
        {
          has_email = TRUE;
          add_unique (problems, "containsEmail",
                      "The password contains the email address or a part of it");
        }
    }

  /* ASVS 2.1.7: not one of the passwords people choose most. */
  if (!kbc_password_load_common (NULL))
    add_unique (problems, "common", "The list of common passwords cannot be read");
  else if (is_common (password))
    add_unique (problems, "common", "The password is one of the most common passwords");

  g_mutex_lock (&pwquality_lock);
  {
    /* passwdqc knows words behind substitutions and common sequences;
     * length is our rule (min 12 for every kind of password). */
    const char *reason = passwdqc_check (get_passwdqc (), password, old_password, NULL);

    if (reason != NULL && (strstr (reason, "based on") != NULL ||
                           strstr (reason, "not enough different characters") != NULL))
      {
        gboolean listed = FALSE;

        for (guint i = 0; i < problems->len; i++)
          listed = listed ||
                   g_strcmp0 (g_array_index (problems, KbcPasswordProblem, i).code, "common") == 0;
        if (!listed)
          {
            g_autofree char *message = g_strdup_printf ("The password is %s", reason);

            add_unique (problems, "common", message);
          }
      }
  }
  g_mutex_unlock (&pwquality_lock);

  g_mutex_lock (&pwquality_lock);
  {
    void *aux = NULL;
    char buf[PWQ_MAX_ERROR_MESSAGE_LEN];
    int rc;

    rc = pwquality_check (get_pwquality (), password, old_password,
                          local_part != NULL && strlen (local_part) >= 3 ? local_part : NULL, &aux);
    if (rc < 0)
      {
        const char *message = pwquality_strerror (buf, sizeof buf, rc, aux);
        gboolean duplicate =
            (too_short && (rc == PWQ_ERROR_MIN_LENGTH || (rc == PWQ_ERROR_CRACKLIB_CHECK &&
                                                          strstr (message, "short") != NULL))) ||
            (has_email && rc == PWQ_ERROR_USER_CHECK) || rc == PWQ_ERROR_EMPTY_PASSWORD;

        if (!duplicate)
          add_unique (problems, pwquality_code (rc), message);
      }
  }
  g_mutex_unlock (&pwquality_lock);

  return g_steal_pointer (&problems);
}

/* ---- jobs ---- */

static void
free_secret_string (char *text)
{
  if (text == NULL)
    return;
  explicit_bzero (text, strlen (text));
  g_free (text);
}

KbcPasswordJob *
kbc_password_job_new (void)
{
  return g_new0 (KbcPasswordJob, 1);
}

void
kbc_password_job_free (KbcPasswordJob *job)
{
  if (job == NULL)
    return;

  free_secret_string (job->password);
  free_secret_string (job->encoded);
  free_secret_string (job->new_password);
  free_secret_string (job->new_hash);
  g_free (job->email);
  g_clear_pointer (&job->policy_problems, g_array_unref);
  g_free (job);
}

void
kbc_password_job_run (gpointer data)
{
  KbcPasswordJob *job = data;

  if (job->password != NULL)
    job->verified = kbc_password_verify (job->encoded, job->password);

  if (job->new_password != NULL)
    {
      job->policy_problems =
          kbc_password_check_policy (job->new_password, job->email, job->password);
      if (job->policy_problems->len == 0 && (job->password == NULL || job->verified))
        job->new_hash = kbc_password_hash (job->new_password);
    }
}

/* ---- the pool ---- */

struct _KbcWorkerPool
{
  GThreadPool *threads;
  GAsyncQueue *finished;
  struct event *wakeup;
  guint busy; /* loop thread only */
  KbcWorkFunc idle;
  gpointer idle_data;
};

typedef struct
{
  KbcWorkerPool *pool;
  KbcWorkFunc work;
  KbcWorkFunc done;
  gpointer data;
} Task;

/* How much nicer than the loop a hashing thread is: the loop answers every
 * other request, and one hash (~170 ms of a core) should wait for them, not
 * they for it. Linux has a nice value per thread. */
#define WORKER_NICENESS 10

static void
lower_priority (void)
{
  static __thread gboolean lowered;
  int nice_value;

  if (lowered)
    return;
  lowered = TRUE;
  errno = 0;
  nice_value = getpriority (PRIO_PROCESS, 0);
  if (nice_value == -1 && errno != 0)
    return;
  /* A failure leaves the thread as it was: nothing to report. */
  (void) setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid),
                      MIN (nice_value + WORKER_NICENESS, 19));
}

static void
run_task (gpointer task_data, gpointer pool_data)
{
  Task *task = task_data;

  lower_priority ();
  task->work (task->data);
  g_async_queue_push (task->pool->finished, task);
  /* With evthread_use_pthreads() this is safe from any thread: it wakes the
   * loop, which then runs finish_tasks(). */
  event_active (task->pool->wakeup, EV_READ, 0);
}

static void
finish_tasks (evutil_socket_t fd, short what, void *user_data)
{
  KbcWorkerPool *self = user_data;
  Task *task;

  while ((task = g_async_queue_try_pop (self->finished)) != NULL)
    {
      self->busy--;
      task->done (task->data);
      g_free (task);
    }

  if (self->busy == 0 && self->idle != NULL)
    self->idle (self->idle_data);
}

KbcWorkerPool *
kbc_worker_pool_new (struct event_base *base, guint n_threads)
{
  KbcWorkerPool *self = g_new0 (KbcWorkerPool, 1);
  g_autoptr (GError) error = NULL;

  self->finished = g_async_queue_new ();
  self->wakeup = event_new (base, -1, 0, finish_tasks, self);
  self->threads = g_thread_pool_new (run_task, self, n_threads, TRUE, &error);
  if (self->threads == NULL)
    g_error ("cannot start worker threads: %s", error->message);

  return self;
}

void
kbc_worker_pool_push (KbcWorkerPool *self, KbcWorkFunc work, KbcWorkFunc done, gpointer data)
{
  Task *task = g_new0 (Task, 1);

  task->pool = self;
  task->work = work;
  task->done = done;
  task->data = data;
  self->busy++;
  g_thread_pool_push (self->threads, task, NULL);
}

guint
kbc_worker_pool_get_busy (KbcWorkerPool *self)
{
  return self->busy;
}

void
kbc_worker_pool_set_idle_func (KbcWorkerPool *self, KbcWorkFunc idle, gpointer data)
{
  self->idle = idle;
  self->idle_data = data;
}

void
kbc_worker_pool_free (KbcWorkerPool *self)
{
  if (self == NULL)
    return;

  self->idle = NULL;

  g_thread_pool_free (self->threads, FALSE, TRUE);
  finish_tasks (-1, 0, self);
  event_free (self->wakeup);
  g_async_queue_unref (self->finished);
  g_free (self);
}
