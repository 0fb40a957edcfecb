package io.nlb4j.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The placeholder syntax of process launchers, in one place for validation and substitution alike: a
 * {@code {name}} naming one of {@link ProcessLauncher#PLACEHOLDERS} is replaced by that value,
 * <code>&#123;&#123;</code> is a literal <code>&#123;</code> and <code>&#125;&#125;</code> a literal
 * <code>&#125;</code>; any other brace (an unknown or misspelled name such as {@code {prot}}, an empty
 * {@code {}}, a <code>&#123;</code> never closed, a lone <code>&#125;</code>) makes the text invalid.
 */
final class Placeholders {

    /** What a text holding placeholders must be, as violations say it. */
    static final String EXPECTED = "placeholders among {port}, {host}, {instanceId}, {zone}, {group};"
            + " {{ and }} for literal braces";

    /** A value for every placeholder, to check a text without an instance. */
    private static final Map<String, String> ANY = any();

    private Placeholders() {
    }

    private static Map<String, String> any() {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : ProcessLauncher.PLACEHOLDERS) {
            values.put(name, "");
        }
        return Map.copyOf(values);
    }

    /** Tells whether a text is well formed: every brace is a known placeholder's or an escaped one. */
    static boolean valid(String text) {
        return expand(text, ANY) != null;
    }

    /**
     * Replaces the placeholders of a text.
     *
     * @param text the text
     * @param values the value of each placeholder name
     * @return the text with every placeholder replaced and escaped braces unescaped, or {@code null} if the text is
     *         not well formed
     */
    static String expand(String text, Map<String, String> values) {
        if (text.indexOf('{') < 0 && text.indexOf('}') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '{' || c == '}') {
                if (i + 1 < n && text.charAt(i + 1) == c) { // {{ or }}
                    out.append(c);
                    i += 2;
                    continue;
                }
                if (c == '}') {
                    return null;
                }
                int close = text.indexOf('}', i + 1);
                String value = close < 0 ? null : values.get(text.substring(i + 1, close));
                if (value == null) {
                    return null;
                }
                out.append(value);
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The values of an instance's placeholders. */
    static Map<String, String> of(InstanceContext instance) {
        return Map.of("port", Integer.toString(instance.port()), "host", instance.host(),
                "instanceId", instance.instanceId(), "zone", instance.zone(), "group", instance.group());
    }
}
