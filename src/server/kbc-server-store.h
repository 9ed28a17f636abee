/* kbc-server-store.h: the server's SQLite database
 *
 * One connection per process, in WAL mode with a busy timeout, so the admin
 * subcommands work while `serve` runs on the same file. The schema grows by
 * numbered migrations (PRAGMA user_version). Every statement is prepared once
 * from a constant SQL string and cached; values are always bound, never
 * formatted into SQL.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* clang-format off */

#define KBC_STORE_ERROR (kbc_store_error_quark ())

typedef enum
{
  KBC_STORE_ERROR_FAILED,  /* SQLite said no */
  KBC_STORE_ERROR_EXISTS,  /* a unique value is taken */
  KBC_STORE_ERROR_NOT_FOUND,
  KBC_STORE_ERROR_KEY,     /* the secret key file is missing or unusable */
} KbcStoreError;

GQuark         kbc_store_error_quark (void);

typedef struct _KbcStore KbcStore;

/* Opens (creating when missing) the database at @path and brings its schema
 * up to date. Also opens or creates the key file next to it (see
 * kbc_store_get_key()). */
KbcStore      *kbc_store_open            (const char   *path,
                                          GError      **error);
void           kbc_store_free            (KbcStore     *self);
sqlite3       *kbc_store_get_db          (KbcStore     *self);
int            kbc_store_get_version     (KbcStore     *self);

/* The 32-byte key that encrypts secrets at rest (TOTP seeds), kept in
 * "<db>.key" with mode 0600, apart from the database so that a copy of the
 * database alone does not reveal them. */
const guint8  *kbc_store_get_key         (KbcStore     *self);

/* A cached prepared statement for the constant @sql. Use it as
 * g_autoptr(KbcStmt): it is reset and its bindings cleared when it goes out
 * of scope, which also ends its read transaction. Aborts on invalid SQL (a
 * programming error). */
typedef sqlite3_stmt KbcStmt;
KbcStmt       *kbc_store_stmt            (KbcStore     *self,
                                          const char   *sql);
void           kbc_stmt_release          (KbcStmt      *stmt);

/* Steps a statement that returns no rows. */
gboolean       kbc_store_run             (KbcStore     *self,
                                          KbcStmt      *stmt,
                                          GError      **error);
gboolean       kbc_store_begin           (KbcStore     *self,
                                          GError      **error);
gboolean       kbc_store_begin_read      (KbcStore     *self,
                                          GError      **error);
gboolean       kbc_store_commit          (KbcStore     *self,
                                          GError      **error);
void           kbc_store_rollback        (KbcStore     *self);

/* Sets @error from SQLite's last error for @rc; returns FALSE. */
gboolean       kbc_store_fail            (KbcStore     *self,
                                          int           rc,
                                          GError      **error);

/* Helpers for column reads. */
char          *kbc_stmt_dup_text         (KbcStmt      *stmt,
                                          int           column);
GBytes        *kbc_stmt_dup_blob         (KbcStmt      *stmt,
                                          int           column);

/* ---- users ---- */

typedef struct
{
  gint64    id;
  char     *email;
  char     *name;
  char     *password_hash;  /* argon2id encoded */
  gint64    created;
  gboolean  is_super_admin;
  gboolean  can_access_logs;
  char     *features;       /* a JSON array */
} KbcUser;

void           kbc_user_free             (KbcUser      *user);

/* NULL with no error when there is no such user. Email is case-insensitive. */
KbcUser       *kbc_store_user_by_email   (KbcStore     *self,
                                          const char   *email,
                                          GError      **error);
KbcUser       *kbc_store_user_by_id      (KbcStore     *self,
                                          gint64        id,
                                          GError      **error);
/* Fails with KBC_STORE_ERROR_EXISTS when the email is taken. */
gint64         kbc_store_user_insert     (KbcStore     *self,
                                          const char   *email,
                                          const char   *name,
                                          const char   *password_hash,
                                          gint64        now,
                                          GError      **error);
