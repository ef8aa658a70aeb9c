import type { AnyTool } from "../../catalog/index.ts";
import { getArtistsOwed } from "./artists-owed.ts";
import { getExchangeRates } from "./exchange-rates.ts";
import { getPaymentInvitations } from "./invitations.ts";
import { getArtistPaymentLedger } from "./ledger.ts";
import { getManualPaymentRequests } from "./manual-requests.ts";
import { processArtistPayment } from "./pay-artist.ts";
import { sendPaymentReminder } from "./payment-reminder.ts";
import { getPaymentStatusHealth } from "./status-health.ts";
import { getArtistStripeStatus } from "./stripe-status.ts";

/** Every payments tool, in the order of the policy table (original-system.md §1.2, #26–#34). */
export const paymentsTools: AnyTool[] = [
  getArtistStripeStatus,
  processArtistPayment,
  getExchangeRates,
  getManualPaymentRequests,
  getArtistPaymentLedger,
  getArtistsOwed,
  getPaymentStatusHealth,
  getPaymentInvitations,
  sendPaymentReminder,
];

/** The payments read tools. */
export const paymentsReadTools: AnyTool[] = paymentsTools.filter((tool) => !tool.policy.writes);

export {
  getArtistPaymentLedger,
  getArtistStripeStatus,
  getArtistsOwed,
  getExchangeRates,
  getManualPaymentRequests,
  getPaymentInvitations,
  getPaymentStatusHealth,
  processArtistPayment,
  sendPaymentReminder,
};
