package io.nlb4j.healthcheck;

import java.util.List;

/** The accepted HTTP status codes of a check, from {@code 200}, {@code 2xx} and {@code 200-299} forms. */
final class StatusMatcher {

    private final boolean[] accepted = new boolean[600];

    StatusMatcher(List<String> specs) {
        for (String s : specs) {
            if (s.endsWith("xx")) {
                int base = (s.charAt(0) - '0') * 100;
                for (int c = base; c < base + 100; c++) {
                    accepted[c] = true;
                }
            } else if (s.indexOf('-') > 0) {
                int dash = s.indexOf('-');
                int from = Integer.parseInt(s.substring(0, dash));
                int to = Integer.parseInt(s.substring(dash + 1));
                for (int c = from; c <= to && c < 600; c++) {
                    accepted[c] = true;
                }
            } else {
                accepted[Integer.parseInt(s)] = true;
            }
        }
    }

    boolean matches(int status) {
        return status >= 0 && status < 600 && accepted[status];
    }
}