gboolean       kbc_store_user_set_password (KbcStore   *self,
                                          gint64        user_id,
                                          const char   *password_hash,
                                          GError      **error);
gboolean       kbc_store_user_set_name     (KbcStore   *self,
                                            gint64      user_id,
                                            const char *name,
                                            GError    **error);

/* ---- tokens (session and personal) ---- */

#define KBC_TOKEN_TYPE_SESSION "session"
#define KBC_TOKEN_TYPE_ADMIN   "admin"

typedef struct
{
  gint64    id;
  gint64    user_id;
  GBytes   *secret_hash;   /* SHA-256 of the 40-character secret */
  char     *type;
  char     *description;
  gint64    created;
  gint64    last_used;     /* 0: never */
  gint64    expires;       /* 0: never */
  gboolean  disabled;
  char     *client_name;   /* of a session: the client's User-Agent, cleaned; NULL: none */
  char     *client_address; /* of a session: the address it signed in from; NULL: unknown */
} KbcToken;

/* A token's last use is written at most this often (seconds), so that a
 * burst of requests stays read-only. */
#define KBC_TOKEN_TOUCH_INTERVAL 60

/* A session token unused this long has expired, whatever its expiry
 * (the absolute lifetime) says. */
#define KBC_TOKEN_SESSION_IDLE (7 * 24 * 3600)

void           kbc_token_free            (KbcToken     *token);
/* Whether @token has expired at @now: its expiry has come, or it is a
 * session that was not used for KBC_TOKEN_SESSION_IDLE. */
gboolean       kbc_token_is_expired      (const KbcToken *token,
                                          gint64        now);

gint64         kbc_store_token_insert    (KbcStore     *self,
                                          gint64        user_id,
                                          const char   *type,
                                          const char   *description,
                                          const guint8 *secret_hash,
                                          gint64        now,
                                          gint64        expires,
                                          GError      **error);
KbcToken      *kbc_store_token_by_id     (KbcStore     *self,
                                          gint64        id,
                                          GError      **error);
/* The user's tokens (KbcToken), personal and session alike, newest first. */
GPtrArray     *kbc_store_token_list      (KbcStore     *self,
                                          gint64        user_id,
                                          GError      **error);
/* Whether a use of @token at @now is to be written: its last use was
 * KBC_TOKEN_TOUCH_INTERVAL or more seconds before (or never). */
gboolean       kbc_store_token_needs_touch (const KbcToken *token,
                                          gint64        now);
/* Sets last_used to @now unless a use within the interval was written
 * meanwhile. */
gboolean       kbc_store_token_touch     (KbcStore     *self,
                                          gint64        id,
                                          gint64        now,
                                          GError      **error);
/* Returns FALSE with KBC_STORE_ERROR_NOT_FOUND when there was no such token. */
gboolean       kbc_store_token_delete    (KbcStore     *self,
                                          gint64        id,
                                          GError      **error);
/* The same, only when the token is @user_id's. */
gboolean       kbc_store_token_delete_for_user (KbcStore *self,
                                          gint64        user_id,
                                          gint64        id,
                                          GError      **error);
gboolean       kbc_store_token_expire    (KbcStore     *self,
                                          gint64        id,
                                          gint64        now,
                                          GError      **error);
/* Moves the token's times (created, last used, expiry) @seconds into the
 * past, as if that much time had passed for it (a test knob). */
gboolean       kbc_store_token_age       (KbcStore     *self,
                                          gint64        id,
                                          gint64        seconds,
                                          GError      **error);
/* Where a session signed in from; either may be NULL. */
gboolean       kbc_store_token_set_client (KbcStore    *self,
                                          gint64        id,
                                          const char   *name,
                                          const char   *address,
                                          GError      **error);

/* ---- the clients each user has signed in from ---- */

/* Sets @known to whether @user_id has signed in before from a client with
 * this @name and @address (each may be NULL: none given, which is a value
 * of its own). Reads only. */
