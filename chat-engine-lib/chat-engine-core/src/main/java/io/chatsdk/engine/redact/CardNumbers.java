package io.chatsdk.engine.redact;

import java.util.List;

/**
 * Finds payment card numbers (PANs) in {@link DigitGroups}: 13 to 19 digits made of one or more whole groups
 * of a chain ({@code 4111111111111111}, {@code 4111 1111 1111 1111}, {@code 4111-1111-1111-1111}), Luhn-valid
 * and starting with a known issuer identification number (IIN):
 *
 * <table>
 *   <caption>Issuer ranges accepted (prefixes of the PAN)</caption>
 *   <tr><th>Brand</th><th>Prefixes</th><th>Lengths</th></tr>
 *   <tr><td>Visa</td><td>4</td><td>13-19</td></tr>
 *   <tr><td>Mastercard</td><td>51-55, 2221-2720</td><td>13-19</td></tr>
 *   <tr><td>American Express</td><td>34, 37</td><td>15</td></tr>
 *   <tr><td>Discover</td><td>6011, 644-649, 65</td><td>13-19</td></tr>
 *   <tr><td>JCB</td><td>3528-3589</td><td>13-19</td></tr>
 *   <tr><td>Diners Club</td><td>300-305, 36, 38-39</td><td>13-19</td></tr>
 *   <tr><td>UnionPay</td><td>62</td><td>13-19</td></tr>
 *   <tr><td>Maestro</td><td>50, 56-69 (where not above)</td><td>13-19</td></tr>
 * </table>
 *
 * <p>Brands are only checked to exist, not reported, and lengths are not narrowed per brand beyond Amex:
 * a masked false positive costs little, a missed PAN is a PCI DSS finding. Where several spans of a chain
 * qualify, the one starting first wins, then the longest; scanning then goes on after it. Stateless.
 */
final class CardNumbers {
    static final int MIN_LENGTH = 13;
    static final int MAX_LENGTH = 19;

    private CardNumbers() {
    }

    static void find(DigitGroups groups, List<Finding> out) {
        byte[] digits = groups.digits();
        for (int first = 0; first < groups.size(); first++) {
            int best = -1;
            int count = 0;
            for (int last = first; last < groups.size(); last++) {
                if (last > first && groups.separatorBefore(last) < 0) {
                    break;
                }
                count += groups.digitCount(last);
                if (count > MAX_LENGTH) {
                    break;
                }
                if (count >= MIN_LENGTH && isCardNumber(digits, groups.digitFrom(first), count)) {
                    best = last;
                }
            }
            if (best >= 0) {
                out.add(new Finding(DetectorKind.CARD, null, groups.start(first), groups.end(best)));
                first = best;
            }
        }
    }

    /** Whether {@code digits[from, from + length)} is a 13-19 digit, Luhn-valid number in a known IIN range. */
    static boolean isCardNumber(byte[] digits, int from, int length) {
        return length >= MIN_LENGTH && length <= MAX_LENGTH
                && knownIssuer(digits, from, length) && luhnValid(digits, from, length);
    }

    /** The Luhn (mod 10) check: doubling every second digit from the right, the sum is a multiple of 10. */
    static boolean luhnValid(byte[] digits, int from, int length) {
        int sum = 0;
        boolean doubled = false;
        for (int i = from + length - 1; i >= from; i--) {
            int d = digits[i];
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    static boolean knownIssuer(byte[] digits, int from, int length) {
        int p1 = digits[from];
        int p2 = p1 * 10 + digits[from + 1];
        int p3 = p2 * 10 + digits[from + 2];
        int p4 = p3 * 10 + digits[from + 3];
        return switch (p1) {
            case 4 -> true;                                              // Visa
            case 5 -> true;                                              // Maestro 50, 56-59; Mastercard 51-55
            case 6 -> true;                                              // Discover, UnionPay, Maestro 56-69
            case 2 -> p4 >= 2221 && p4 <= 2720;                          // Mastercard 2-series
            case 3 -> (p2 == 34 || p2 == 37) ? length == 15              // American Express
                    : (p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39 // Diners Club
                    || (p4 >= 3528 && p4 <= 3589);                       // JCB
            default -> false;
        };
    }
}
