package dev.fraudmonitor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CaseNoticeTest {

    @Test
    void aRepIsToldOfACaseWhenItOpensAndWhenItIsRaisedToHoldOnly() {
        assertEquals(CaseNotice.NEW_CASE, CaseNotice.of(null, Action.REVIEW));
        assertEquals(CaseNotice.NEW_CASE, CaseNotice.of(null, Action.HOLD));
        assertEquals(CaseNotice.ESCALATION, CaseNotice.of(Action.REVIEW, Action.HOLD));
        assertEquals(CaseNotice.UPDATE, CaseNotice.of(Action.REVIEW, Action.REVIEW));
        assertEquals(CaseNotice.UPDATE, CaseNotice.of(Action.HOLD, Action.HOLD));
        assertEquals(CaseNotice.UPDATE, CaseNotice.of(Action.HOLD, Action.REVIEW));
        assertTrue(CaseNotice.NEW_CASE.notifies());
        assertTrue(CaseNotice.ESCALATION.notifies());
        assertFalse(CaseNotice.UPDATE.notifies());
    }
}
