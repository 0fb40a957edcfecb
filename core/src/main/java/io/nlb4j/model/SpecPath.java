package io.nlb4j.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a path names a field or a map entry, in violations and in the problems of configuration files alike:
 * {@code parent.key} when the key is a plain identifier (a letter or {@code _}, then letters, digits, {@code _} or
 * {@code -}), and {@code parent["key"]} otherwise: the key in quotes, with {@code "} and {@code \} escaped by a
 * backslash, and control characters, line separators, unpaired surrogates and U+FFFE/U+FFFF written as values are
 * shown (backslash and {@code n}, {@code r}, {@code t}, or {@code u} and four hex digits). So no key can pass for
 * another path, nor for none: {@code placement[""]}, {@code placement["a.b"]}, {@code ["listeners[0]"]},
 * {@code environment["A=B"]}. A key longer than {@value SpecValidationException#MAX_VALUE_LENGTH} characters is cut
 * there and followed by its length, as values are: {@code environment.KKKK…(1000 characters)},
 * {@code labels["a b…"…(1000 characters)]}.
 */
public final class SpecPath {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private SpecPath() {
    }

    /**
     * Returns the path of a field or map entry.
     *
     * @param parent the path of the object or map holding it, such as {@code listeners[0]}; empty for the root
     * @param key the field's name or the entry's key, as given
     * @return {@code parent.key}, or {@code parent["key"]} for a key that is not a plain identifier
     * @throws NullPointerException if an argument is {@code null}
     */
    public static String of(String parent, String key) {
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(key, "key");
        if (PLAIN.matcher(key).matches()) {
            String shown = SpecValidator.abbreviate(key);
            return parent.isEmpty() ? shown : parent + '.' + shown;
        }
        return parent + '[' + quoted(key) + ']';
    }

    /** A key in quotes, escaped and cut as {@link SpecValidator#quote(String)} shows a value. */
    private static String quoted(String key) {
        boolean cut = key.length() > SpecValidationException.MAX_VALUE_LENGTH;
        String shown = cut ? SpecValidator.prefix(key) : key;
        String escaped = SpecValidator.escape(shown.replace("\\", "\\\\").replace("\"", "\\\""));
        return '"' + escaped + '"' + (cut ? "…(" + key.length() + " characters)" : "");
    }
}
