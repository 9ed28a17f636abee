/* kbc-server-admin.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "kbc-server-admin.h"

#include "kbc-demo.h"
#include "kbc-server-auth.h"
#include "kbc-server-http.h"
#include "kbc-server-keys.h"
#include "kbc-server-mfa.h"
#include "kbc-server-notifications.h"
#include "kbc-server-password.h"
#include "kbc-server-store.h"
#include "kbc-server-profile.h"
#include "kbc-server-tokens.h"
#include "kbc-server-world.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PROGRAM         "kbc-account-server"
#define MAX_STDIN_BYTES 4096
#define MAX_DRAIN_BYTES (1024 * 1024)
#define MAX_NAME_BYTES  255
#define MAX_EMAIL_BYTES 254
#define EXIT_BAD_INPUT  1
#define EXIT_USAGE      2

/* A personal token lives 30 days unless the operator says otherwise
 * (KBC_TOKEN_MIN_LIFETIME to KBC_TOKEN_MAX_LIFETIME). */
#define TOKEN_DEFAULT_LIFETIME (30 * 24 * 3600)

/* Every option any command takes; each command lists the ones it uses. */
static struct
{
  char *db;
  char *listen;
  char *port_file;
  char *email;
  char *name;
  char *description;
  char *expires_in;
  char *seconds;
  gint64 id;
  gboolean all;
  char *type;
  char *title;
  char *message;
  char *project;
  char *limit;
  char *maintainer;
  char *organization;
  char *role;
  char *from;
  char *reason;
  char *code;
  char *template_name;
  char *expiration_days;
  char *value;
  gboolean mfa_required;
  gboolean auto_join;
  int session_lifetime;
  int ticket_lifetime;
  gboolean quiet;
  gboolean published_only;
  char *rp_id;
} opts;

/* One line on standard error, whatever the message holds. */
static int G_GNUC_PRINTF (2, 3) fail (int status, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_strdelimit (message, "\r\n", ' ');
  {
    g_autofree char *escaped = kbc_server_log_escape (message);
    fprintf (stderr, PROGRAM ": %s\n", escaped);
  }
  return status;
}

static KbcStore *
open_store (int *status)
{
  g_autoptr (GError) error = NULL;
  KbcStore *store;

  store = kbc_store_open (opts.db, &error);
  if (store == NULL)
    *status = fail (EXIT_BAD_INPUT, "%s", error->message);
  return store;
}

static void
print_id (gint64 id)
{
  printf ("%" G_GINT64_FORMAT "\n", id);
  fflush (stdout);
}

