/**
 * Static geography of the demo. City weights are the event counts of 359 Eventbrite-mapped events
 * (2019–2024, artbattle-schema.md §5.1) with a few cities added; the mix is about 50% US, 38%
 * Canada and 12% elsewhere. Zones are real IANA names; area codes are the cities' real NPAs, used
 * only with the fictional 555 exchange.
 */

export interface CountrySpec {
  code: string;
  name: string;
  currency: string;
  symbol: string;
  /** Per-country default sales tax percent for events. */
  tax: number;
}

export const COUNTRIES: readonly CountrySpec[] = [
  { code: "US", name: "United States", currency: "USD", symbol: "$", tax: 0 },
  { code: "CA", name: "Canada", currency: "CAD", symbol: "$", tax: 13 },
  { code: "GB", name: "United Kingdom", currency: "GBP", symbol: "£", tax: 20 },
  { code: "AU", name: "Australia", currency: "AUD", symbol: "$", tax: 10 },
  { code: "NZ", name: "New Zealand", currency: "NZD", symbol: "$", tax: 15 },
  { code: "TH", name: "Thailand", currency: "THB", symbol: "฿", tax: 7 },
  { code: "NL", name: "Netherlands", currency: "EUR", symbol: "€", tax: 21 },
  { code: "MX", name: "Mexico", currency: "MXN", symbol: "$", tax: 16 },
];

export interface ZoneSpec {
  icann: string;
  name: string;
  /** Standard (non-DST) offset, as production's timezones.timezone_offset text. */
  offset: string;
}

export const ZONES: readonly ZoneSpec[] = [
  { icann: "America/Los_Angeles", name: "Pacific Time", offset: "-08:00" },
  { icann: "America/Vancouver", name: "Vancouver", offset: "-08:00" },
  { icann: "America/Denver", name: "Mountain Time", offset: "-07:00" },
  { icann: "America/Phoenix", name: "Phoenix", offset: "-07:00" },
  { icann: "America/Edmonton", name: "Edmonton", offset: "-07:00" },
  { icann: "America/Chicago", name: "Central Time", offset: "-06:00" },
  { icann: "America/Winnipeg", name: "Winnipeg", offset: "-06:00" },
  { icann: "America/Regina", name: "Saskatchewan", offset: "-06:00" },
  { icann: "America/Mexico_City", name: "Mexico City", offset: "-06:00" },
  { icann: "America/New_York", name: "Eastern Time", offset: "-05:00" },
  { icann: "America/Detroit", name: "Detroit", offset: "-05:00" },
  { icann: "America/Toronto", name: "Toronto", offset: "-05:00" },
  { icann: "America/Cancun", name: "Cancún", offset: "-05:00" },
  { icann: "America/Halifax", name: "Halifax", offset: "-04:00" },
  { icann: "Europe/London", name: "London", offset: "+00:00" },
  { icann: "Europe/Amsterdam", name: "Amsterdam", offset: "+01:00" },
  { icann: "Asia/Bangkok", name: "Bangkok", offset: "+07:00" },
  { icann: "Australia/Melbourne", name: "Melbourne", offset: "+10:00" },
  { icann: "Australia/Sydney", name: "Sydney", offset: "+10:00" },
  { icann: "Pacific/Auckland", name: "Auckland", offset: "+12:00" },
];

export interface CitySpec {
  name: string;
  country: string;
  state: string;
  zone: string;
  weight: number;
  /** North American area codes; empty elsewhere (the country's mobile prefix is used). */
  npa: readonly string[];
}

const US = (name: string, state: string, zone: string, weight: number, npa: string[]): CitySpec => ({
  name,
  country: "US",
  state,
  zone,
  weight,
  npa,
});
const CA = (name: string, state: string, zone: string, weight: number, npa: string[]): CitySpec => ({
  name,
  country: "CA",
  state,
  zone,
  weight,
  npa,
});
const INTL = (name: string, country: string, state: string, zone: string, weight: number): CitySpec => ({
  name,
  country,
  state,
  zone,
  weight,
  npa: [],
});

const PT = "America/Los_Angeles";
const CT = "America/Chicago";
const ET = "America/New_York";