gboolean       kbc_store_client_known    (KbcStore     *self,
                                          gint64        user_id,
                                          const char   *name,
                                          const char   *address,
                                          gboolean     *known,
                                          GError      **error);
/* Sets @any to whether @user_id has signed in from any client before. */
gboolean       kbc_store_client_any      (KbcStore     *self,
                                          gint64        user_id,
                                          gboolean     *any,
                                          GError      **error);
/* Records a sign-in from that client at @now; @first_time (may be NULL)
 * tells whether it was new for the user (kbc_store_client_known() before). */
gboolean       kbc_store_client_record   (KbcStore     *self,
                                          gint64        user_id,
                                          const char   *name,
                                          const char   *address,
                                          gint64        now,
                                          gboolean     *first_time,
                                          GError      **error);
/* Deletes the user's session tokens except @keep_id (0: all of them). */
gboolean       kbc_store_sessions_revoke_others (KbcStore *self,
                                          gint64        user_id,
                                          gint64        keep_id,
                                          GError      **error);

/* ---- failed credential checks (the sign-in rate limit) ---- */

/* Records a failure for @key (an account's email, lower-cased, which need
 * not exist, so the limit reveals nothing; or another name such as
 * "promo-code:<user id>") from the client @address (may be NULL); returns
 * the row's id, 0 on error. A check records its failure before it starts
 * (kbc_auth_check_begin()) and removes it when it passes. */
gint64         kbc_store_failure_add     (KbcStore     *self,
                                          const char   *key,
                                          const char   *address,
                                          gint64        now,
                                          GError      **error);
/* Counts the failures of @key since @since, from @address only (NULL: from
 * every address), with the times of the oldest and newest (either may be
 * NULL). */
gboolean       kbc_store_failure_count   (KbcStore     *self,
                                          const char   *key,
                                          const char   *address,
                                          gint64        since,
                                          guint        *count,
                                          gint64       *oldest,
                                          gint64       *newest,
                                          GError      **error);
gboolean       kbc_store_failure_remove  (KbcStore     *self,
                                          gint64        id,
                                          GError      **error);
/* Forgets the failures of @key from @address (a check that passed). */
gboolean       kbc_store_failure_clear   (KbcStore     *self,
                                          const char   *key,
                                          const char   *address,
                                          GError      **error);

/* ---- security events (replayed codes, cloned keys) ---- */

gboolean       kbc_store_event_add       (KbcStore     *self,
                                          gint64        user_id,
                                          const char   *type,
                                          gint64        now,
                                          GError      **error);
guint          kbc_store_event_count     (KbcStore     *self,
                                          gint64        user_id,
                                          const char   *type);

/* ---- multi-factor authentication (kbc-server-store-mfa.c) ---- */

typedef struct
{
  gint64    user_id;
  GBytes   *secret_sealed;     /* see kbc-server-crypto.h */
  gboolean  enabled;           /* FALSE: enrolled, waiting for activation */
  gint64    pending_token_id;  /* the session that enrolled it */
  gint64    last_step;         /* the last accepted TOTP step, -1: none */
} KbcTotpRow;

void           kbc_totp_row_free         (KbcTotpRow   *row);

KbcTotpRow    *kbc_store_totp_get        (KbcStore     *self,
                                          gint64        user_id,
                                          GError      **error);
/* Replaces any enrolment with a pending one. */
gboolean       kbc_store_totp_put_pending (KbcStore    *self,
                                          gint64        user_id,
                                          GBytes       *secret_sealed,
                                          gint64        token_id,
                                          gint64        now,
                                          GError      **error);
gboolean       kbc_store_totp_activate   (KbcStore     *self,
                                          gint64        user_id,
                                          gint64        step,
                                          GError      **error);
/* Moves last_step forward to @step; FALSE with no error when @step is not
 * newer (a replay that raced us). */
