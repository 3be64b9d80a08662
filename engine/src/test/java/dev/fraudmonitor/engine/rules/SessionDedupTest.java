package dev.fraudmonitor.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class SessionDedupTest {

    @Test
    void everyIdIsNewOnceAndARepeatOnAfterTheTableGrew() {
        SessionState st = new SessionState();
        String[] ids = new String[5_000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8)}).toString();
            assertTrue(st.firstSighting(ids[i]), "new id " + i);
            assertFalse(st.firstSighting(ids[i]), "immediate repeat " + i);
        }
        for (int i = 0; i < ids.length; i++) {
            assertFalse(st.firstSighting(ids[i]), "repeat after growth " + i);
        }
        assertEquals(ids.length, st.seenCount);
        assertEquals(8_192, st.seenIds.length, "kept at most three quarters full");
    }

    @Test
    void aNewSessionHoldsASmallTable() {
        SessionState st = new SessionState();
        assertTrue(st.firstSighting("e-1"));
        assertEquals(4, st.seenIds.length);
        assertEquals(1, st.seenCount);
    }
}
