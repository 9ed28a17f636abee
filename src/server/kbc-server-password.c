/* kbc-server-password.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-password.h"

#include "kbc-server-crypto.h"

#include <argon2.h>
#include <event2/thread.h>
#include <pwquality.h>
#include <string.h>

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

static gpointer
make_dummy_hash (gpointer data)
{
  g_autofree char *password = kbc_crypto_random_alnum (24);

  return kbc_password_hash (password);
}

gboolean
kbc_password_verify (const char *encoded, const char *password)
{
  static GOnce dummy = G_ONCE_INIT;
  gboolean real = encoded != NULL;

  if (!real)
    encoded = g_once (&dummy, make_dummy_hash, NULL);

  /* argon2id_verify compares in constant time. */
  return argon2id_verify (encoded, password, strlen (password)) == ARGON2_OK && real;
}

void
kbc_password_warm_up (gpointer unused)
{
  kbc_password_verify (NULL, "");
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

static void
run_task (gpointer task_data, gpointer pool_data)
{
  Task *task = task_data;

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
