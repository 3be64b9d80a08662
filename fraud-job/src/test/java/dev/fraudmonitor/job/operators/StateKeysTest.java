package dev.fraudmonitor.job.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StateKeysTest {
    /**
     * Every savepoint's state sits under these keys: a change to the function strands it. The first
     * 64 bits of SHA-256("abc") are FIPS 180-2's published test vector.
     */
    @Test
    void keysAreTheFirst64BitsOfTheSha256Digest() {
        assertEquals(0xba7816bf8f01cfeaL, StateKeys.of("abc"));
        assertEquals(0xe3b0c44298fc1c14L, StateKeys.of(""));
    }

    @Test
    void valuesAreDigestedAsUtf8() {
        // The digest of the bytes c3 a9 (printf 'é' | sha256sum), not of a UTF-16 or Latin-1 form.
        assertEquals(0x4a99557e4033c353L, StateKeys.of("\u00e9"));
    }

    @Test
    void similarValuesGetDistinctKeys() {
        Set<Long> keys = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            keys.add(StateKeys.of("IP|10.0." + (i >> 8) + "." + (i & 0xFF)));
        }
        assertEquals(200_000, keys.size());
    }
}
