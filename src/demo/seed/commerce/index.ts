import type { CoreWorld, SeedDomain } from "../world.ts";
import { seedGlobalPayments, seedStripeAccounts } from "./accounts.ts";
import { computeEarnings } from "./earnings.ts";
import { seedEventbrite } from "./eventbrite.ts";
import { seedEmailLogs, seedPaymentEmailQueue, seedSlackNotifications } from "./logs.ts";
import { seedMessageQueue } from "./message-queue.ts";
import { seedMetaAds } from "./meta-ads.ts";
import { seedOffers } from "./offers.ts";
import { seedLinterRules, seedLinterSuppressions } from "./ops.ts";
import {
  seedArtistPayments,
  seedExchangeRates,
  seedPaymentReminders,
  seedProcessingControl,
} from "./payment-tables.ts";
import { assertPaymentsBeforeAnchor, planPayments } from "./payments.ts";
import { seedManualRequests, seedPaymentInvitations, seedSetupInvitations } from "./requests.ts";
import { indexWorld } from "./shared.ts";
import { seedSms } from "./sms.ts";
import { seedSponsorship } from "./sponsorship.ts";

/**
 * Commerce and operations tables of the demo: payouts and payment accounts, Eventbrite caches,
 * SMS/email/Slack traffic, offers, sponsorship, the Meta ads cache and the event linter.
 * Reads the core world only; every table draws from its own named random stream.
 */
export const seedCommerce: SeedDomain<CoreWorld, void> = async (ctx, world) => {
  const index = indexWorld(world, ctx.anchor);

  await seedExchangeRates(ctx);
  const earnings = computeEarnings(index);
  const plan = planPayments(ctx, index, earnings);
  assertPaymentsBeforeAnchor(plan, ctx.anchor);
  const accounts = await seedStripeAccounts(ctx, index, plan);
  await seedGlobalPayments(ctx, index, plan, accounts);
  await seedArtistPayments(ctx, plan, accounts);
  await seedManualRequests(ctx, index, plan, accounts);
  await seedSetupInvitations(ctx, index, plan, accounts);
  await seedPaymentInvitations(ctx, index, plan);
  await seedPaymentReminders(ctx, index);
  await seedProcessingControl(ctx, plan);

  await seedEventbrite(ctx, index);

  const sms = await seedSms(ctx, index);
  await seedMessageQueue(ctx, index, plan, sms);
  await seedEmailLogs(ctx, index);
  await seedSlackNotifications(ctx, index);
  await seedPaymentEmailQueue(ctx, index, earnings);

  await seedOffers(ctx, index);
  await seedSponsorship(ctx, index);
  await seedMetaAds(ctx, index);

  await seedLinterRules(ctx);
  await seedLinterSuppressions(ctx, index);
};