gboolean       kbc_store_totp_advance    (KbcStore     *self,
                                          gint64        user_id,
                                          gint64        step,
                                          GError      **error);
gboolean       kbc_store_totp_delete     (KbcStore     *self,
                                          gint64        user_id,
                                          GError      **error);

typedef struct
{
  gint64  id;
  GBytes *salt;
  GBytes *hash;
} KbcRecoveryCode;

void           kbc_recovery_code_free    (KbcRecoveryCode *code);

/* Replaces the user's codes with @codes (KbcRecoveryCode, ids ignored). */
gboolean       kbc_store_recovery_replace (KbcStore    *self,
                                          gint64        user_id,
                                          GPtrArray    *codes,
                                          GError      **error);
/* The unused codes, as KbcRecoveryCode. */
GPtrArray     *kbc_store_recovery_unused (KbcStore     *self,
                                          gint64        user_id,
                                          GError      **error);
/* Marks a code used; FALSE with no error when it was already used. */
gboolean       kbc_store_recovery_use    (KbcStore     *self,
                                          gint64        code_id,
                                          gint64        now,
                                          GError      **error);
guint          kbc_store_recovery_remaining (KbcStore  *self,
                                          gint64        user_id);
gboolean       kbc_store_recovery_clear  (KbcStore     *self,
                                          gint64        user_id,
                                          GError      **error);

typedef struct
{
  gint64  id;
  char   *name;
  char   *type;
  char   *aaguid;
  char   *format;  /* the attestation format; NULL: registered before it was kept */
  gint64  created;
  gint64  last_used;
} KbcDevice;

void           kbc_device_free           (KbcDevice    *device);
/* A second factor is on: TOTP enabled or a security key, in one statement
 * (the verification asks on every request). */
gboolean       kbc_store_mfa_enabled     (KbcStore     *self,
                                          gint64        user_id);
guint          kbc_store_device_count    (KbcStore     *self,
                                          gint64        user_id);
/* KbcDevice, newest first. */
GPtrArray     *kbc_store_device_list     (KbcStore     *self,
                                          gint64        user_id,
                                          GError      **error);
/* FALSE with KBC_STORE_ERROR_NOT_FOUND when the user has no such device. */
gboolean       kbc_store_device_rename   (KbcStore     *self,
                                          gint64        user_id,
                                          gint64        device_id,
                                          const char   *name,
                                          GError      **error);
gboolean       kbc_store_device_delete   (KbcStore     *self,
                                          gint64        user_id,
                                          gint64        device_id,
                                          GError      **error);
gboolean       kbc_store_device_delete_all (KbcStore   *self,
                                          gint64        user_id,
                                          GError      **error);

/* A security key's WebAuthn credential, as sign-in needs it. */
typedef struct
{
  gint64   id;             /* the device id */
  gint64   user_id;
  GBytes  *credential_id;
  GBytes  *public_key;     /* COSE_Key */
  guint32  sign_count;
} KbcCredential;

void           kbc_credential_free       (KbcCredential *credential);
/* The user's credentials (KbcCredential), oldest first. */
GPtrArray     *kbc_store_credential_list (KbcStore     *self,
                                          gint64        user_id,
                                          GError      **error);
/* The credential with @credential_id, whoever it belongs to; NULL with no
 * error when there is none. */
KbcCredential *kbc_store_credential_find (KbcStore     *self,
                                          GBytes       *credential_id,
                                          GError      **error);
/* Adds a security key; KBC_STORE_ERROR_EXISTS when the credential id is
 * already registered (to anyone). @aaguid may be NULL; @format is the
 * attestation format ("packed", "fido-u2f"). Returns the id. */
gint64         kbc_store_device_insert   (KbcStore     *self,
                                          gint64        user_id,
                                          const char   *name,
                                          GBytes       *credential_id,
                                          GBytes       *public_key,
                                          guint32       sign_count,
                                          const char   *aaguid,
                                          const char   *format,
                                          gint64        now,
                                          GError      **error);
