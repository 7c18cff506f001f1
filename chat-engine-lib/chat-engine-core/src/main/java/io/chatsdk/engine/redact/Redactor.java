package io.chatsdk.engine.redact;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Finds card numbers (PANs) and personal data in message text and, per the app's {@link RedactionPolicy},
 * masks them: the pure part of PCI DSS and HIPAA readiness, called before a message is stored, indexed,
 * published or logged.
 *
 * <pre>{@code
 * Redactor redactor = new Redactor(RedactionSettings.of(RedactionPolicy.MASK));
 * Redactor.Result result = redactor.redact("card 4111 1111 1111 1111, call (212) 555-0123");
 * result.text();     // "card 4111 11** **** 1111, call [phone]"
 * result.findings(); // [Finding[kind=CARD, ...], Finding[kind=PHONE, ...]]: offsets, never the matched text
 * }</pre>
 *
 * <p>What each detector accepts is described on {@link DetectorKind}, and in {@code docs/compliance.md}.
 * When two findings overlap, one wins and the other is dropped, by kind first: IBAN (a mod-97 check with an
 * exact per-country length is a far stronger signal than a card's Luhn digit, so a card-like run inside a
 * valid IBAN belongs to the IBAN, whose mask also hides more), then card, SSN, e-mail, custom pattern and
 * last phone (libphonenumber is lenient, and card numbers, SSNs and IBANs must keep their own masks); within
 * a kind the one that starts first wins, then the longer one, then the custom pattern listed first. Scanning is linear in the text: card numbers, SSNs and IBANs are found
 * by one hand-written pass over code points, e-mail addresses and custom patterns by RE2J, phone numbers by
 * libphonenumber. Offsets are UTF-16 indices into the string passed in.
 *
 * <p>Immutable and thread-safe: build one per app settings and reuse it from any thread. Building compiles
 * the custom patterns; scanning allocates only per call.
 */
public final class Redactor {
    /**
     * Local part (the RFC 5322 "atext" characters and dots), {@code @}, dot-separated domain labels and an
     * alphabetic top-level domain, letters and digits of any script; RE2J keeps even a crafted near-miss linear.
     */
    private static final Pattern EMAIL = Pattern.compile(
            "[\\p{L}\\p{N}.!#$%&'*+/=?^_`{|}~-]+"
            + "@(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?\\.)+\\p{L}{2,63}");
    private static final Comparator<Finding> BY_START = Comparator.comparingInt(Finding::start);

    private final RedactionSettings settings;
    private final List<Pattern> custom;
    private final Map<String, Integer> customOrder = new HashMap<>();
    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private final Comparator<Finding> precedence;

    public Redactor(RedactionSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        List<Pattern> compiled = new ArrayList<>();
        for (CustomPattern pattern : settings.customPatterns()) {
            customOrder.put(pattern.name(), compiled.size());
            compiled.add(pattern.compiled());
        }
        this.custom = List.copyOf(compiled);
        this.precedence = Comparator.comparingInt((Finding f) -> rank(f.kind()))
                .thenComparingInt(Finding::start)
                .thenComparing(Comparator.comparingInt(Finding::length).reversed())
                .thenComparingInt(f -> f.patternName() == null ? 0 : customOrder.get(f.patternName()));
    }

    public RedactionSettings settings() {
        return settings;
    }

