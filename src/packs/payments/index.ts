import type { AnyTool } from "../../catalog/index.ts";
import { getArtistsOwed } from "./artists-owed.ts";
import { getExchangeRates } from "./exchange-rates.ts";
import { getPaymentInvitations } from "./invitations.ts";
import { getArtistPaymentLedger } from "./ledger.ts";
import { getManualPaymentRequests } from "./manual-requests.ts";
import { getArtistStripeStatus } from "./stripe-status.ts";

/** The payments read tools, in the order of the policy table (original-system.md §1.2). */
export const paymentsReadTools: AnyTool[] = [
  getArtistStripeStatus,
  getExchangeRates,
  getManualPaymentRequests,
  getArtistPaymentLedger,
  getArtistsOwed,
  getPaymentInvitations,
];

export {
  getArtistPaymentLedger,
  getArtistStripeStatus,
  getArtistsOwed,
  getExchangeRates,
  getManualPaymentRequests,
  getPaymentInvitations,
};