/* The user's device @device_id, or NULL (with no error when there is none). */
KbcDevice     *kbc_store_device_get      (KbcStore     *self,
                                          gint64        user_id,
                                          gint64        device_id,
                                          GError      **error);
/* A sign-in with the key: moves the counter from @old_count to @new_count
 * and sets last_used. FALSE with no error when the counter is no longer
 * @old_count (another sign-in with the same key won the race). */
gboolean       kbc_store_credential_use  (KbcStore     *self,
                                          gint64        device_id,
                                          guint32       old_count,
                                          guint32       new_count,
                                          gint64        now,
                                          GError      **error);

/* Security key registrations waiting for the key's answer. */
gint64         kbc_store_registration_insert (KbcStore *self,
                                          gint64        user_id,
                                          gint64        token_id,
                                          GBytes       *challenge,
                                          const char   *name,
                                          gint64        now,
                                          gint64        expires,
                                          GError      **error);
/* Removes the registration @id of @user_id started by @token_id and returns
 * its challenge, name and expiry; FALSE with no error when there is none
 * (never started, another user's or session's, or already answered). */
gboolean       kbc_store_registration_take (KbcStore   *self,
                                          gint64        id,
                                          gint64        user_id,
                                          gint64        token_id,
                                          GBytes      **challenge,
                                          char        **name,
                                          gint64       *expires,
                                          GError      **error);
/* Makes the user's pending registrations expire now (a test knob). */
gboolean       kbc_store_registration_expire_user (KbcStore *self,
                                          gint64        user_id,
                                          gint64        now,
                                          GError      **error);

typedef struct
{
  gint64  id;
  gint64  user_id;
  gint64  expires;
  guint   attempts;
} KbcLoginTicket;

gint64         kbc_store_ticket_insert   (KbcStore     *self,
                                          const guint8 *ticket_hash,
                                          gint64        user_id,
                                          gint64        now,
                                          gint64        expires,
                                          GError      **error);
/* FALSE with no error when there is no such ticket. */
gboolean       kbc_store_ticket_get      (KbcStore     *self,
                                          const guint8 *ticket_hash,
                                          KbcLoginTicket *ticket,
                                          GError      **error);
/* Counts a wrong code and returns the new count. */
guint          kbc_store_ticket_fail     (KbcStore     *self,
                                          gint64        ticket_id,
                                          GError      **error);
/* Ends every pending MFA sign-in of @user_id (a password change). */
gboolean       kbc_store_ticket_delete_user (KbcStore  *self,
                                          gint64        user_id,
                                          GError      **error);
gboolean       kbc_store_ticket_delete   (KbcStore     *self,
                                          gint64        ticket_id,
                                          GError      **error);
/* The security key challenge of a sign-in: set when the options are sent,
 * taken (and cleared) by the answer, so it serves once. take returns NULL
 * with no error when there is none. */
gboolean       kbc_store_ticket_set_challenge (KbcStore *self,
                                          gint64        ticket_id,
                                          GBytes       *challenge,
                                          GError      **error);
GBytes        *kbc_store_ticket_take_challenge (KbcStore *self,
                                          gint64        ticket_id,
                                          GError      **error);
/* Ends every pending sign-in of @user_id (and drops long-dead tickets). */
gboolean       kbc_store_ticket_expire_user (KbcStore  *self,
                                          gint64        user_id,
                                          gint64        now,
                                          GError      **error);

/* ---- notifications (kbc-server-store-notifications.c) ---- */

#define KBC_NOTIFICATION_TYPE_COMMON   "common"
#define KBC_NOTIFICATION_TYPE_LIMIT    "limit"
#define KBC_NOTIFICATION_TYPE_GLOBAL   "global"
#define KBC_NOTIFICATION_TYPE_SECURITY "security"

