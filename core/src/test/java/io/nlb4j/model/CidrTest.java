package io.nlb4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    /** An address from its bytes: no name service is involved. */
    private static InetAddress ip(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** An address from a literal; literals are parsed, never looked up. */
    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void parsesAnIpv4Block() {
        Cidr cidr = Cidr.parse("10.0.0.0/8");
        assertThat(cidr.isIpv4()).isTrue();
        assertThat(cidr.prefixLength()).isEqualTo(8);
        assertThat(cidr).hasToString("10.0.0.0/8");
        assertThat(cidr.contains(ip(10, 0, 0, 0))).isTrue();
        assertThat(cidr.contains(ip(10, 255, 255, 255))).isTrue();
        assertThat(cidr.contains(ip(11, 0, 0, 0))).isFalse();
        assertThat(cidr.contains(ip(9, 255, 255, 255))).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "192.168.4.0/22,   192.168.4.0,     true",
            "192.168.4.0/22,   192.168.7.255,   true",
            "192.168.4.0/22,   192.168.8.0,     false",
            "192.168.4.0/22,   192.168.3.255,   false",
            "172.16.0.0/12,    172.31.1.1,      true",
            "172.16.0.0/12,    172.32.0.0,      false",
            "10.1.2.3/31,      10.1.2.2,        true",
            "10.1.2.3/31,      10.1.2.4,        false",
            "192.168.1.7,      192.168.1.7,     true",
            "192.168.1.7,      192.168.1.8,     false",
            "192.168.1.7/32,   192.168.1.6,     false",
            "2001:db8::/32,    2001:db8:ffff::1, true",
            "2001:db8::/32,    2001:db9::,      false",
            "2001:db8::/33,    2001:db8:7fff::, true",
            "2001:db8::/33,    2001:db8:8000::, false",
            "fd00::/8,         fdff::1,         true",
            "fd00::/8,         fe80::1,         false",
            "::1,              ::1,             true",
            "::1,              ::2,             false",
            "64:ff9b::1.2.3.4/128, 64:ff9b::102:304, true",
    })
    void containsExactlyTheAddressesUnderThePrefix(String block, String address, boolean inside) {
        assertThat(Cidr.parse(block).contains(ip(address))).isEqualTo(inside);
    }

    @Test
    void aBareAddressIsASingleHost() {
        assertThat(Cidr.parse("192.168.1.7").prefixLength()).isEqualTo(32);
        assertThat(Cidr.parse("192.168.1.7")).isEqualTo(Cidr.parse("192.168.1.7/32"));
        assertThat(Cidr.parse("2001:db8::1").prefixLength()).isEqualTo(128);
        assertThat(Cidr.parse("2001:db8::1").isIpv4()).isFalse();
    }

    @Test
    void hostBitsAreIgnoredWhenMatching() {
        Cidr withHostBits = Cidr.parse("10.1.2.3/8");
        assertThat(withHostBits).isEqualTo(Cidr.parse("10.0.0.0/8")).hasSameHashCodeAs(Cidr.parse("10.0.0.0/8"));
        assertThat(withHostBits).hasToString("10.1.2.3/8"); // the text as written
        assertThat(withHostBits.contains(ip(10, 200, 0, 1))).isTrue();
        assertThat(withHostBits.contains(ip(11, 1, 2, 3))).isFalse();

        Cidr v6 = Cidr.parse("2001:db8::dead:beef/32");
        assertThat(v6).isEqualTo(Cidr.parse("2001:db8::/32"));
        assertThat(v6.contains(ip("2001:db8:1::"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8")).isNotEqualTo(Cidr.parse("10.0.0.0/9"));
    }

    @Test
    void slashZeroMatchesEveryAddressOfItsFamilyOnly() {
        Cidr anyV4 = Cidr.parse(Cidr.ANY_IPV4);
        assertThat(anyV4.prefixLength()).isZero();
        assertThat(anyV4.contains(ip(0, 0, 0, 0))).isTrue();
        assertThat(anyV4.contains(ip(1, 2, 3, 4))).isTrue();
        assertThat(anyV4.contains(ip(255, 255, 255, 255))).isTrue();
        assertThat(anyV4.contains(ip("::1"))).isFalse();
        assertThat(Cidr.parse("1.2.3.4/0")).isEqualTo(anyV4);

        Cidr anyV6 = Cidr.parse(Cidr.ANY_IPV6);
        assertThat(anyV6.isIpv4()).isFalse();
        assertThat(anyV6.contains(ip("::1"))).isTrue();
        assertThat(anyV6.contains(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(anyV6.contains(ip(127, 0, 0, 1))).isFalse();
        // An IPv4-mapped IPv6 address comes from the JDK as IPv4, so the IPv4 rules apply to it.
        assertThat(anyV4.contains(ip("::ffff:10.0.0.1"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8/8", "10.0.0.0/1000",
            "10.0.0.0/0x8", "10.0.0.0 /8", "10.0.0/8", "10.0.0.0.0/8", "256.0.0.0/8", "10.0.0.-1", "10..0.0/8",
            "010.0.0.0/8", "1e1.0.0.0/8", "\u0661\u0660.0.0.0/8",
            "2001:db8::/129", "2001::db8::/32", "2001:db8::g/32", "1:2:3:4:5:6:7:8:9/64", "fe80::1%eth0/64",
            "2001:db8::/", ":::/0", "beef:cafe",
            "localhost", "localhost/8", "example.com", "office.example.com/24", "a.b.c.d/8"})
    void rejectsWhatIsNotACidrBlock(String text) {
        assertThat(Cidr.isValid(text)).isFalse();
        assertThatThrownBy(() -> Cidr.parse(text))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"" + text + "\" (expected: an IPv4 or IPv6 CIDR block such as 10.0.0.0/8 or 2001:db8::/32)");
    }

    @Test
    void neverResolvesHostNames() {
        // "localhost" resolves without any network, from the hosts file; a parser that looked names up would
        // accept it as 127.0.0.1 or ::1.
        assertThat(Cidr.isValid("localhost")).isFalse();
        assertThat(Cidr.isValid(InetAddress.getLoopbackAddress().getHostAddress())).isTrue();
        assertThatThrownBy(() -> Cidr.parse("localhost/32")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsSurroundingSpacesAndLeadingZerosInThePrefix() {
        assertThat(Cidr.parse(" 10.0.0.0/8 ")).isEqualTo(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse("10.0.0.0/08").prefixLength()).isEqualTo(8);
        assertThat(Cidr.parse("0.0.0.0/32").contains(ip(0, 0, 0, 0))).isTrue();
    }

    @Test
    void nullIsRejected() {
        assertThatNullPointerException().isThrownBy(() -> Cidr.parse(null));
    }
}