export const CITIES: readonly CitySpec[] = [
  US("San Francisco", "California", PT, 24, ["415", "628"]),
  US("Chicago", "Illinois", CT, 19, ["312", "773", "872"]),
  US("Seattle", "Washington", PT, 18, ["206"]),
  US("Pawtucket", "Rhode Island", ET, 14, ["401"]),
  US("Omaha", "Nebraska", CT, 11, ["402"]),
  US("Portland", "Oregon", PT, 8, ["503", "971"]),
  US("Dallas", "Texas", CT, 8, ["214", "469"]),
  US("Oakland", "California", PT, 8, ["510"]),
  US("Tacoma", "Washington", PT, 8, ["253"]),
  US("Reno", "Nevada", PT, 7, ["775"]),
  US("New Orleans", "Louisiana", CT, 7, ["504"]),
  US("Boston", "Massachusetts", ET, 6, ["617", "857"]),
  US("Phoenix", "Arizona", "America/Phoenix", 6, ["602", "480"]),
  US("Wichita Falls", "Texas", CT, 6, ["940"]),
  US("New York", "New York", ET, 5, ["212", "646"]),
  US("Denver", "Colorado", "America/Denver", 4, ["303", "720"]),
  US("Los Angeles", "California", PT, 4, ["213", "323"]),
  US("Austin", "Texas", CT, 4, ["512"]),
  US("Menlo Park", "California", PT, 3, ["650"]),
  US("Minneapolis", "Minnesota", CT, 3, ["612"]),
  US("Philadelphia", "Pennsylvania", ET, 3, ["215", "267"]),
  US("San Jose", "California", PT, 3, ["408"]),
  US("Sacramento", "California", PT, 3, ["916"]),
  US("Detroit", "Michigan", "America/Detroit", 2, ["313"]),
  CA("Toronto", "Ontario", "America/Toronto", 20, ["416", "647", "437"]),
  CA("Victoria", "British Columbia", "America/Vancouver", 19, ["250"]),
  CA("Vancouver", "British Columbia", "America/Vancouver", 19, ["604", "778"]),
  CA("Quebec City", "Quebec", "America/Toronto", 18, ["418", "581"]),
  CA("Ottawa", "Ontario", "America/Toronto", 17, ["613", "343"]),
  CA("North Bay", "Ontario", "America/Toronto", 6, ["705"]),
  CA("Halifax", "Nova Scotia", "America/Halifax", 6, ["902"]),
  CA("Montréal", "Quebec", "America/Toronto", 6, ["514", "438"]),
  CA("Edmonton", "Alberta", "America/Edmonton", 5, ["780"]),
  CA("Hamilton", "Ontario", "America/Toronto", 5, ["905", "289"]),
  CA("Calgary", "Alberta", "America/Edmonton", 5, ["403", "587"]),
  CA("Winnipeg", "Manitoba", "America/Winnipeg", 4, ["204"]),
  CA("Kitchener", "Ontario", "America/Toronto", 3, ["519"]),
  CA("Saskatoon", "Saskatchewan", "America/Regina", 3, ["306"]),
  INTL("London", "GB", "England", "Europe/London", 9),
  INTL("Brighton", "GB", "England", "Europe/London", 4),
  INTL("Bournemouth", "GB", "England", "Europe/London", 3),
  INTL("Bristol", "GB", "England", "Europe/London", 3),
  INTL("Sydney", "AU", "New South Wales", "Australia/Sydney", 6),
  INTL("Melbourne", "AU", "Victoria", "Australia/Melbourne", 2),
  INTL("Auckland", "NZ", "Auckland", "Pacific/Auckland", 5),
  INTL("Wellington", "NZ", "Wellington", "Pacific/Auckland", 1),
  INTL("Bangkok", "TH", "Bangkok", "Asia/Bangkok", 5),
  INTL("Amsterdam", "NL", "North Holland", "Europe/Amsterdam", 2),
  INTL("Cancún", "MX", "Quintana Roo", "America/Cancun", 1),
  INTL("Guadalajara", "MX", "Jalisco", "America/Mexico_City", 1),
];

/**
 * Mobile-number shapes outside North America: prefix + "555" + serial digits, visibly fictional
 * and still E.164-shaped.
 */
export const MOBILE_PREFIX: Readonly<Record<string, { prefix: string; digits: number }>> = {
  GB: { prefix: "+447", digits: 6 },
  AU: { prefix: "+614", digits: 5 },
  NZ: { prefix: "+6421", digits: 4 },
  TH: { prefix: "+668", digits: 5 },
  NL: { prefix: "+316", digits: 5 },
  MX: { prefix: "+5255", digits: 5 },
};

/** Spare North American area codes for cities whose own codes run out (large scales). */
export const OVERFLOW_NPA: readonly string[] = [
  "209",
  "279",
  "341",
  "369",
  "424",
  "442",
  "530",
  "559",
  "657",
  "669",
  "707",
  "747",
  "760",
  "805",
  "820",
  "831",
  "840",
  "858",
  "909",
  "925",
  "949",
  "951",
  "226",
  "236",
  "249",
  "263",
  "354",
  "365",
  "367",
  "368",
  "382",
  "428",
  "450",
  "474",
  "506",
  "548",
  "579",
  "584",
  "639",
  "672",
  "683",
  "709",
  "742",
  "753",
  "782",
  "807",
  "819",
  "825",
  "873",
  "879",
];

/** Auction settings by currency: the platform's 50/5 default, scaled where a unit is small. */
export const AUCTION_BY_CURRENCY: Readonly<Record<string, { start: number; increment: number }>> = {
  THB: { start: 1500, increment: 100 },
  MXN: { start: 1000, increment: 50 },
};

export const DEFAULT_AUCTION = { start: 50, increment: 5 } as const;
