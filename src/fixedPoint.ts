import { ONE } from "./constants.js";

/** Converts a decimal fraction such as "0.35" or 0.35 into an 18-decimal fixed-point bigint. */
export function toFixed(value: string | number): bigint {
  const text = typeof value === "number" ? value.toString() : value;
  if (!/^\d+(\.\d+)?$/.test(text)) throw new Error(`not a non-negative decimal: ${text}`);
  const [whole, fraction = ""] = text.split(".");
  if (fraction.length > 18) throw new Error(`more than 18 decimals: ${text}`);
  return BigInt(whole) * ONE + BigInt(fraction.padEnd(18, "0"));
}

/** Formats an 18-decimal fixed-point bigint with `digits` decimals (rounded down). */
export function fromFixed(value: bigint, digits = 4): string {
  const scale = 10n ** BigInt(18 - digits);
  const scaled = value / scale;
  const unit = 10n ** BigInt(digits);
  const whole = scaled / unit;
  const fraction = (scaled % unit).toString().padStart(digits, "0");
  return digits === 0 ? whole.toString() : `${whole}.${fraction}`;
}

/** The bytes2 of an ISO 3166-1 alpha-2 code ("DE" -> "0x4445"). */
export function countryCode(code: string): `0x${string}` {
  if (!/^[A-Z]{2}$/.test(code)) throw new Error(`not an ISO 3166-1 alpha-2 code: ${code}`);
  return `0x${Buffer.from(code, "ascii").toString("hex")}`;
}