    /**
     * Every finding of the enabled kinds, sorted by start and not overlapping, whatever the policy
     * (even {@code off}: asking is explicit).
     */
    public List<Finding> scan(String text) {
        Objects.requireNonNull(text, "text");
        List<Finding> candidates = new ArrayList<>();
        if (settings.enabled(DetectorKind.CARD) || settings.enabled(DetectorKind.SSN)) {
            DigitGroups groups = DigitGroups.of(text);
            if (settings.enabled(DetectorKind.CARD)) {
                CardNumbers.find(groups, candidates);
            }
            if (settings.enabled(DetectorKind.SSN)) {
                SocialSecurityNumbers.find(groups, candidates);
            }
        }
        if (settings.enabled(DetectorKind.IBAN)) {
            Ibans.find(text, candidates);
        }
        if (settings.enabled(DetectorKind.EMAIL)) {
            addMatches(EMAIL, DetectorKind.EMAIL, null, text, candidates);
        }
        if (settings.enabled(DetectorKind.CUSTOM)) {
            for (int i = 0; i < custom.size(); i++) {
                addMatches(custom.get(i), DetectorKind.CUSTOM, settings.customPatterns().get(i).name(), text, candidates);
            }
        }
        if (settings.enabled(DetectorKind.PHONE)) {
            for (PhoneNumberMatch match : phones.findNumbers(text, settings.phoneRegion(),
                    PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
                candidates.add(new Finding(DetectorKind.PHONE, null, match.start(), match.end()));
            }
        }
        return resolveOverlaps(candidates);
    }

    /**
     * Applies the policy to one text: {@code mask} returns the masked text and what was masked; {@code reject}
     * returns the text unchanged with the findings (the caller refuses the message if there are any);
     * {@code off} returns the text unchanged without scanning it.
     */
    public Result redact(String text) {
        Objects.requireNonNull(text, "text");
        return switch (settings.policy()) {
            case OFF -> new Result(text, List.of());
            case REJECT -> new Result(text, scan(text));
            case MASK -> {
                List<Finding> findings = scan(text);
                yield new Result(Masks.apply(text, findings), findings);
            }
        };
    }

    /** {@link #redactValue(String, Object)} from the root, so paths start with the top-level keys. */
    public ValueResult redactValue(Object value) {
        return redactValue("", value);
    }

    /**
     * Applies the policy to every string value of a JSON-like value: {@code Map}s (keys are kept and not
     * scanned), {@code List}s and {@code String}s, nested; other values (numbers, booleans, null) are kept as
     * they are. With {@code mask} the result is a new structure of unmodifiable maps (in the original order)
     * and lists; with {@code reject} and {@code off} it is the value passed in. Findings carry the path of
     * their string below {@code path}, for example {@code attachments[0].title} for
     * {@code redactValue("attachments", attachments)}.
     *
     * @throws IllegalArgumentException if the value nests deeper than 500 levels
     */
    public ValueResult redactValue(String path, Object value) {
        Objects.requireNonNull(path, "path");
        if (settings.policy() == RedactionPolicy.OFF) {
            return new ValueResult(value, List.of());
        }
        List<FieldFinding> findings = new ArrayList<>();
        Object result = new ValueWalk(this, settings.policy() == RedactionPolicy.MASK, findings).walk(path, value);
        return new ValueResult(result, List.copyOf(findings));
    }

    /** Precedence of a kind where findings overlap, lowest first; the reasons are in the class comment. */
    private static int rank(DetectorKind kind) {
        return switch (kind) {
            case IBAN -> 0;
            case CARD -> 1;
            case SSN -> 2;
            case EMAIL -> 3;
            case CUSTOM -> 4;
            case PHONE -> 5;
        };
    }

    private static void addMatches(Pattern pattern, DetectorKind kind, String name, String text, List<Finding> out) {
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            // An expression such as \b can match the empty string in context; there is nothing to mask.
            if (matcher.end() > matcher.start()) {
                out.add(new Finding(kind, name, matcher.start(), matcher.end()));
            }
        }
    }

    /** Keeps the winners by precedence, each one dropping whatever it overlaps; returns them sorted by start. */
    private List<Finding> resolveOverlaps(List<Finding> candidates) {
        if (candidates.size() <= 1) {
            return List.copyOf(candidates);
        }
        candidates.sort(precedence);
        TreeMap<Integer, Finding> kept = new TreeMap<>();
        for (Finding candidate : candidates) {
            // Kept findings are disjoint, so only the last one starting before the candidate ends can overlap it.
            Map.Entry<Integer, Finding> before = kept.lowerEntry(candidate.end());
            if (before == null || !before.getValue().overlaps(candidate)) {
                kept.put(candidate.start(), candidate);
            }
        }
        List<Finding> result = new ArrayList<>(kept.values());
        result.sort(BY_START);
        return List.copyOf(result);
    }

    /**
     * The outcome of {@link #redact(String)}: the text to store (masked under {@code mask}) and the findings,
     * with offsets into the text that was passed in. Immutable.
     */
    public record Result(String text, List<Finding> findings) {
        public Result {
            Objects.requireNonNull(text, "text");
            findings = List.copyOf(findings);
        }

        public boolean hasFindings() {
            return !findings.isEmpty();
        }
    }

    /**
     * The outcome of {@link #redactValue(String, Object)}: the value to store and the findings with their paths.
     * Immutable when the policy is {@code mask}; otherwise {@code value} is the caller's own object.
     */
    public record ValueResult(Object value, List<FieldFinding> findings) {
        public ValueResult {
            findings = List.copyOf(findings);
        }

        public boolean hasFindings() {
            return !findings.isEmpty();
        }
    }
}