typedef struct
{
  char     *id;            /* a UUID */
  gint64    user_id;
  char     *type;          /* one of KBC_NOTIFICATION_TYPE_* */
  gint64    created;
  gboolean  is_read;
  char     *title;
  char     *message;       /* markdown */
  char     *event;         /* payload "event" (security); NULL: none */
  char     *limit_name;    /* payload "limit"; NULL: none */
  gint64    project_id;    /* 0: none */
  char     *project_name;  /* NULL: not known */
} KbcNotificationRow;

void           kbc_notification_row_free (KbcNotificationRow *row);

/* Adds a notification for @row->user_id (its id, created and is_read are
 * ignored: a new one is unread, made @now) and returns its new id. */
char          *kbc_store_notification_insert (KbcStore *self,
                                          const KbcNotificationRow *row,
                                          gint64        now,
                                          GError      **error);
/* The user's notifications (KbcNotificationRow), newest first. */
GPtrArray     *kbc_store_notification_list (KbcStore  *self,
                                          gint64        user_id,
                                          GError      **error);
/* A number that changes whenever the user's list or a read state does
 * (0 before their first notification). Read it before the list: the
 * list is then at least as new as the number says. */
gint64         kbc_store_notification_version (KbcStore *self,
                                          gint64        user_id,
                                          GError      **error);
/* Marks the user's notification @id read (already read is fine). FALSE
 * with KBC_STORE_ERROR_NOT_FOUND when the user has no such notification. */
gboolean       kbc_store_notification_mark_read (KbcStore *self,
                                          gint64        user_id,
                                          const char   *id,
                                          gint64        now,
                                          GError      **error);
gboolean       kbc_store_notification_mark_all_read (KbcStore *self,
                                          gint64        user_id,
                                          gint64        now,
                                          GError      **error);
/* Every user's id, in order (for `notify --all`). */
GArray        *kbc_store_user_ids        (KbcStore     *self,
                                          GError      **error);

/* ---- the world: maintainers, organizations, projects (migration 6) ---- */

#define KBC_PROJECT_ROLE_DEFAULT "admin"

typedef enum
{
  KBC_WORLD_PROJECT,
  KBC_WORLD_ORGANIZATION,
  KBC_WORLD_MAINTAINER,
} KbcWorldLevel;

/* Each fails with KBC_STORE_ERROR_NOT_FOUND, its message naming the
 * field, when the parent it names does not exist. */
gint64         kbc_store_maintainer_insert   (KbcStore     *self,
                                              const char   *name,
                                              gint64        now,
                                              GError      **error);
gint64         kbc_store_organization_insert (KbcStore     *self,
                                              gint64        maintainer_id,
                                              const char   *name,
                                              gboolean      mfa_required,
                                              gboolean      allow_auto_join,
                                              gint64        now,
                                              GError      **error);
/* @expires: 0 for a project that never expires. */
gint64         kbc_store_project_insert      (KbcStore     *self,
                                              gint64        organization_id,
                                              const char   *name,
                                              gint64        now,
                                              gint64        expires,
                                              GError      **error);
/* Makes @user_id a member of the project, organization or maintainer @id;
 * one already a member stays (a project member takes the new @role; NULL:
 * KBC_PROJECT_ROLE_DEFAULT). */
gboolean       kbc_store_member_add          (KbcStore     *self,
                                              KbcWorldLevel level,
                                              gint64        id,
                                              gint64        user_id,
                                              const char   *role,
                                              gint64        now,
                                              GError      **error);

typedef struct
{
  KbcWorldLevel level;
  gint64        target_id;   /* the project, organization or maintainer */
  const char   *email;       /* the invitee's; they need not have an account yet */
  gint64        creator_id;  /* 0: none (the operator) */
  const char   *role;        /* a project's; NULL: KBC_PROJECT_ROLE_DEFAULT */
  const char   *reason;      /* NULL: "" */
  gint64        created;
  gint64        expires;     /* 0: never */
} KbcInvitationRow;

gint64         kbc_store_invitation_insert   (KbcStore     *self,
                                              const KbcInvitationRow *row,
                                              GError      **error);