const char *
kbc_server_check_email (const char *email)
{
  const char *at;

  if (email == NULL || *email == '\0')
    return "email: must not be empty";
  if (strlen (email) > MAX_EMAIL_BYTES)
    return "email: must be at most 254 bytes";
  if (!g_utf8_validate (email, -1, NULL))
    return "email: must be valid UTF-8";
  for (const char *p = email; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
      return "email: must not contain spaces or control characters";

  at = strchr (email, '@');
  if (at == NULL || at == email || strchr (at + 1, '@') != NULL)
    return "email: must have the form local@domain";
  if (at - email > 64)
    return "email: the part before @ must be at most 64 bytes";
  if (strchr (at + 1, '.') == NULL || at[1] == '.' || g_str_has_suffix (email, ".") ||
      strstr (at, "..") != NULL)
    return "email: the domain is not valid";
  return NULL;
}

/* A name or a description: one line of text. NULL when @value is fine,
 * otherwise the reason, which starts with @field. */
static char *
check_label (const char *field, const char *value)
{
  if (value == NULL || *value == '\0')
    return g_strdup_printf ("%s: must not be empty", field);
  if (strlen (value) > MAX_NAME_BYTES)
    return g_strdup_printf ("%s: must be at most %d bytes", field, MAX_NAME_BYTES);
  if (!g_utf8_validate (value, -1, NULL))
    return g_strdup_printf ("%s: must be valid UTF-8", field);
  for (const char *p = value; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      return g_strdup_printf ("%s: must not contain control characters", field);
  return NULL;
}

/* Standard input of a command that reads it (the password of user add). */
typedef struct
{
  gboolean read;
  char *text; /* NULL when it was too long */
} Input;

static void
free_secret (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

static void
input_clear (Input *input)
{
  g_clear_pointer (&input->text, free_secret);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Input, input_clear)

/* Reads the whole of standard input (a password), without the one line
 * ending a terminal or `echo` adds; text longer than MAX_STDIN_BYTES is
 * read to the end (up to MAX_DRAIN_BYTES) and dropped, so that whoever
 * writes it does not find the pipe closed. */
static void
input_read (Input *input)
{
  g_autoptr (GString) text = g_string_new (NULL);
  gboolean too_long = FALSE;
  gsize total = 0;
  char buf[512];

  while (total <= MAX_DRAIN_BYTES)
    {
      ssize_t n = read (STDIN_FILENO, buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      total += n;
      if (!too_long)
        g_string_append_len (text, buf, n);
      explicit_bzero (buf, sizeof buf);
      if (!too_long && text->len > MAX_STDIN_BYTES)
        {
          too_long = TRUE;
          explicit_bzero (text->str, text->len);
          g_string_truncate (text, 0);
        }
    }

  input->read = TRUE;
  if (too_long)
    return;
  if (text->len > 0 && text->str[text->len - 1] == '\n')
    g_string_truncate (text, text->len - 1);
  if (text->len > 0 && text->str[text->len - 1] == '\r')
    g_string_truncate (text, text->len - 1);
  input->text = g_string_free (g_steal_pointer (&text), FALSE);
}

/* ---- init ---- */

static int
cmd_init (Input *input)
{
  g_autoptr (KbcStore) store = NULL;
  int status = 0;

  store = open_store (&status);
  return status;
}

/* ---- serve ---- */

static gboolean
parse_listen (const char *listen, char **host, guint16 *port)
{
  const char *colon = strrchr (listen, ':');
  guint64 value;

  if (colon == NULL || colon == listen)
    return FALSE;
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &value, NULL))
    return FALSE;

  if (listen[0] == '[')
    {
      if (colon[-1] != ']' || colon - listen < 3)
        return FALSE;
      *host = g_strndup (listen + 1, colon - listen - 2);
    }
  else
    *host = g_strndup (listen, colon - listen);
  *port = value;
  return TRUE;
}

/* A WebAuthn relying party id: a host name, lower case. */
static gboolean
check_rp_id (const char *rp_id)
{
  if (*rp_id == '\0' || strlen (rp_id) > 253 || g_hostname_is_ip_address (rp_id) ||
      rp_id[0] == '.' || rp_id[0] == '-' || g_str_has_suffix (rp_id, "."))
    return FALSE;
  for (const char *p = rp_id; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (host);

  if (address == NULL)
    return g_ascii_strcasecmp (host, "localhost") == 0;
  return g_inet_address_get_is_loopback (address);
}

static int
cmd_serve (Input *input)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *host = NULL;
  KbcServerConfig config = { 0 };
  KbcServer *server;
  KbcStore *store;
  guint16 port = 0;
  int status = 0;

  if (!parse_listen (opts.listen != NULL ? opts.listen : "127.0.0.1:0", &host, &port))
    return fail (EXIT_USAGE, "--listen: expected HOST:PORT, e.g. 127.0.0.1:0");
  if (opts.session_lifetime < 0 || opts.session_lifetime > KBC_SERVER_SESSION_LIFETIME)
    return fail (EXIT_USAGE, "--session-lifetime: between 1 and %d seconds",
                 KBC_SERVER_SESSION_LIFETIME);
  if (opts.ticket_lifetime < 0 || opts.ticket_lifetime > KBC_SERVER_TICKET_LIFETIME)
    return fail (EXIT_USAGE, "--ticket-lifetime: between 1 and %d seconds",
                 KBC_SERVER_TICKET_LIFETIME);

  if (opts.rp_id != NULL && !check_rp_id (opts.rp_id))
    return fail (EXIT_USAGE, "--rp-id: a host name, e.g. connection.example.com");
  if (opts.rp_id == NULL && !is_loopback_host (host))
    return fail (EXIT_USAGE,
                 "--rp-id: required when listening on %s (security keys are registered for a "
                 "host name, the one clients call)",
                 host);
  if (!kbc_password_load_common (&error))
    return fail (EXIT_BAD_INPUT, "%s", error->message);

  store = open_store (&status);
  if (store == NULL)
    return status;

  config.rp_id = opts.rp_id != NULL ? opts.rp_id : "localhost";
  config.session_lifetime = opts.session_lifetime;
  config.ticket_lifetime = opts.ticket_lifetime;
  config.quiet = opts.quiet;
  config.published_only = opts.published_only;
  server = kbc_server_new (store, &config);
  kbc_server_auth_register (server);
  kbc_server_mfa_register (server);
  kbc_server_keys_register (server);
  kbc_server_tokens_register (server);
  kbc_server_profile_register (server);
  kbc_server_notifications_register (server);
  kbc_server_world_register (server);

  port = kbc_server_listen (server, host, port, &error);
  if (port == 0)
    {
      kbc_server_free (server);
      return fail (EXIT_BAD_INPUT, "%s", error->message);
    }

  /* Written only now that the socket is bound; g_file_set_contents()
   * renames a complete temporary file into place. */
  if (opts.port_file != NULL)
    {
      g_autofree char *digits = g_strdup_printf ("%u", port);

      if (!g_file_set_contents (opts.port_file, digits, -1, &error))
        {
          kbc_server_free (server);
          return fail (EXIT_BAD_INPUT, "%s", error->message);
        }
    }

  /* A client that hangs up must not kill the server. */
  signal (SIGPIPE, SIG_IGN);

  printf ("listening on http://%s%s%s:%u\n", strchr (host, ':') ? "[" : "", host,
          strchr (host, ':') ? "]" : "", port);
  fflush (stdout);

  kbc_server_run (server);
  kbc_server_free (server);
  return 0;
}

/* ---- seed-demo ---- */

#define DAY (24 * 3600)

/* A few of each type, some read, the way a real account collects them. */
static const struct
{
  const char *type;
  gint64 age; /* seconds */
  gboolean read;
  const char *title;
  const char *message;
  const char *project_name; /* one of the demo world's projects */
  const char *limit;
} demo_notifications[] = {
  { KBC_NOTIFICATION_TYPE_GLOBAL, 40 * DAY, TRUE, "Scheduled maintenance on Saturday",
    "Keboola Connection will be **read-only** on Saturday from 08:00 to 10:00 UTC while the "
    "platform is upgraded. Follow the [status page](https://status.keboola.com/) for updates.",
    NULL, NULL },
  { KBC_NOTIFICATION_TYPE_COMMON, 21 * DAY, TRUE, "Your project moved to the new storage backend",
    "All tables of *Acme Production* now live on the new backend. Nothing changes for your "
    "configurations.",
    "Acme Production", NULL },
  { KBC_NOTIFICATION_TYPE_LIMIT, 9 * DAY, FALSE, "Storage limit exceeded",
    "The project *Acme Sandbox* uses **1.12 GB** of its 1 GB storage. Delete tables you no "
    "longer need, or ask your organization to raise the limit.",
    "Acme Sandbox", "storage.dataSizeBytes" },
  { KBC_NOTIFICATION_TYPE_SECURITY, 6 * DAY, FALSE, "Protect your account with a second factor",
    "Your account is protected by a password only. Add an authenticator app or a security key "
    "in **Account & Security**.",
    NULL, NULL },
  { KBC_NOTIFICATION_TYPE_GLOBAL, 3 * DAY, FALSE, "Legacy Python transformations end on 30 June",
    "The legacy Python transformations are *deprecated* and stop running on 30 June. To move "
    "one:\n\n1. Open the transformation.\n2. Choose `Migrate`.\n3. Check its output tables."
    "\n\nSee the [migration guide](https://help.keboola.com/transformations/) for details.",
    NULL, NULL },
  { KBC_NOTIFICATION_TYPE_LIMIT, 2 * DAY, FALSE, "Orchestration runs limit reached",
    "*Northwind Reporting* ran **5** orchestrations, its limit. New runs wait until the limit "
    "is raised.",
    "Northwind Reporting", "orchestrations.count" },
  { KBC_NOTIFICATION_TYPE_COMMON, 3 * 3600, FALSE, "Welcome to KBC Account",
    "This is the demo account of the server on your computer. Try marking notifications read, "
    "or changing your password: a **security** notification tells you about it.",
    NULL, NULL },
};

/* The id of the demo project named @name in the user's organizations (the
 * demo world is made first), or 0. */
static gint64
demo_project_id (KbcStore *store, gint64 user_id, const char *name)
{
  g_autoptr (GPtrArray) organizations = NULL;

  if (name == NULL)
    return 0;
  organizations = kbc_store_organizations_of_user (store, user_id, NULL);
  for (guint i = 0; organizations != NULL && i < organizations->len; i++)
    {
      const KbcStoreOrganization *organization = organizations->pdata[i];
      g_autoptr (GPtrArray) projects =
          kbc_store_projects_of_organization (store, organization->id, NULL);

      for (guint j = 0; projects != NULL && j < projects->len; j++)
        {
          const KbcStoreProject *project = projects->pdata[j];

          if (g_strcmp0 (project->name, name) == 0)
            return project->id;
        }
    }
  return 0;
}

/* Once: a demo account that ever had notifications keeps what it has. A
 * notification about a project names one of the demo world's. */
static gboolean
seed_demo_notifications (KbcStore *store, gint64 user_id, GError **error)
{
  gint64 now = kbc_server_now ();
  gint64 version;

  /* Checked inside the transaction: two seed-demo at once seed once. */
  if (!kbc_store_begin (store, error))
    return FALSE;
  version = kbc_store_notification_version (store, user_id, error);
  if (version != 0)
    {
      kbc_store_rollback (store);
      return version > 0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (demo_notifications); i++)
    {
      KbcNotificationRow row = {
        .user_id = user_id,
        .type = (char *) demo_notifications[i].type,
        .title = (char *) demo_notifications[i].title,
        .message = (char *) demo_notifications[i].message,
        .limit_name = (char *) demo_notifications[i].limit,
        .project_id = demo_project_id (store, user_id, demo_notifications[i].project_name),
        .project_name = (char *) demo_notifications[i].project_name,
      };
      g_autofree char *id = NULL;

      id = kbc_store_notification_insert (store, &row, now - demo_notifications[i].age, error);
      if (id == NULL || (demo_notifications[i].read &&
                         !kbc_store_notification_mark_read (store, user_id, id, now, error)))
        {
          kbc_store_rollback (store);
          return FALSE;
        }
    }
  if (!kbc_store_commit (store, error))
    {
      kbc_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

/* ---- the demo world ---- */

#define DEMO_COLLEAGUE_EMAIL "martin@kbc-account.test"
#define DEMO_COLLEAGUE_NAME  "Martin Colleague"
#define DEMO_DAY             (24 * 3600)

typedef struct
{
  const char *name;
  guint organization; /* index into the organizations made */
  const char *role;   /* the demo user's; NULL: invited, not a member */
  const char *invitation_reason;
  gint64 limits[3]; /* kbc.adminsCount, storage.dataSizeBytes, orchestrations.count */
  gint64 metrics[3];
} DemoProject;

static const char *const demo_value_names[] = {
  "kbc.adminsCount",
  "storage.dataSizeBytes",
  "orchestrations.count",
};

static const DemoProject demo_projects[] = {
  { "Acme Production", 0, "admin", NULL, { 10, 50000000000, 10 }, { 3, 22691704832, 4 } },
  { "Acme Sandbox", 0, "guest", NULL, { 5, 1000000000, 3 }, { 5, 1120000000, 1 } },
  { "Northwind Reporting", 1, "readOnly", NULL, { 10, 20000000000, 5 }, { 2, 4200000000, 5 } },
  { "Acme Marketing",
    0,
    NULL,
    "We need help with the campaign dashboards.",
    { 10, 1000000000, 3 },
    { 1, 0, 0 } },
  { "Northwind Forecasting", 1, NULL, "", { 10, 1000000000, 3 }, { 1, 0, 0 } },
};

/* Once, when the demo user belongs to no organization and has no pending
 * invitation: a maintainer with two organizations the user belongs to
 * (one requires MFA), projects with limits and metrics, two pending project
 * invitations and one organization invitation from a colleague, and one
 * unused promo code. */
static gboolean
seed_demo_world (KbcStore *store, KbcUser *user, GError **error)
{
  g_autoptr (KbcUser) colleague = NULL;
  g_autoptr (GPtrArray) organizations_of_user = NULL;
  g_autoptr (GPtrArray) invitations = NULL;
  gint64 now = kbc_server_now ();
  gint64 maintainer_id, colleague_id, contoso_id;
  gint64 organization_ids[2];

  if (!kbc_store_begin (store, error))
    return FALSE;

  organizations_of_user = kbc_store_organizations_of_user (store, user->id, error);
  invitations = organizations_of_user != NULL
                    ? kbc_store_invitations_for (store, user->email, KBC_WORLD_PROJECT, 0, error)
                    : NULL;
  if (invitations == NULL)
    goto fail;
  if (organizations_of_user->len > 0 || invitations->len > 0)
    {
      kbc_store_rollback (store);
      return TRUE;
    }

  colleague = kbc_store_user_by_email (store, DEMO_COLLEAGUE_EMAIL, error);
  if (colleague != NULL)
    colleague_id = colleague->id;
  else
    {
      /* Nobody signs in as the colleague: a password no one knows. */
      g_autofree char *secret = g_uuid_string_random ();
      g_autofree char *hash = kbc_password_hash (secret);

      if (error != NULL && *error != NULL)
        goto fail;
      colleague_id = kbc_store_user_insert (store, DEMO_COLLEAGUE_EMAIL, DEMO_COLLEAGUE_NAME, hash,
                                            now - 400 * DEMO_DAY, error);
      if (colleague_id == 0)
        goto fail;
    }

  maintainer_id =
      kbc_store_maintainer_insert (store, "Keboola Demo Partners", now - 900 * DEMO_DAY, error);
  if (maintainer_id == 0 ||
      (organization_ids[0] =
           kbc_store_organization_insert (store, maintainer_id, "Acme Analytics", FALSE, TRUE,
                                          now - 800 * DEMO_DAY, error)) == 0 ||
      (organization_ids[1] =
           kbc_store_organization_insert (store, maintainer_id, "Northwind Data", TRUE, FALSE,
                                          now - 500 * DEMO_DAY, error)) == 0 ||
      (contoso_id = kbc_store_organization_insert (store, maintainer_id, "Contoso Labs", FALSE,
                                                   FALSE, now - 300 * DEMO_DAY, error)) == 0)
    goto fail;
  for (guint i = 0; i < G_N_ELEMENTS (organization_ids); i++)
    if (!kbc_store_member_add (store, KBC_WORLD_ORGANIZATION, organization_ids[i], user->id, NULL,
                               now - 200 * DEMO_DAY, error) ||
        !kbc_store_member_add (store, KBC_WORLD_ORGANIZATION, organization_ids[i], colleague_id,
                               NULL, now - 200 * DEMO_DAY, error))
      goto fail;

  for (guint i = 0; i < G_N_ELEMENTS (demo_projects); i++)
    {
      const DemoProject *demo = &demo_projects[i];
      gint64 project_id;

      project_id = kbc_store_project_insert (store, organization_ids[demo->organization],
                                             demo->name, now - (100 + 50 * i) * DEMO_DAY, 0, error);
      if (project_id == 0 || !kbc_store_member_add (store, KBC_WORLD_PROJECT, project_id,
                                                    colleague_id, "admin", now, error))
        goto fail;
      for (guint v = 0; v < G_N_ELEMENTS (demo_value_names); v++)
        if (!kbc_store_project_set_value (store, FALSE, project_id, demo_value_names[v],
                                          demo->limits[v], error) ||
            !kbc_store_project_set_value (store, TRUE, project_id, demo_value_names[v],
                                          demo->metrics[v], error))
          goto fail;

      if (demo->role != NULL)
        {
          if (!kbc_store_member_add (store, KBC_WORLD_PROJECT, project_id, user->id, demo->role,
                                     now - 90 * DEMO_DAY, error))
            goto fail;
        }
      else
        {
          KbcInvitationRow row = {
            .level = KBC_WORLD_PROJECT,
            .target_id = project_id,
            .email = user->email,
            .creator_id = colleague_id,
            .role = i % 2 == 0 ? "admin" : "guest",
            .reason = demo->invitation_reason,
            .created = now - (i + 1) * 3600,
            .expires = now + 7 * DEMO_DAY,
          };

          if (kbc_store_invitation_insert (store, &row, error) == 0)
            goto fail;
        }
    }

  {
    KbcInvitationRow row = {
      .level = KBC_WORLD_ORGANIZATION,
      .target_id = contoso_id,
      .email = user->email,
      .creator_id = colleague_id,
      .created = now - 2 * DEMO_DAY,
      .expires = now + 5 * DEMO_DAY,
    };

    if (kbc_store_invitation_insert (store, &row, error) == 0 ||
        !kbc_store_promo_insert (store, "DEMO-HACKATHON", organization_ids[0], "poc", 30,
                                 now - 10 * DEMO_DAY, error))
      goto fail;
  }

  if (!kbc_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  kbc_store_rollback (store);
  return FALSE;
}

static int
cmd_seed_demo (Input *input)
{
  g_autoptr (KbcStore) store = NULL;
  g_autoptr (KbcUser) user = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = NULL;
  int status = 0;
  gint64 id;

  store = open_store (&status);
  if (store == NULL)
    return status;

  user = kbc_store_user_by_email (store, KBC_DEMO_EMAIL, &error);
  if (error != NULL)
    return fail (EXIT_BAD_INPUT, "%s", error->message);
  if (user != NULL)
    {
      if (!seed_demo_world (store, user, &error) ||
          !seed_demo_notifications (store, user->id, &error))
        return fail (EXIT_BAD_INPUT, "%s", error->message);
      print_id (user->id);
      return 0;
    }

  hash = kbc_password_hash (KBC_DEMO_PASSWORD);
  id =
      kbc_store_user_insert (store, KBC_DEMO_EMAIL, KBC_DEMO_NAME, hash, kbc_server_now (), &error);
  if (id == 0 && g_error_matches (error, KBC_STORE_ERROR, KBC_STORE_ERROR_EXISTS))
    {
      /* Another seed-demo won the race: that is the same result. */
      g_clear_error (&error);
      g_clear_pointer (&user, kbc_user_free);
      user = kbc_store_user_by_email (store, KBC_DEMO_EMAIL, &error);
      if (user != NULL)
        id = user->id;
    }
  if (id == 0)
    return fail (EXIT_BAD_INPUT, "%s", error != NULL ? error->message : "cannot seed");
  if (user == NULL)
    user = kbc_store_user_by_id (store, id, &error);
  if (user == NULL || !seed_demo_world (store, user, &error))
    return fail (EXIT_BAD_INPUT, "%s", error != NULL ? error->message : "cannot seed");
  if (!seed_demo_notifications (store, id, &error))
    return fail (EXIT_BAD_INPUT, "%s", error->message);

  print_id (id);
  return 0;
}

/* ---- user add ---- */

static int
cmd_user_add (Input *input)
{
  g_autoptr (KbcStore) store = NULL;
  g_autoptr (KbcUser) existing = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *email = NULL;
  g_autofree char *name = NULL;
  g_autofree char *hash = NULL;
  g_autoptr (GArray) problems = NULL;
  g_autofree char *name_problem = NULL;
  char *password;
  const char *reason;
  int status = 0;
  gint64 id;

  email = g_strstrip (g_strdup (opts.email != NULL ? opts.email : ""));
  name = g_strstrip (g_strdup (opts.name != NULL ? opts.name : ""));
  if ((reason = kbc_server_check_email (email)) != NULL)
    return fail (EXIT_BAD_INPUT, "%s", reason);
  if ((name_problem = check_label ("name", name)) != NULL)
    return fail (EXIT_BAD_INPUT, "%s", name_problem);

  /* Already read unless it is a terminal (see kbc_server_main()). */
  if (!input->read)
    input_read (input);
  password = g_steal_pointer (&input->text);
  if (password == NULL)
    return fail (EXIT_BAD_INPUT, "password: The password is longer than 1024 bytes");
  if (!kbc_password_load_common (&error))
    {
      free_secret (password);
      return fail (EXIT_BAD_INPUT, "%s", error->message);
    }
  problems = kbc_password_check_policy (password, email, NULL);
  if (problems->len > 0)
    {
      g_autoptr (GString) joined = g_string_new (NULL);

      for (guint i = 0; i < problems->len; i++)
        g_string_append_printf (joined, "%s%s", i > 0 ? "; " : "",
                                g_array_index (problems, KbcPasswordProblem, i).message);
      free_secret (password);
      return fail (EXIT_BAD_INPUT, "password: %s", joined->str);
    }

  store = open_store (&status);
  if (store == NULL)
    {
      free_secret (password);
      return status;
    }

  /* Checked before the (slow) hash; the unique index still decides races. */
  existing = kbc_store_user_by_email (store, email, &error);
  if (existing != NULL)
    {
      free_secret (password);
      return fail (EXIT_BAD_INPUT, "email: a user with email %s already exists", email);
    }

  hash = kbc_password_hash (password);
  free_secret (password);

  id = kbc_store_user_insert (store, email, name, hash, kbc_server_now (), &error);
  if (id == 0)
    {
      if (g_error_matches (error, KBC_STORE_ERROR, KBC_STORE_ERROR_EXISTS))
        return fail (EXIT_BAD_INPUT, "email: %s", error->message);
      return fail (EXIT_BAD_INPUT, "%s", error->message);
    }

  print_id (id);
  return 0;
}

/* ---- token add ---- */

static int
cmd_token_add (Input *input)
{
  g_autoptr (KbcStore) store = NULL;
  g_autoptr (KbcUser) user = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *problem = NULL;
  char *token;
  gint64 lifetime = TOKEN_DEFAULT_LIFETIME;
  gint64 now;
  int status = 0;

  if (opts.email == NULL)
    return fail (EXIT_USAGE, "--email: required");
  if (opts.description == NULL)
    return fail (EXIT_USAGE, "--description: required");

  description = g_strstrip (g_strdup (opts.description));
  if ((problem = check_label ("description", description)) != NULL)
    return fail (EXIT_BAD_INPUT, "%s", problem);
  if (opts.expires_in != NULL &&
      !g_ascii_string_to_signed (opts.expires_in, 10, KBC_TOKEN_MIN_LIFETIME,
                                 KBC_TOKEN_MAX_LIFETIME, &lifetime, NULL))
    return fail (EXIT_BAD_INPUT,
                 "expires-in: must be a whole number of seconds from %d (an hour) to %d (a year)",
                 KBC_TOKEN_MIN_LIFETIME, KBC_TOKEN_MAX_LIFETIME);

  store = open_store (&status);
  if (store == NULL)
    return status;

  user = kbc_store_user_by_email (store, opts.email, &error);
  if (user == NULL)
    return fail (EXIT_BAD_INPUT, "%s",
                 error != NULL ? error->message : "email: there is no user with this email");

  now = kbc_server_now ();
  token = kbc_auth_issue_token (store, user->id, KBC_TOKEN_TYPE_ADMIN, description, now,
                                now + lifetime, NULL, &error);
  if (token == NULL)
    return fail (EXIT_BAD_INPUT, "%s", error->message);

  /* The only time the secret is seen: the database keeps its hash. */
  printf ("%s\n", token);
  fflush (stdout);
  explicit_bzero (token, strlen (token));
  g_free (token);
  return 0;
}

/* ---- notify ---- */

/* A limit's name as the project's limits name it ("storage.dataSizeBytes"). */
static gboolean
is_limit_name (const char *name)
{
  if (*name == '\0' || strlen (name) > MAX_NAME_BYTES)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

static int
cmd_notify (Input *input)
{
  g_autoptr (KbcStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) user_ids = NULL;
  g_autoptr (GPtrArray) new_ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *title = NULL;
  g_autofree char *problem = NULL;
  g_autoptr (KbcStoreProject) project = NULL;
  KbcNotificationRow row = { 0 };
  gint64 project_id = 0;
  gint64 now;
  int status = 0;

  if ((opts.email != NULL) == opts.all)
    return fail (EXIT_USAGE, "notify: give either --email E or --all");
  if (opts.type == NULL)
    return fail (EXIT_USAGE, "--type: required (common, limit or global)");
  if (opts.title == NULL)
    return fail (EXIT_USAGE, "--title: required");
  if (opts.message == NULL)
    return fail (EXIT_USAGE, "--message: required");

  /* "security" is the server's own: it sends those when the account changes. */
  if (!g_str_equal (opts.type, KBC_NOTIFICATION_TYPE_COMMON) &&
      !g_str_equal (opts.type, KBC_NOTIFICATION_TYPE_LIMIT) &&
      !g_str_equal (opts.type, KBC_NOTIFICATION_TYPE_GLOBAL))
    return fail (EXIT_BAD_INPUT, "type: must be common, limit or global");

  title = g_strstrip (g_strdup (opts.title));
  if ((problem = kbc_server_notification_check (title, opts.message)) != NULL)
    return fail (EXIT_BAD_INPUT, "%s", problem);

  if (opts.project != NULL &&
      !g_ascii_string_to_signed (opts.project, 10, 1, G_MAXINT64, &project_id, NULL))
    return fail (EXIT_BAD_INPUT, "project: must be a project id (a positive whole number)");
  if (opts.limit != NULL && !g_str_equal (opts.type, KBC_NOTIFICATION_TYPE_LIMIT))
    return fail (EXIT_BAD_INPUT, "limit: only a notification of --type limit names a limit");
  if (opts.limit != NULL && !is_limit_name (opts.limit))
    return fail (EXIT_BAD_INPUT,
                 "limit: must be a limit's name (letters, digits, '.', '_' and '-'), such as "
                 "storage.dataSizeBytes");
  if (g_str_equal (opts.type, KBC_NOTIFICATION_TYPE_LIMIT) && project_id == 0)
    return fail (EXIT_BAD_INPUT,
                 "project: a limit notification is about a project: give --project");

  store = open_store (&status);
  if (store == NULL)
    return status;

  if (opts.all)
    {
      user_ids = kbc_store_user_ids (store, &error);
      if (user_ids == NULL)
        return fail (EXIT_BAD_INPUT, "%s", error->message);
    }
  else
    {
      g_autoptr (KbcUser) user = kbc_store_user_by_email (store, opts.email, &error);

      if (user == NULL)
        return fail (EXIT_BAD_INPUT, "%s",
                     error != NULL ? error->message : "email: there is no user with this email");
      user_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_array_append_val (user_ids, user->id);
    }

  /* The project is kept by id, with its name when the server has it (an
   * id it does not know stays, its name null). */
  if (project_id != 0)
    {
      project = kbc_store_project_by_id (store, project_id, &error);
      if (error != NULL)
        return fail (EXIT_BAD_INPUT, "%s", error->message);
    }
  row.type = opts.type;
  row.title = title;
  row.message = opts.message;
  row.limit_name = opts.limit;
  row.project_id = project_id;
  row.project_name = project != NULL ? project->name : NULL;

  /* One transaction: everyone gets it, or no one. */
  now = kbc_server_now ();
  if (!kbc_store_begin (store, &error))
    return fail (EXIT_BAD_INPUT, "%s", error->message);
  for (guint i = 0; i < user_ids->len; i++)
    {
      char *id;

      row.user_id = g_array_index (user_ids, gint64, i);
      id = kbc_store_notification_insert (store, &row, now, &error);
      if (id == NULL)
        {
          kbc_store_rollback (store);
          return fail (EXIT_BAD_INPUT, "%s", error->message);
        }
      g_ptr_array_add (new_ids, id);
    }
  if (!kbc_store_commit (store, &error))
    {
      kbc_store_rollback (store);
      return fail (EXIT_BAD_INPUT, "%s", error->message);
    }

  /* One id a line: one for --email, one per user for --all. */
  for (guint i = 0; i < new_ids->len; i++)
    printf ("%s\n", (const char *) new_ids->pdata[i]);
  fflush (stdout);
  return 0;
}

/* ---- the world: maintainer add, organization add, project add, member add,
 * invite, promo add, project set-limit, project set-metric ---- */

/* An invitation lives a week unless the operator says otherwise (an hour
 * to a year). */
#define INVITATION_DEFAULT_LIFETIME (7 * 24 * 3600)
#define INVITATION_MIN_LIFETIME     3600
#define INVITATION_MAX_LIFETIME     (365 * 24 * 3600)
#define MAX_REASON_BYTES            1000
#define MAX_CODE_BYTES              64

/* Reads the id option @value of @field into @id; FALSE after printing why. */
static gboolean
parse_id (const char *field, const char *value, gint64 *id, int *status)
{
  if (g_ascii_string_to_signed (value, 10, 1, G_MAXINT64, id, NULL))
    return TRUE;
  *status = fail (EXIT_BAD_INPUT, "%s: must be an id (a positive whole number)", field);
  return FALSE;
}

/* The one name option of a command, stripped and checked. */
static char *
take_name (int *status)
{
  g_autofree char *name = NULL;
  g_autofree char *problem = NULL;

  if (opts.name == NULL)
    {
      *status = fail (EXIT_USAGE, "--name: required");
      return NULL;
    }
  name = g_strstrip (g_strdup (opts.name));
  if ((problem = check_label ("name", name)) != NULL)
    {
      *status = fail (EXIT_BAD_INPUT, "%s", problem);
      return NULL;
    }
  return g_steal_pointer (&name);
}

static int
cmd_maintainer_add (Input *input)
{
  g_autoptr (KbcStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  gint64 id;
  int status = 0;

  if ((name = take_name (&status)) == NULL)
    return status;
  if ((store = open_store (&status)) == NULL)
    return status;

  id = kbc_store_maintainer_insert (store, name, kbc_server_now (), &error);
  if (id == 0)
    return fail (EXIT_BAD_INPUT, "%s", error->message);
  print_id (id);
  return 0;
}

static int
cmd_organization_add (Input *input)
{
  g_autoptr (KbcStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  gint64 maintainer_id;
  gint64 id;
  int status = 0;

  if (opts.maintainer == NULL)
    return fail (EXIT_USAGE, "--maintainer: required");
  if (!parse_id ("maintainer", opts.maintainer, &maintainer_id, &status))
    return status;
  if ((name = take_name (&status)) == NULL)
    return status;
  if ((store = open_store (&status)) == NULL)
    return status;

  id = kbc_store_organization_insert (store, maintainer_id, name, opts.mfa_required, opts.auto_join,
                                      kbc_server_now (), &error);
  if (id == 0)
    return fail (EXIT_BAD_INPUT, "%s", error->message);
  print_id (id);
  return 0;
}

static int
cmd_project_add (Input *input)
{
  g_autoptr (KbcStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  gint64 organization_id;
  gint64 id;
  int status = 0;

  if (opts.organization == NULL)
    return fail (EXIT_USAGE, "--organization: required");
  if (!parse_id ("organization", opts.organization, &organization_id, &status))
    return status;
  if ((name = take_name (&status)) == NULL)
    return status;
  if ((store = open_store (&status)) == NULL)
    return status;

  id = kbc_store_project_insert (store, organization_id, name, kbc_server_now (), 0, &error);
  if (id == 0)
    return fail (EXIT_BAD_INPUT, "%s", error->message);
  print_id (id);
  return 0;
}

gboolean
kbc_server_is_project_role (const char *role)
{
  static const char *const roles[] = { "admin", "guest", "readOnly", "share" };

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_strcmp0 (role, roles[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Exactly one of --project, --organization and --maintainer, and --role only
 * with --project. */
static gboolean
parse_target (KbcWorldLevel *level, gint64 *id, int *status)
{
  int given = (opts.project != NULL) + (opts.organization != NULL) + (opts.maintainer != NULL);

  if (given != 1)
    {
      *status = fail (EXIT_USAGE, "give one of --project ID, --organization ID or --maintainer ID");
      return FALSE;
    }
  if (opts.role != NULL && opts.project == NULL)
    {
      *status = fail (EXIT_BAD_INPUT, "role: only a project membership has a role");
      return FALSE;
    }
  if (opts.role != NULL && !kbc_server_is_project_role (opts.role))
    {
      *status = fail (EXIT_BAD_INPUT, "role: must be admin, guest, readOnly or share");
      return FALSE;
    }

  if (opts.project != NULL)
    {
      *level = KBC_WORLD_PROJECT;
      return parse_id ("project", opts.project, id, status);
    }
  if (opts.organization != NULL)
    {
      *level = KBC_WORLD_ORGANIZATION;
      return parse_id ("organization", opts.organization, id, status);
    }
  *level = KBC_WORLD_MAINTAINER;
  return parse_id ("maintainer", opts.maintainer, id, status);
}

static KbcUser *
find_user (KbcStore *store, const char *field, const char *email, int *status)
{
  g_autoptr (GError) error = NULL;
  KbcUser *user;

  user = kbc_store_user_by_email (store, email, &error);
  if (user == NULL)
    *status = fail (EXIT_BAD_INPUT, "%s",
                    error != NULL ? error->message
                                  : (g_str_equal (field, "from")
                                         ? "from: there is no user with this email"
                                         : "email: there is no user with this email"));
  return user;
}

/* Prints the member's user id. */
static int
cmd_member_add (Input *input)
{
  g_autoptr (KbcStore) store = NULL;
  g_autoptr (KbcUser) user = NULL;
  g_autoptr (GError) error = NULL;
  KbcWorldLevel level;
  gint64 id;
  int status = 0;

  if (opts.email == NULL)
    return fail (EXIT_USAGE, "--email: required");
  if (!parse_target (&level, &id, &status))
    return status;
  if ((store = open_store (&status)) == NULL)
    return status;
  if ((user = find_user (store, "email", opts.email, &status)) == NULL)
    return status;

  if (!kbc_store_member_add (store, level, id, user->id, opts.role, kbc_server_now (), &error))
    return fail (EXIT_BAD_INPUT, "%s", error->message);
  print_id (user->id);
  return 0;
}

static int
cmd_invite (Input *input)
{
  g_autoptr (KbcStore) store = NULL;
  g_autoptr (KbcUser) creator = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *reason = NULL;
  KbcInvitationRow row = { 0 };
  const char *problem;
  gint64 lifetime = INVITATION_DEFAULT_LIFETIME;
  gint64 id;
  int status = 0;

  if (opts.email == NULL)
    return fail (EXIT_USAGE, "--email: required");
  if ((problem = kbc_server_check_email (opts.email)) != NULL)
    return fail (EXIT_BAD_INPUT, "%s", problem);
  if (!parse_target (&row.level, &row.target_id, &status))
    return status;
  if (opts.expires_in != NULL &&
      !g_ascii_string_to_signed (opts.expires_in, 10, INVITATION_MIN_LIFETIME,
                                 INVITATION_MAX_LIFETIME, &lifetime, NULL))
    return fail (EXIT_BAD_INPUT,
                 "expires-in: must be a whole number of seconds from %d (an hour) to %d (a year)",
                 INVITATION_MIN_LIFETIME, INVITATION_MAX_LIFETIME);
  if (opts.reason != NULL)
    {
      reason = g_strstrip (g_strdup (opts.reason));
      if (strlen (reason) > MAX_REASON_BYTES || !g_utf8_validate (reason, -1, NULL))
        return fail (EXIT_BAD_INPUT, "reason: must be valid UTF-8 of at most %d bytes",
                     MAX_REASON_BYTES);
    }
  if ((store = open_store (&status)) == NULL)
    return status;
  if (opts.from != NULL && (creator = find_user (store, "from", opts.from, &status)) == NULL)
    return status;

  row.email = opts.email;
  row.creator_id = creator != NULL ? creator->id : 0;
  row.role = opts.role;
  row.reason = reason;
  row.created = kbc_server_now ();
  row.expires = row.created + lifetime;
  id = kbc_store_invitation_insert (store, &row, &error);
  if (id == 0)
    return fail (EXIT_BAD_INPUT, "%s", error->message);
  print_id (id);
  return 0;
}

/* A promo code: letters, digits, '-' and '_'. */
static gboolean
is_promo_code (const char *code)
{
  if (*code == '\0' || strlen (code) > MAX_CODE_BYTES)
    return FALSE;
  for (const char *p = code; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* Prints the code: it is the promo code's id. */
static int
cmd_promo_add (Input *input)
{
  g_autoptr (KbcStore) store = NULL;
  g_autoptr (GError) error = NULL;
  gint64 organization_id;
  gint64 days = 0;
  int status = 0;

  if (opts.code == NULL)
    return fail (EXIT_USAGE, "--code: required");
  if (opts.organization == NULL)
    return fail (EXIT_USAGE, "--organization: required");
  if (!is_promo_code (opts.code))
    return fail (EXIT_BAD_INPUT, "code: must be 1 to %d letters, digits, '-' and '_'",
                 MAX_CODE_BYTES);
  if (!parse_id ("organization", opts.organization, &organization_id, &status))
    return status;
  if (opts.template_name != NULL && !is_limit_name (opts.template_name))
    return fail (EXIT_BAD_INPUT, "template: must be letters, digits, '.', '_' and '-'");
  if (opts.expiration_days != NULL &&
      !g_ascii_string_to_signed (opts.expiration_days, 10, 1, 3650, &days, NULL))
    return fail (EXIT_BAD_INPUT, "expiration-days: must be a whole number from 1 to 3650");
  if ((store = open_store (&status)) == NULL)
    return status;

  if (!kbc_store_promo_insert (store, opts.code, organization_id, opts.template_name, days,
                               kbc_server_now (), &error))
    return fail (EXIT_BAD_INPUT, "%s", error->message);
  printf ("%s\n", opts.code);
  fflush (stdout);
  return 0;
}

/* Sets a metric; when it goes above the project's limit of the same name
 * (it was at or below it, or unset), every project member gets one `limit`
 * notification, in the same transaction. An update that stays above sends
 * nothing: one notification per crossing. */
static gboolean
set_metric (KbcStore *store, gint64 project_id, const char *name, gint64 value, GError **error)
{
  g_autoptr (KbcStoreProject) project = NULL;
  g_autoptr (GArray) members = NULL;
  gint64 old_value = 0;
  gint64 limit = 0;
  gint64 now = kbc_server_now ();

  if (!kbc_store_begin (store, error))
    return FALSE;

  project = kbc_store_project_by_id (store, project_id, error);
  if (project == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, KBC_STORE_ERROR, KBC_STORE_ERROR_NOT_FOUND,
                             "project: there is no project with this id");
      goto fail;
    }
  kbc_store_project_value (store, TRUE, project_id, name, &old_value);
  if (!kbc_store_project_set_value (store, TRUE, project_id, name, value, error))
    goto fail;

  if (kbc_store_project_value (store, FALSE, project_id, name, &limit) && old_value <= limit &&
      value > limit)
    {
      g_autofree char *escaped_project = kbc_server_markdown_escape (project->name);
      g_autofree char *title = g_strdup_printf ("Limit exceeded: %s", name);
      g_autofree char *message = g_strdup_printf (
          "Project **%s** is over its limit `%s`: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT ".",
          escaped_project, name, value, limit);

      members = kbc_store_project_member_ids (store, project_id, error);
      if (members == NULL)
        goto fail;
      for (guint i = 0; i < members->len; i++)
        {
          KbcNotificationRow row = {
            .user_id = g_array_index (members, gint64, i),
            .type = (char *) KBC_NOTIFICATION_TYPE_LIMIT,
            .title = title,
            .message = message,
            .limit_name = (char *) name,
            .project_id = project_id,
            .project_name = project->name,
          };
          g_autofree char *id = kbc_store_notification_insert (store, &row, now, error);

          if (id == NULL)
            goto fail;
        }
    }

  if (!kbc_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  kbc_store_rollback (store);
  return FALSE;
}

/* Prints the project's id. */
static int
project_set_value (gboolean metric)
{
  g_autoptr (KbcStore) store = NULL;
  g_autoptr (GError) error = NULL;
  gint64 project_id;
  gint64 value;
  int status = 0;

  if (opts.project == NULL)
    return fail (EXIT_USAGE, "--project: required");
  if (opts.name == NULL)
    return fail (EXIT_USAGE, "--name: required");
  if (opts.value == NULL)
    return fail (EXIT_USAGE, "--value: required");
  if (!parse_id ("project", opts.project, &project_id, &status))
    return status;
  if (!is_limit_name (opts.name))
    return fail (EXIT_BAD_INPUT, "name: must be letters, digits, '.', '_' and '-', such as "
                                 "storage.dataSizeBytes");
  if (!g_ascii_string_to_signed (opts.value, 10, 0, G_MAXINT64, &value, NULL))
    return fail (EXIT_BAD_INPUT, "value: must be a whole number, 0 or more");
  if ((store = open_store (&status)) == NULL)
    return status;

  if (!metric)
    {
      if (!kbc_store_project_set_value (store, FALSE, project_id, opts.name, value, &error))
        return fail (EXIT_BAD_INPUT, "%s", error->message);
    }
  else if (!set_metric (store, project_id, opts.name, value, &error))
    return fail (EXIT_BAD_INPUT, "%s", error->message);
  print_id (project_id);
  return 0;
}

static int
cmd_project_set_limit (Input *input)
{
  return project_set_value (FALSE);
}

static int
cmd_project_set_metric (Input *input)
{
  return project_set_value (TRUE);
}

/* ---- token expire, login-ticket expire ---- */

static int
cmd_token_expire (Input *input)
{
  g_autoptr (KbcStore) store = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (opts.id <= 0)
    return fail (EXIT_USAGE, "--id: a token id is required");

  store = open_store (&status);
  if (store == NULL)
    return status;

  if (!kbc_store_token_expire (store, opts.id, kbc_server_now (), &error))
    return fail (EXIT_BAD_INPUT, "%s", error->message);

  print_id (opts.id);
  return 0;
}

static int
cmd_token_age (Input *input)
{
  g_autoptr (KbcStore) store = NULL;
  g_autoptr (GError) error = NULL;
  gint64 seconds = 0;
  int status = 0;

  if (opts.id <= 0)
    return fail (EXIT_USAGE, "--id: a token id is required");
  if (opts.seconds == NULL ||
      !g_ascii_string_to_signed (opts.seconds, 10, 1, KBC_TOKEN_MAX_LIFETIME * 10, &seconds, NULL))
    return fail (EXIT_USAGE, "--seconds: a whole number of seconds from 1 to %d",
                 KBC_TOKEN_MAX_LIFETIME * 10);

  store = open_store (&status);
  if (store == NULL)
    return status;

  if (!kbc_store_token_age (store, opts.id, seconds, &error))
    return fail (EXIT_BAD_INPUT, "%s", error->message);

  print_id (opts.id);
  return 0;
}

/* What a user has pending (sign-ins waiting for MFA, security key
 * registrations) ends now. */
typedef gboolean (*ExpireUserFunc) (KbcStore *store, gint64 user_id, gint64 now, GError **error);

static int
expire_for_user (ExpireUserFunc expire)
{
  g_autoptr (KbcStore) store = NULL;
  g_autoptr (KbcUser) user = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (opts.email == NULL)
    return fail (EXIT_USAGE, "--email: required");

  store = open_store (&status);
  if (store == NULL)
    return status;

  user = kbc_store_user_by_email (store, opts.email, &error);
  if (user == NULL)
    return fail (EXIT_BAD_INPUT, "%s",
                 error != NULL ? error->message : "email: there is no user with this email");

  if (!expire (store, user->id, kbc_server_now (), &error))
    return fail (EXIT_BAD_INPUT, "%s", error->message);

  print_id (user->id);
  return 0;
}

static int
cmd_login_ticket_expire (Input *input)
{
  return expire_for_user (kbc_store_ticket_expire_user);
}

/* ---- challenge expire ---- */

static int
cmd_challenge_expire (Input *input)
{
  return expire_for_user (kbc_store_registration_expire_user);
}

/* ---- the command table ---- */

#define DB_OPTION                                                                              \
  {                                                                                            \
    "db", 0, 0, G_OPTION_ARG_FILENAME, &opts.db, "The database (created when missing)", "PATH" \
  }

static const GOptionEntry db_only_entries[] = {
  DB_OPTION,
  { NULL },
};

static const GOptionEntry serve_entries[] = {
  DB_OPTION,
  { "listen", 0, 0, G_OPTION_ARG_STRING, &opts.listen,
    "Address to listen on (default 127.0.0.1:0, any free port)", "HOST:PORT" },
  { "port-file", 0, 0, G_OPTION_ARG_FILENAME, &opts.port_file,
    "Write the port (digits only) here once listening", "FILE" },
  { "session-lifetime", 0, 0, G_OPTION_ARG_INT, &opts.session_lifetime,
    "Seconds a session token lives (may only shorten the default 14 days)", "SECONDS" },
  { "ticket-lifetime", 0, 0, G_OPTION_ARG_INT, &opts.ticket_lifetime,
    "Seconds a sign-in waits for its MFA code (may only shorten the default 300)", "SECONDS" },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opts.quiet, "Do not log requests", NULL },
  { "rp-id", 0, 0, G_OPTION_ARG_STRING, &opts.rp_id,
    "The WebAuthn relying party id: the host name clients call (default localhost, which only "
    "a loopback address may use)",
    "HOST" },
  { "published-only", 0, 0, G_OPTION_ARG_NONE, &opts.published_only,
    "Serve only what Keboola's API reference publishes, as a real stack does: no password "
    "sign-in, MFA, password, personal tokens list or notifications (404)",
    NULL },
  { NULL },
};

static const GOptionEntry user_add_entries[] = {
  DB_OPTION,
  { "email", 0, 0, G_OPTION_ARG_STRING, &opts.email, "Email address (the account's id)", "E" },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opts.name, "Full name", "N" },
  { NULL },
};

static const GOptionEntry token_add_entries[] = {
  DB_OPTION,
  { "email", 0, 0, G_OPTION_ARG_STRING, &opts.email, "The email of the user the token acts as",
    "E" },
  { "description", 0, 0, G_OPTION_ARG_STRING, &opts.description,
    "What the token is for (shown in the user's token list)", "D" },
  { "expires-in", 0, 0, G_OPTION_ARG_STRING, &opts.expires_in,
    "Seconds until the token expires, 3600 (an hour) to 31536000 (a year); default 2592000 (30 "
    "days): a personal token always expires",
    "SECONDS" },
  { NULL },
};

static const GOptionEntry token_expire_entries[] = {
  DB_OPTION,
  { "id", 0, 0, G_OPTION_ARG_INT64, &opts.id, "The token id (the part before '-')", "ID" },
  { NULL },
};

static const GOptionEntry token_age_entries[] = {
  DB_OPTION,
  { "id", 0, 0, G_OPTION_ARG_INT64, &opts.id, "The token id (the part before '-')", "ID" },
  { "seconds", 0, 0, G_OPTION_ARG_STRING, &opts.seconds,
    "How many seconds pass for the token: its creation, last use and expiry move that far back",
    "SECONDS" },
  { NULL },
};

static const GOptionEntry email_entries[] = {
  DB_OPTION,
  { "email", 0, 0, G_OPTION_ARG_STRING, &opts.email, "The user's email", "E" },
  { NULL },
};

static const GOptionEntry notify_entries[] = {
  DB_OPTION,
  { "email", 0, 0, G_OPTION_ARG_STRING, &opts.email, "The user to notify", "E" },
  { "all", 0, 0, G_OPTION_ARG_NONE, &opts.all, "Notify every user (one notification each)", NULL },
  { "type", 0, 0, G_OPTION_ARG_STRING, &opts.type,
    "common, limit or global (security notifications are the server's own)", "TYPE" },
  { "title", 0, 0, G_OPTION_ARG_STRING, &opts.title, "One line of plain text", "T" },
  { "message", 0, 0, G_OPTION_ARG_STRING, &opts.message,
    "The text, in markdown (links, emphasis, code, lists)", "M" },
  { "project", 0, 0, G_OPTION_ARG_STRING, &opts.project,
    "The id of the project it is about (required for --type limit)", "ID" },
  { "limit", 0, 0, G_OPTION_ARG_STRING, &opts.limit,
    "The exceeded limit's name, e.g. storage.dataSizeBytes (--type limit)", "NAME" },
  { NULL },
};

static const GOptionEntry maintainer_add_entries[] = {
  DB_OPTION,
  { "name", 0, 0, G_OPTION_ARG_STRING, &opts.name, "The maintainer's name", "N" },
  { NULL },
};

static const GOptionEntry organization_add_entries[] = {
  DB_OPTION,
  { "maintainer", 0, 0, G_OPTION_ARG_STRING, &opts.maintainer, "The maintainer's id", "ID" },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opts.name, "The organization's name", "N" },
  { "mfa-required", 0, 0, G_OPTION_ARG_NONE, &opts.mfa_required,
    "Its projects require users to have MFA", NULL },
  { "auto-join", 0, 0, G_OPTION_ARG_NONE, &opts.auto_join,
    "Members of the maintainer may join its projects", NULL },
  { NULL },
};

static const GOptionEntry project_add_entries[] = {
  DB_OPTION,
  { "organization", 0, 0, G_OPTION_ARG_STRING, &opts.organization, "The organization's id", "ID" },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opts.name, "The project's name", "N" },
  { NULL },
};

static const GOptionEntry member_add_entries[] = {
  DB_OPTION,
  { "email", 0, 0, G_OPTION_ARG_STRING, &opts.email, "The user's email", "E" },
  { "project", 0, 0, G_OPTION_ARG_STRING, &opts.project, "A project's id", "ID" },
  { "role", 0, 0, G_OPTION_ARG_STRING, &opts.role,
    "The role in the project: admin (the default), guest, readOnly or share", "R" },
  { "organization", 0, 0, G_OPTION_ARG_STRING, &opts.organization, "An organization's id", "ID" },
  { "maintainer", 0, 0, G_OPTION_ARG_STRING, &opts.maintainer, "A maintainer's id", "ID" },
  { NULL },
};

static const GOptionEntry invite_entries[] = {
  DB_OPTION,
  { "email", 0, 0, G_OPTION_ARG_STRING, &opts.email, "The invitee's email", "E" },
  { "project", 0, 0, G_OPTION_ARG_STRING, &opts.project, "A project's id", "ID" },
  { "role", 0, 0, G_OPTION_ARG_STRING, &opts.role,
    "The role in the project: admin (the default), guest, readOnly or share", "R" },
  { "organization", 0, 0, G_OPTION_ARG_STRING, &opts.organization, "An organization's id", "ID" },
  { "maintainer", 0, 0, G_OPTION_ARG_STRING, &opts.maintainer, "A maintainer's id", "ID" },
  { "from", 0, 0, G_OPTION_ARG_STRING, &opts.from, "The inviting user's email", "EMAIL" },
  { "reason", 0, 0, G_OPTION_ARG_STRING, &opts.reason, "Why the user is invited", "T" },
  { "expires-in", 0, 0, G_OPTION_ARG_STRING, &opts.expires_in,
    "Seconds until it expires, an hour to a year (default: a week)", "SECONDS" },
  { NULL },
};

static const GOptionEntry promo_add_entries[] = {
  DB_OPTION,
  { "code", 0, 0, G_OPTION_ARG_STRING, &opts.code, "The code", "C" },
  { "organization", 0, 0, G_OPTION_ARG_STRING, &opts.organization,
    "The organization its projects are created in", "ID" },
  { "template", 0, 0, G_OPTION_ARG_STRING, &opts.template_name,
    "The project template, the type of the projects it creates (default: poc)", "NAME" },
  { "expiration-days", 0, 0, G_OPTION_ARG_STRING, &opts.expiration_days,
    "Days the project it creates lives (default: for ever)", "N" },
  { NULL },
};

static const GOptionEntry project_value_entries[] = {
  DB_OPTION,
  { "project", 0, 0, G_OPTION_ARG_STRING, &opts.project, "The project's id", "ID" },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opts.name, "The name, e.g. storage.dataSizeBytes", "NAME" },
  { "value", 0, 0, G_OPTION_ARG_STRING, &opts.value, "A whole number", "N" },
  { NULL },
};

typedef struct
{
  const char *group; /* "user" in "user add"; NULL for a top-level command */
  const char *name;
  const char *summary;
  const GOptionEntry *entries;
  gboolean reads_stdin;
  int (*run) (Input *input);
} Command;

static const Command commands[] = {
  { NULL, "init", "Create or upgrade the database", db_only_entries, FALSE, cmd_init },
  { NULL, "serve", "Serve the Management API over HTTP", serve_entries, FALSE, cmd_serve },
  { NULL, "seed-demo", "Create the demo account (" KBC_DEMO_EMAIL ") if it is missing",
    db_only_entries, FALSE, cmd_seed_demo },
  { "user", "add", "Add a user; the password is read from standard input", user_add_entries, TRUE,
    cmd_user_add },
  { "token", "add", "Create a personal token for a user and print it (it is shown only once)",
    token_add_entries, FALSE, cmd_token_add },
  { "token", "expire", "Make a token expire now", token_expire_entries, FALSE, cmd_token_expire },
  { "token", "age", "Make time pass for a token (its times move into the past)", token_age_entries,
    FALSE, cmd_token_age },
  { NULL, "notify", "Send a notification to a user or to everyone; prints the new id(s)",
    notify_entries, FALSE, cmd_notify },
  { "login-ticket", "expire", "End a user's pending sign-ins (those waiting for MFA)",
    email_entries, FALSE, cmd_login_ticket_expire },
  { "challenge", "expire",
    "End a user's pending security key registrations (their challenges expire now)", email_entries,
    FALSE, cmd_challenge_expire },
  { "maintainer", "add", "Add a maintainer; prints its id", maintainer_add_entries, FALSE,
    cmd_maintainer_add },
  { "organization", "add", "Add an organization under a maintainer; prints its id",
    organization_add_entries, FALSE, cmd_organization_add },
  { "project", "add", "Add a project to an organization; prints its id", project_add_entries, FALSE,
    cmd_project_add },
  { "member", "add", "Make a user a member of a project, organization or maintainer",
    member_add_entries, FALSE, cmd_member_add },
  { NULL, "invite", "Invite an email to a project, organization or maintainer; prints the id",
    invite_entries, FALSE, cmd_invite },
  { "promo", "add", "Add a promo code that creates a project in an organization", promo_add_entries,
    FALSE, cmd_promo_add },
  { "project", "set-limit", "Set a limit of a project", project_value_entries, FALSE,
    cmd_project_set_limit },
  { "project", "set-metric", "Set a metric of a project (a limit's metric has its name)",
    project_value_entries, FALSE, cmd_project_set_metric },
};

static char *
command_title (const Command *command)
{
  if (command->group != NULL)
    return g_strdup_printf ("%s %s", command->group, command->name);
  return g_strdup (command->name);
}

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: " PROGRAM " COMMAND [OPTIONS]  (" PROGRAM " COMMAND --help for more)\n\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *title = command_title (&commands[i]);
      fprintf (out, "  %-22s %s\n", title, commands[i].summary);
    }
}

static void
clear_opts (void)
{
  g_clear_pointer (&opts.db, g_free);
  g_clear_pointer (&opts.listen, g_free);
  g_clear_pointer (&opts.rp_id, g_free);
  g_clear_pointer (&opts.port_file, g_free);
  g_clear_pointer (&opts.email, g_free);
  g_clear_pointer (&opts.name, g_free);
  g_clear_pointer (&opts.description, g_free);
  g_clear_pointer (&opts.expires_in, g_free);
  g_clear_pointer (&opts.seconds, g_free);
  g_clear_pointer (&opts.type, g_free);
  g_clear_pointer (&opts.title, g_free);
  g_clear_pointer (&opts.message, g_free);
  g_clear_pointer (&opts.project, g_free);
  g_clear_pointer (&opts.limit, g_free);
  g_clear_pointer (&opts.maintainer, g_free);
  g_clear_pointer (&opts.organization, g_free);
  g_clear_pointer (&opts.role, g_free);
  g_clear_pointer (&opts.from, g_free);
  g_clear_pointer (&opts.reason, g_free);
  g_clear_pointer (&opts.code, g_free);
  g_clear_pointer (&opts.template_name, g_free);
  g_clear_pointer (&opts.expiration_days, g_free);
  g_clear_pointer (&opts.value, g_free);
}

gboolean kbc_server_keep_log_writer;

/* Every message is one line of plain text, whatever a client put in a
 * value it holds: control characters are escaped (\xHH). */
static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  g_autofree GLogField *copy = g_memdup2 (fields, n_fields * sizeof *fields);
  g_autofree char *escaped = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (copy[i].key, "MESSAGE") && escaped == NULL)
      {
        g_autofree char *text = copy[i].length < 0 ? g_strdup (copy[i].value)
                                                   : g_strndup (copy[i].value, copy[i].length);

        escaped = kbc_server_log_escape (text);
        copy[i].value = escaped;
        copy[i].length = -1;
      }
  return g_log_writer_default (level, copy, n_fields, data);
}

int
kbc_server_main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;
  g_auto (Input) input = { 0 };
  const Command *command = NULL;
  int skip = 0;
  int status;

  /* Character set from the environment (arguments may be UTF-8), but the
   * messages stay English: they are API text, like libpwquality's. */
  setlocale (LC_CTYPE, "");
  g_set_prgname (PROGRAM);
  /* Standard output is for results (an id, a token, the address served);
   * the request log and every other message go to standard error. */
  g_log_writer_default_set_use_stderr (TRUE);
  if (!kbc_server_keep_log_writer)
    g_log_set_writer_func (log_writer, NULL, NULL);
  /* A write over the file size limit (a full disk's kin) is an error for
   * SQLite to report, not a signal that ends the process. */
  signal (SIGXFSZ, SIG_IGN);

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? EXIT_USAGE : 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands) && command == NULL; i++)
    {
      if (commands[i].group == NULL && g_str_equal (argv[1], commands[i].name))
        {
          command = &commands[i];
          skip = 1;
        }
      else if (commands[i].group != NULL && g_str_equal (argv[1], commands[i].group) && argc > 2 &&
               g_str_equal (argv[2], commands[i].name))
        {
          command = &commands[i];
          skip = 2;
        }
    }
  if (command == NULL)
    {
      g_autofree char *words = argc > 2 && argv[2][0] != '-'
                                   ? g_strdup_printf ("%s %s", argv[1], argv[2])
                                   : g_strdup (argv[1]);
      return fail (EXIT_USAGE, "unknown command \"%s\" (see " PROGRAM " --help)", words);
    }

  /* A caller writing the password into a pipe must never find it closed,
   * so a command that reads standard input reads all of it before anything
   * (its options included) can make it fail. A terminal has no pipe to
   * break: there the password is asked for once the options are good. */
  if (command->reads_stdin && !isatty (STDIN_FILENO))
    input_read (&input);

  /* GOption sees "PROGRAM OPTIONS…", the command words removed. */
  argv[skip] = argv[0];
  argv += skip;
  argc -= skip;

  title = command_title (command);
  {
    /* For the usage line of --help. */
    g_autofree char *prgname = g_strdup_printf (PROGRAM " %s", title);
    g_set_prgname (prgname);
  }
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, command->summary);
  g_option_context_add_main_entries (context, command->entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return fail (EXIT_USAGE, "%s: %s", title, error->message);
  if (argc > 1)
    return fail (EXIT_USAGE, "%s: unexpected argument \"%s\"", title, argv[1]);
  if (opts.db == NULL)
    return fail (EXIT_USAGE, "%s: --db PATH is required", title);

  status = command->run (&input);
  clear_opts ();
  return status;
}
