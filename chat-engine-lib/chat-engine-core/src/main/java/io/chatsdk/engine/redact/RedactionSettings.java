package io.chatsdk.engine.redact;

import com.google.i18n.phonenumbers.PhoneNumberUtil;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An app's redaction settings: the {@link RedactionPolicy}, which {@link DetectorKind}s are on, the region
 * phone numbers without a country code are read in, and the app's {@link CustomPattern}s. Every component is
 * validated on construction, with an {@link IllegalArgumentException} whose message starts with the field
 * path ({@code phone_region: ...}, {@code custom_patterns[2].pattern: ...}). Stored as JSON through
 * {@link #toMap()} and {@link #fromMap(Map)}:
 *
 * <pre>{@code
 * {"policy": "mask", "kinds": ["card", "ssn", "iban", "email", "phone", "custom"], "phone_region": "US",
 *  "custom_patterns": [{"name": "mrn", "pattern": "MRN-\\d{8}"}]}
 * }</pre>
 *
 * Immutable and thread-safe.
 *
 * @param policy what to do with findings
 * @param kinds the detectors that run; {@link DetectorKind#CUSTOM} turns all custom patterns on or off
 * @param phoneRegion an ISO 3166 region code libphonenumber knows, such as {@code US} or {@code GB};
 *     normalised to upper case
 * @param customPatterns at most {@value #MAX_CUSTOM_PATTERNS}, with distinct names
 */
public record RedactionSettings(RedactionPolicy policy, Set<DetectorKind> kinds, String phoneRegion,
                                List<CustomPattern> customPatterns) {
    public static final String DEFAULT_PHONE_REGION = "US";
    public static final int MAX_CUSTOM_PATTERNS = 20;
    /** Policy {@code off} (existing apps are unaffected), every kind on, region {@code US}, no custom patterns. */
    public static final RedactionSettings DEFAULT =
            new RedactionSettings(RedactionPolicy.OFF, EnumSet.allOf(DetectorKind.class), DEFAULT_PHONE_REGION, List.of());

    public RedactionSettings {
        if (policy == null) {
            throw new IllegalArgumentException("policy: is required");
        }
        kinds = Collections.unmodifiableSet(copyKinds(kinds));
        phoneRegion = checkRegion(phoneRegion);
        customPatterns = checkCustomPatterns(customPatterns);
    }

    /**
     * What a new app starts with: Luhn-valid card numbers masked (PCI DSS 3.4: no stored PAN in clear), every other
     * detector off. Apps created before this default keep what they had ({@link #DEFAULT} when nothing was set).
     */
    public static final RedactionSettings NEW_APP =
            new RedactionSettings(RedactionPolicy.MASK, EnumSet.of(DetectorKind.CARD), DEFAULT_PHONE_REGION, List.of());

    /** The {@link #DEFAULT} settings with another policy. */
    public static RedactionSettings of(RedactionPolicy policy) {
        return DEFAULT.withPolicy(policy);
    }

    public RedactionSettings withPolicy(RedactionPolicy newPolicy) {
        return new RedactionSettings(newPolicy, kinds, phoneRegion, customPatterns);
    }

    public RedactionSettings withKinds(Set<DetectorKind> newKinds) {
        return new RedactionSettings(policy, newKinds, phoneRegion, customPatterns);
    }

    public RedactionSettings withPhoneRegion(String newPhoneRegion) {
        return new RedactionSettings(policy, kinds, newPhoneRegion, customPatterns);
    }

    public RedactionSettings withCustomPatterns(List<CustomPattern> newCustomPatterns) {
        return new RedactionSettings(policy, kinds, phoneRegion, newCustomPatterns);
    }

    public boolean enabled(DetectorKind kind) {
        return kinds.contains(kind);
    }

    /** The JSON form: keys {@code policy}, {@code kinds}, {@code phone_region}, {@code custom_patterns}. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("policy", policy.wire());
        map.put("kinds", kinds.stream().map(DetectorKind::wire).toList());
        map.put("phone_region", phoneRegion);
        map.put("custom_patterns", customPatterns.stream()
                .map(p -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("name", p.name());
                    entry.put("pattern", p.regex());
                    return Collections.unmodifiableMap(entry);
                })
                .toList());
        return Collections.unmodifiableMap(map);
    }

    /**
     * Reads the JSON form written by {@link #toMap()}. A missing or {@code null} key takes its value from
     * {@link #DEFAULT}; an unknown key is an error, so that a misspelt setting is not silently ignored.
     *
     * @throws IllegalArgumentException whose message starts with the path of the offending field
     */
    public static RedactionSettings fromMap(Map<String, ?> map) {
        Objects.requireNonNull(map, "map");
        for (Object key : map.keySet()) {
            if (!List.of("policy", "kinds", "phone_region", "custom_patterns").contains(key)) {
                throw new IllegalArgumentException(key + ": is not a redaction setting"
                        + " (expected policy, kinds, phone_region, custom_patterns)");
            }
        }
        RedactionPolicy policy = map.get("policy") == null ? DEFAULT.policy
                : RedactionPolicy.fromWire("policy", string("policy", map.get("policy")));
        Set<DetectorKind> kinds = DEFAULT.kinds;
        if (map.get("kinds") != null) {
            kinds = EnumSet.noneOf(DetectorKind.class);
            List<?> names = list("kinds", map.get("kinds"));
            for (int i = 0; i < names.size(); i++) {
                String field = "kinds[" + i + "]";
                kinds.add(DetectorKind.fromWire(field, string(field, names.get(i))));
            }
        }
        String region = map.get("phone_region") == null ? DEFAULT.phoneRegion
                : string("phone_region", map.get("phone_region"));
        List<CustomPattern> patterns = new ArrayList<>();
        if (map.get("custom_patterns") != null) {
            List<?> entries = list("custom_patterns", map.get("custom_patterns"));
            if (entries.size() > MAX_CUSTOM_PATTERNS) {
                throw tooMany(entries.size());
            }
            for (int i = 0; i < entries.size(); i++) {
                String path = "custom_patterns[" + i + "]";
                if (!(entries.get(i) instanceof Map<?, ?> entry)) {
                    throw new IllegalArgumentException(path + ": must be an object with name and pattern");
                }
                for (Object key : entry.keySet()) {
                    if (!"name".equals(key) && !"pattern".equals(key)) {
                        throw new IllegalArgumentException(path + "." + key + ": is not a custom pattern field"
                                + " (expected name, pattern)");
                    }
                }
                String name = optionalString(path + ".name", entry.get("name"));
                String regex = optionalString(path + ".pattern", entry.get("pattern"));
                CustomPattern.compile(path, name, regex);
                patterns.add(new CustomPattern(name, regex));
            }
        }
        return new RedactionSettings(policy, kinds, region, patterns);
    }

    private static Set<DetectorKind> copyKinds(Set<DetectorKind> kinds) {
        if (kinds == null) {
            throw new IllegalArgumentException("kinds: is required (may be empty)");
        }
        EnumSet<DetectorKind> copy = EnumSet.noneOf(DetectorKind.class);
        for (DetectorKind kind : kinds) {
            if (kind == null) {
                throw new IllegalArgumentException("kinds: must not contain null");
            }
            copy.add(kind);
        }
        return copy;
    }

    private static String checkRegion(String region) {
        if (region == null || region.isEmpty()) {
            throw new IllegalArgumentException("phone_region: is required");
        }
        String upper = region.toUpperCase(Locale.ROOT);
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(upper)) {
            throw new IllegalArgumentException("phone_region: must be a two-letter region code such as US or GB");
        }
        return upper;
    }

    private static List<CustomPattern> checkCustomPatterns(List<CustomPattern> patterns) {
        if (patterns == null) {
            throw new IllegalArgumentException("custom_patterns: is required (may be empty)");
        }
        if (patterns.size() > MAX_CUSTOM_PATTERNS) {
            throw tooMany(patterns.size());
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < patterns.size(); i++) {
            CustomPattern pattern = patterns.get(i);
            if (pattern == null) {
                throw new IllegalArgumentException("custom_patterns[" + i + "]: must not be null");
            }
            if (!names.add(pattern.name())) {
                throw new IllegalArgumentException("custom_patterns[" + i + "].name: repeats an earlier name");
            }
        }
        return List.copyOf(patterns);
    }

    private static IllegalArgumentException tooMany(int count) {
        return new IllegalArgumentException("custom_patterns: at most " + MAX_CUSTOM_PATTERNS + " allowed, got " + count);
    }

    private static String string(String field, Object value) {
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException(field + ": must be a string");
        }
        return s;
    }

    private static String optionalString(String field, Object value) {
        return value == null ? null : string(field, value);
    }

    private static List<?> list(String field, Object value) {
        if (!(value instanceof Collection<?> collection)) {
            throw new IllegalArgumentException(field + ": must be an array");
        }
        return new ArrayList<>(collection); // keeps null elements, which are then reported by path
    }
}