/* KBC_STORE_ERROR_EXISTS when @code is taken. @expiration_days: how long
 * the project it creates lives; 0: for ever. */
gboolean       kbc_store_promo_insert        (KbcStore     *self,
                                              const char   *code,
                                              gint64        organization_id,
                                              const char   *template_name,
                                              gint64        expiration_days,
                                              gint64        now,
                                              GError      **error);
/* Sets a limit (@metric FALSE) or a metric of a project. */
gboolean       kbc_store_project_set_value   (KbcStore     *self,
                                              gboolean      metric,
                                              gint64        project_id,
                                              const char   *name,
                                              gint64        value,
                                              GError      **error);

/* An invitation as the invitee sees it. */
typedef struct
{
  gint64        id;
  KbcWorldLevel level;
  gint64        target_id;
  char         *target_name;
  char         *email;
  gint64        creator_id;     /* 0: none */
  char         *creator_name;
  char         *creator_email;
  char         *role;           /* a project's; NULL otherwise */
  char         *reason;
  gint64        created;
  gint64        expires;        /* 0: never */
} KbcStoreInvitation;

void           kbc_store_invitation_free           (KbcStoreInvitation *invitation);
/* The invitations of @level for @email that have not expired at @now,
 * newest first: a GPtrArray of KbcStoreInvitation. */
GPtrArray     *kbc_store_invitations_for     (KbcStore     *self,
                                              const char   *email,
                                              KbcWorldLevel level,
                                              gint64        now,
                                              GError      **error);
/* NULL with no error when there is none (expired ones included). */
KbcStoreInvitation *kbc_store_invitation_by_id    (KbcStore     *self,
                                              gint64        id,
                                              GError      **error);
/* KBC_STORE_ERROR_NOT_FOUND when it is gone. */
gboolean       kbc_store_invitation_delete   (KbcStore     *self,
                                              gint64        id,
                                              GError      **error);
gboolean       kbc_store_project_mfa_required (KbcStore    *self,
                                              gint64        project_id);

typedef struct
{
  gint64    id;
  gint64    maintainer_id;
  char     *name;
  gboolean  allow_auto_join;
  gboolean  mfa_required;
  char     *crm_id;          /* NULL: none */
  gint64    created;
} KbcStoreOrganization;

typedef struct
{
  gint64    id;
  char     *name;
  gint64    created;
} KbcStoreMaintainer;

typedef struct
{
  gint64    id;
  gint64    organization_id;
  char     *name;
  char     *type;
  char     *region;
  char     *default_backend;
  gint64    created;
  gint64    expires;         /* 0: never */
  gboolean  is_disabled;
  gint64    data_size_bytes;
  gint64    rows_count;
} KbcStoreProject;

/* A limit or a metric. */
typedef struct
{
  char     *name;
  gint64    value;
} KbcNamedValue;

void           kbc_store_organization_free         (KbcStoreOrganization *organization);
void           kbc_store_maintainer_free           (KbcStoreMaintainer *maintainer);
void           kbc_store_project_free              (KbcStoreProject   *project);
void           kbc_named_value_free          (KbcNamedValue *value);

/* Each _by_id is NULL with no error when there is none; the lists are
 * GPtrArrays of the type, by name. */
KbcStoreOrganization *kbc_store_organization_by_id (KbcStore    *self,
                                              gint64        id,
                                              GError      **error);
GPtrArray     *kbc_store_organizations_of_user (KbcStore   *self,
                                              gint64        user_id,
                                              GError      **error);
GPtrArray     *kbc_store_organizations_of_maintainer (KbcStore *self,
                                              gint64        maintainer_id,
                                              GError      **error);
KbcStoreMaintainer *kbc_store_maintainer_by_id    (KbcStore     *self,
                                              gint64        id,
                                              GError      **error);
GPtrArray     *kbc_store_maintainers_of_user (KbcStore     *self,
                                              gint64        user_id,
                                              GError      **error);
