package io.chatsdk.engine.redact;

import java.util.List;

/**
 * Finds US social security numbers in {@link DigitGroups}: three consecutive groups of 3, 2 and 4 digits
 * joined by the same separator ({@code 123-45-6789}, {@code 123 45 6789}). To limit false positives a bare
 * nine-digit run is not an SSN, nor are the three groups when that same separator links them to a further
 * group (as in {@code 1-800-55-1234}); and the number must be one the SSA could issue: area not 000, 666 or
 * 900-999, group not 00, serial not 0000. Stateless.
 */
final class SocialSecurityNumbers {
    private SocialSecurityNumbers() {
    }

    static void find(DigitGroups groups, List<Finding> out) {
        for (int area = 0; area + 2 < groups.size(); area++) {
            int group = area + 1;
            int serial = area + 2;
            int separator = groups.separatorBefore(group);
            if (separator < 0 || groups.separatorBefore(serial) != separator
                    || groups.digitCount(area) != 3 || groups.digitCount(group) != 2 || groups.digitCount(serial) != 4
                    || groups.separatorBefore(area) == separator
                    || (serial + 1 < groups.size() && groups.separatorBefore(serial + 1) == separator)) {
                continue;
            }
            if (valid(groups.value(area), groups.value(group), groups.value(serial))) {
                out.add(new Finding(DetectorKind.SSN, null, groups.start(area), groups.end(serial)));
            }
        }
    }

    static boolean valid(int area, int group, int serial) {
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
    }
}
