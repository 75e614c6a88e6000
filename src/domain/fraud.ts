import { type Result, fail, ok } from './errors.ts';

/**
 * Fraud rules at checkout (ADR 0008). Velocity breaches and repeated failed payments refuse the
 * checkout before anything is written; an order from a hosting or data-centre network is either
 * refused or let through with a flag for the producer to review, as the policy says.
 */
export interface FraudPolicy {
  /** At most this many new orders per hour from one IP address, one email address, one network (ASN). */
  maxOrdersPerIpPerHour: number;
  maxOrdersPerEmailPerHour: number;
  maxOrdersPerAsnPerHour: number;
  /** Checkout pauses for an IP address once this many of its payments failed in the last hour (card testing). */
  maxFailedPaymentsPerIpPerHour: number;
  hostingNetworks: 'flag' | 'refuse';
  /** Further ASNs the operator counts as hosting, on top of HOSTING_ASNS. */
  extraHostingAsns: readonly number[];
}

export const DEFAULT_FRAUD_POLICY: FraudPolicy = {
  maxOrdersPerIpPerHour: 10, maxOrdersPerEmailPerHour: 5, maxOrdersPerAsnPerHour: 200, maxFailedPaymentsPerIpPerHour: 5,
  hostingNetworks: 'flag', extraHostingAsns: [],
};

export interface Network { asn: number; organisation: string }

/** Well-known cloud, hosting and VPS networks. People do not browse from these; bots and proxies do. */
export const HOSTING_ASNS: ReadonlyMap<number, string> = new Map([
  [16509, 'Amazon Web Services'], [14618, 'Amazon Web Services'], [8987, 'Amazon Web Services'],
  [396982, 'Google Cloud'], [15169, 'Google'], [19527, 'Google Cloud'],
  [8075, 'Microsoft Azure'], [8068, 'Microsoft Azure'],
  [14061, 'DigitalOcean'], [16276, 'OVH'], [24940, 'Hetzner'], [213230, 'Hetzner Cloud'], [63949, 'Akamai Linode'],
  [20473, 'Vultr (Choopa)'], [51167, 'Contabo'], [12876, 'Scaleway'], [31898, 'Oracle Cloud'], [45102, 'Alibaba Cloud'],
  [37963, 'Alibaba Cloud'], [132203, 'Tencent Cloud'], [45090, 'Tencent Cloud'], [36352, 'ColoCrossing'], [53667, 'FranTech (BuyVM)'],
  [9009, 'M247'], [60068, 'Datacamp (CDN77)'], [212238, 'Datacamp (CDN77)'], [40021, 'Contabo US'], [46606, 'Unified Layer'],
  [26496, 'GoDaddy'], [398101, 'GoDaddy'], [8560, 'IONOS'], [197540, 'netcup'], [62567, 'DigitalOcean'], [393406, 'DigitalOcean'],
  [135340, 'DigitalOcean'], [200130, 'DigitalOcean'], [8100, 'QuadraNet'], [29802, 'HVC (Hivelocity)'], [25369, 'Hydra (Banduhost)'],
]);

/** Words that, in a network's registered name, mark it as hosting. Matched as whole words, case-insensitively. */
export const HOSTING_KEYWORDS: readonly string[] = [
  'hosting', 'hoster', 'datacenter', 'data center', 'data centre', 'datacentre', 'colocation', 'colo', 'vps', 'server', 'servers', 'dedicated', 'cloud',
];
const KEYWORDS = new RegExp(`\\b(${HOSTING_KEYWORDS.map((k) => k.replace(' ', '[ -]?')).join('|')})\\b`, 'i');

export function isHostingNetwork(network: Network, policy: Pick<FraudPolicy, 'extraHostingAsns'>): boolean {
  return HOSTING_ASNS.has(network.asn) || policy.extraHostingAsns.includes(network.asn) || KEYWORDS.test(network.organisation);
}

/** Why an order was flagged; the producer's order page explains each. */
export type FlagReason = 'hosting_network';

export const FLAG_EXPLANATIONS: Readonly<Record<FlagReason, string>> = {
  hosting_network:
    'The order came from a hosting or data-centre network (a cloud server, VPS or many VPNs), not a home, office or mobile connection. ' +
    'Scripts that test stolen cards or buy tickets to resell usually run there. The payment went through; check the buyer before the event, ' +
    'and refund the order if it looks wrong.',
};

/** What happened lately from the same source, counted over the last hour. */
export interface RecentActivity { ordersFromIp: number; ordersFromEmail: number; ordersFromAsn: number; failedPaymentsFromIp: number }

export interface CheckoutAttempt {
  /** Null when the IP address is unknown (no client given) or in no known range (private, reserved). */
  network: Network | null;
  /** False when the buyer retries the payment of an order that already exists: it is not a new order. */
  newOrder: boolean;
  activity: RecentActivity;
}

const LATER = 'Please try again in an hour, or contact the organiser if you need help.';

/** The rules, in the order a buyer would want to hear about them. Refusals are failures; flags ride along. */
export function assessCheckout(policy: FraudPolicy, a: CheckoutAttempt): Result<{ flags: FlagReason[] }> {
  const { activity } = a;
  if (activity.failedPaymentsFromIp >= policy.maxFailedPaymentsPerIpPerHour) {
    return fail('rate_limited', `Too many payments from your internet connection have failed in the last hour, so checkout is paused for it to protect card holders. ${LATER}`, { rule: 'failed_payments_ip' });
  }
  if (a.newOrder) {
    if (activity.ordersFromIp >= policy.maxOrdersPerIpPerHour) {
      return fail('rate_limited', `Too many orders have been placed from your internet connection in the last hour. ${LATER}`, { rule: 'velocity_ip' });
    }
    if (activity.ordersFromEmail >= policy.maxOrdersPerEmailPerHour) {
      return fail('rate_limited', `Too many orders have been placed with this email address in the last hour. ${LATER}`, { rule: 'velocity_email' });
    }
    if (a.network && activity.ordersFromAsn >= policy.maxOrdersPerAsnPerHour) {
      return fail('rate_limited', `Too many orders have come from your network provider in the last hour. ${LATER}`, { rule: 'velocity_asn' });
    }
  }
  const hosting = a.network !== null && isHostingNetwork(a.network, policy);
  if (hosting && policy.hostingNetworks === 'refuse') {
    return fail('forbidden', 'Orders cannot be placed from a hosting or data-centre network, such as a cloud server or some VPNs. Please switch the VPN off, or use your home or mobile connection.', { rule: 'hosting_network' });
  }
  return ok({ flags: hosting ? ['hosting_network'] : [] });
}