KbcStoreProject    *kbc_store_project_by_id       (KbcStore     *self,
                                              gint64        id,
                                              GError      **error);
GPtrArray     *kbc_store_projects_of_organization (KbcStore *self,
                                              gint64        organization_id,
                                              GError      **error);
/* The limits (@metric FALSE) or metrics of a project: KbcNamedValue. */
GPtrArray     *kbc_store_project_values      (KbcStore     *self,
                                              gboolean      metric,
                                              gint64        project_id,
                                              GError      **error);
gboolean       kbc_store_is_member           (KbcStore     *self,
                                              KbcWorldLevel level,
                                              gint64        id,
                                              gint64        user_id);

/* A promo code's project takes its template as its type. */
#define KBC_PROMO_TEMPLATE_DEFAULT "poc"

typedef struct
{
  char     *code;
  gint64    organization_id;
  char     *template_name;
  gint64    expiration_days;  /* 0: the project does not expire */
  gint64    used_by;          /* 0: unused */
  gint64    used_at;
  gint64    project_id;       /* the project it created; 0: none */
  char     *project_name;
} KbcPromo;

void           kbc_promo_free                (KbcPromo     *promo);
/* NULL with no error when there is no such code. */
KbcPromo      *kbc_store_promo_by_code       (KbcStore     *self,
                                              const char   *code,
                                              GError      **error);
/* The codes @user_id redeemed, newest first: KbcPromo. */
GPtrArray     *kbc_store_promos_used_by      (KbcStore     *self,
                                              gint64        user_id,
                                              GError      **error);
/* In one transaction: claims the code for @user_id (KBC_STORE_ERROR_EXISTS
 * when it is used, also by a redemption that raced this one), creates the
 * project named @project_name in the code's organization with the user as
 * its admin, and links it. Returns the project's id or 0. */
gint64         kbc_store_promo_redeem        (KbcStore     *self,
                                              const KbcPromo *promo,
                                              gint64        user_id,
                                              const char   *project_name,
                                              gint64        now,
                                              GError      **error);

/* A user's request to join a project. */
typedef struct
{
  gint64    id;
  gint64    user_id;
  gint64    project_id;
  char     *project_name;
  char     *reason;
  gint64    created;
  gint64    expires;          /* 0: never */
} KbcStoreJoinRequest;

void           kbc_store_join_request_free         (KbcStoreJoinRequest *join_request);
/* The user's requests that have not expired at @now, newest first. */
GPtrArray     *kbc_store_join_requests_of_user (KbcStore   *self,
                                              gint64        user_id,
                                              gint64        now,
                                              GError      **error);
KbcStoreJoinRequest *kbc_store_join_request_by_id (KbcStore     *self,
                                              gint64        id,
                                              GError      **error);
gboolean       kbc_store_join_request_delete (KbcStore     *self,
                                              gint64        id,
                                              GError      **error);

/* One limit (@metric FALSE) or metric of a project; FALSE when it has none. */
gboolean       kbc_store_project_value       (KbcStore     *self,
                                              gboolean      metric,
                                              gint64        project_id,
                                              const char   *name,
                                              gint64       *value);
/* The user ids of a project's members (gint64). */
GArray        *kbc_store_project_member_ids  (KbcStore     *self,
                                              gint64        project_id,
                                              GError      **error);

/* clang-format on */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcStore, kbc_store_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcStmt, kbc_stmt_release)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcStoreInvitation, kbc_store_invitation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcStoreOrganization, kbc_store_organization_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcStoreMaintainer, kbc_store_maintainer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcStoreProject, kbc_store_project_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcPromo, kbc_promo_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcStoreJoinRequest, kbc_store_join_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcUser, kbc_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcToken, kbc_token_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcTotpRow, kbc_totp_row_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcRecoveryCode, kbc_recovery_code_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcDevice, kbc_device_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcCredential, kbc_credential_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbcNotificationRow, kbc_notification_row_free)

G_END_DECLS
