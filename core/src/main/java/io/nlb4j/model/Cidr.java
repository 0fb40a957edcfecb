package io.nlb4j.model;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address block in CIDR notation, such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}.
 * A bare address means a single host ({@code /32} or {@code /128}). Parsing never performs a DNS look-up.
 * IPv4 parts are decimal without leading zeros ({@code 010.0.0.1} is rejected, since some tools read it as octal).
 */
public final class Cidr {

    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private Cidr(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /** Every IPv4 address: {@code 0.0.0.0/0}. */
    public static final String ANY_IPV4 = "0.0.0.0/0";
    /** Every IPv6 address: {@code ::/0}. */
    public static final String ANY_IPV6 = "::/0";

    /**
     * Parses a CIDR block.
     *
     * @param text {@code address/prefix} or a bare address
     * @return the block; host bits in the address are ignored when matching
     * @throws IllegalArgumentException naming the text and the expected form if it is not a CIDR block
     */
    public static Cidr parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.trim();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        byte[] address = parseAddress(addressPart);
        if (address == null) {
            throw invalid(text);
        }
        int max = address.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Cidr::isAsciiDigit)) {
                throw invalid(text);
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw invalid(text);
            }
        }
        return new Cidr(mask(address, prefix), prefix, s);
    }

    /**
     * Tells whether the text is a valid CIDR block.
     *
     * @param text the text to check
     * @return {@code true} if {@link #parse(String)} would accept it
     */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Tells whether an address lies in this block. IPv4 blocks match only IPv4 addresses and IPv6 blocks
     * only IPv6 addresses (IPv4-mapped IPv6 addresses arrive from the JDK as IPv4 addresses).
     *
     * @param address the address to test
     * @return {@code true} if it is in the block
     */
    public boolean contains(InetAddress address) {
        byte[] a = Objects.requireNonNull(address, "address").getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int m = (0xff << (8 - rest)) & 0xff;
        return (a[full] & m) == (network[full] & m);
    }

    /**
     * Returns the prefix length.
     *
     * @return 0-32 for IPv4, 0-128 for IPv6
     */
    public int prefixLength() {
        return prefixLength;
    }

    /**
     * Tells whether this is an IPv4 block.
     *
     * @return {@code true} for IPv4, {@code false} for IPv6
     */
    public boolean isIpv4() {
        return network.length == 4;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr && ((Cidr) o).prefixLength == prefixLength
                && Arrays.equals(((Cidr) o).network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        return text;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & ((0xff << (8 - bits)) & 0xff));
        }
        return out;
    }

    private static byte[] parseAddress(String s) {
        if (s.isEmpty()) {
            return null;
        }
        if (s.indexOf(':') >= 0) {
            if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return null;
            }
            try {
                // A literal containing ':' is parsed as IPv6 by the JDK, without any look-up.
                InetAddress a = InetAddress.getByName(s);
                return a instanceof Inet4Address ? null : a.getAddress();
            } catch (UnknownHostException | SecurityException e) {
                return null;
            }
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Cidr::isAsciiDigit)
                    || (p.length() > 1 && p.charAt(0) == '0')) { // 010 is 8 to inet_aton, 10 to others
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /** Only 0-9: {@link Character#isDigit(char)} and {@link Integer#parseInt(String)} also take other scripts' digits. */
    private static boolean isAsciiDigit(int c) {
        return c >= '0' && c <= '9';
    }

        private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("\"" + text
                + "\" (expected: an IPv4 or IPv6 CIDR block such as 10.0.0.0/8 or 2001:db8::/32)");
    }
}
