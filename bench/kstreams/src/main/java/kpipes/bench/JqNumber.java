package kpipes.bench;

import com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal;

/**
 * Doubles as JSON text the way kpipes writes them (src/lib/numfmt.c): the
 * fewest digits that read back to the same double (Schubfach, from
 * jackson-core, since Java 17's Double.toString does not always give the
 * fewest), laid out as jq 1.6 prints them: plain ("97", "0.0001",
 * "1000000000000000") unless the point would sit more than 15 places past
 * the digits or 4 or more zeros before them, then "1e+16", "1.5e-07".
 */
final class JqNumber {
	private JqNumber() {
	}

	static String format(double x) {
		if (Double.isNaN(x))
			return "null";
		StringBuilder sb = new StringBuilder(24);
		if (x < 0 || (x == 0 && 1 / x < 0)) {
			sb.append('-');
			x = -x;
		}
		if (Double.isInfinite(x))
			x = Double.MAX_VALUE;
		if (x == 0)
			return sb.append('0').toString();

		/* Java's form, "97.0" or "1.5E-7", to digits and decpt (0.DIGITS x 10^decpt). */
		String s = DoubleToDecimal.toString(x);
		int e = s.indexOf('E');
		int exp = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
		String mant = e < 0 ? s : s.substring(0, e);
		int dot = mant.indexOf('.');
		StringBuilder digits = new StringBuilder(mant.length());
		digits.append(mant, 0, dot).append(mant, dot + 1, mant.length());
		int decpt = dot + exp;
		int lead = 0;
		while (lead < digits.length() - 1 && digits.charAt(lead) == '0')
			lead++;
		digits.delete(0, lead);
		decpt -= lead;
		int n = digits.length();
		while (n > 1 && digits.charAt(n - 1) == '0')
			n--;
		digits.setLength(n);

		if (decpt <= -4 || decpt > n + 15) {
			sb.append(digits.charAt(0));
			if (n > 1)
				sb.append('.').append(digits, 1, n);
			int ex = decpt - 1;
			sb.append('e').append(ex < 0 ? '-' : '+');
			ex = Math.abs(ex);
			if (ex < 10)
				sb.append('0');
			sb.append(ex);
		} else if (decpt <= 0) {
			sb.append("0.");
			for (int i = decpt; i < 0; i++)
				sb.append('0');
			sb.append(digits);
		} else {
			for (int i = 0; i < n; i++) {
				if (i == decpt)
					sb.append('.');
				sb.append(digits.charAt(i));
			}
			for (int i = n; i < decpt; i++)
				sb.append('0');
		}
		return sb.toString();
	}
}
