import type { ForgeView, WhoAmI } from "../../core/api/types.js";
import type { Db } from "../action-db.js";
import { accountingOf, sumAccounting } from "../runners/user-accounting.js";
import type { User } from "../users/user-store.js";

/**
 * `GET /api/whoami`: the caller, and their use of the cluster as the
 * runners last reported it (both accounting members absent until a runner
 * has reported the caller).
 */
export function whoAmI(db: Db, user: User, forge?: ForgeView): WhoAmI {
  const byRunner = accountingOf(db, user.name);
  const total = sumAccounting(byRunner);
  return { user: user.name, admin: user.admin, ...(forge ? { forge } : {}), ...(total ? { accounting: total, accountingByRunner: byRunner } : {}) };
}
