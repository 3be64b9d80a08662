package dev.fraudmonitor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class IpAddressesTest {
    @Test
    void everyTextOfOneAddressBecomesOne() {
        String canonical = "2001:db8::1";
        for (String text :
                new String[] {
                    "2001:db8::1",
                    "2001:DB8::1",
                    "2001:0db8:0000:0000:0000:0000:0000:0001",
                    "2001:db8:0:0:0:0:0:1",
                    "2001:0DB8::0:1"
                }) {
            assertEquals(canonical, IpAddresses.normalize(text), text);
        }
    }

    @Test
    void ipv4MappedIpv6IsTheIpv4Address() {
        assertEquals("203.0.113.7", IpAddresses.normalize("::ffff:203.0.113.7"));
        assertEquals("203.0.113.7", IpAddresses.normalize("::FFFF:cb00:7107"));
        assertEquals("203.0.113.7", IpAddresses.normalize("0:0:0:0:0:ffff:203.0.113.7"));
        assertEquals("203.0.113.7", IpAddresses.normalize("203.0.113.7"));
    }

    @Test
    void theLongestRunOfZerosIsCompressedAndASingleZeroIsNot() {
        assertEquals("2001:db8:0:1:1:1:1:1", IpAddresses.normalize("2001:db8:0:1:1:1:1:1"));
        assertEquals("2001:0:0:1::1", IpAddresses.normalize("2001:0:0:1:0:0:0:1"));
        assertEquals("2001:db8::1:0:0:1", IpAddresses.normalize("2001:db8:0:0:1:0:0:1"));
        assertEquals("::", IpAddresses.normalize("0:0:0:0:0:0:0:0"));
        assertEquals("::1", IpAddresses.normalize("0:0:0:0:0:0:0:1"));
        assertEquals("fe80::", IpAddresses.normalize("FE80:0:0:0:0:0:0:0"));
    }

    @Test
    void whatIsNotAnAddressIsLeftAlone() {
        assertEquals("not-an-ip", IpAddresses.normalize("not-an-ip"));
        assertEquals(null, IpAddresses.normalize(null));
    }
}
