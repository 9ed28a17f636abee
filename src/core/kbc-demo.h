/* kbc-demo.h: the demo account that `kbc-account-server seed-demo` creates
 *
 * The sign-in screen shows these for "This computer", and the README names them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#define KBC_DEMO_EMAIL    "demo@kbc-account.test"
#define KBC_DEMO_NAME     "Dana Demo"
#define KBC_DEMO_PASSWORD "Blue-Harbor-Lantern-42"
