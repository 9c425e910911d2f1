// IEEE 754 half precision (FP16) <-> JS number, for FP16 tensors carried as Uint16Array bit patterns.

const HALF_SIGN = 0x8000;
const HALF_INF = 0x7c00;
const HALF_NAN = 0x7e00;
const HALF_EXP_BIAS = 15;
const HALF_MAX_EXP = 15;
const HALF_MIN_NORMAL_EXP = -14;
/** Subnormal halves are multiples of 2^-24. */
const HALF_SUBNORMAL_STEP = 2 ** -24;

/** Round a non-negative number to an integer, ties to even. `x - floor(x)` is exact for doubles. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const frac = x - floor;
  if (frac > 0.5 || (frac === 0.5 && floor % 2 === 1)) return floor + 1;
  return floor;
}

/** Exact floor(log2(x)) for a positive finite x (Math.log2 can be off by one next to powers of two). */
function floorLog2(x: number): number {
  let e = Math.floor(Math.log2(x));
  if (2 ** e > x) e -= 1;
  else if (2 ** (e + 1) <= x) e += 1;
  return e;
}

/**
 * Half bit pattern nearest to `value`, rounding to nearest even directly from the double
 * (going through float32 first would round twice). Overflow gives infinity; NaN a quiet NaN.
 */
export function floatToHalf(value: number): number {
  if (Number.isNaN(value)) return HALF_NAN;
  const sign = value < 0 || Object.is(value, -0) ? HALF_SIGN : 0;
  const abs = Math.abs(value);
  if (abs === Infinity) return sign | HALF_INF;
  if (abs < 2 ** HALF_MIN_NORMAL_EXP) {
    // Subnormal range: a rounding carry into 1024 lands exactly on the smallest normal's bit pattern.
    return sign | roundHalfEven(abs / HALF_SUBNORMAL_STEP);
  }
  let exp = floorLog2(abs);
  let mantissa = roundHalfEven(abs / 2 ** (exp - 10)); // in [1024, 2048]
  if (mantissa === 2048) {
    mantissa = 1024;
    exp += 1;
  }
  if (exp > HALF_MAX_EXP) return sign | HALF_INF;
  return sign | ((exp + HALF_EXP_BIAS) << 10) | (mantissa - 1024);
}

/** The number a half bit pattern stands for (exact: every half is a double). */
export function halfToFloat(bits: number): number {
  const sign = bits & HALF_SIGN ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exp === 0) return sign * mantissa * HALF_SUBNORMAL_STEP;
  if (exp === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mantissa) * 2 ** (exp - HALF_EXP_BIAS - 10);
}
