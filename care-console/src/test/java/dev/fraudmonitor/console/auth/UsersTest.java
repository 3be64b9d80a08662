package dev.fraudmonitor.console.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersTest {
    @TempDir Path dir;

    @Test
    void checksBcryptHashesAndReadsTheFileAgainWhenItChanges() throws Exception {
        Path file = dir.resolve("users.txt");
        Files.writeString(
                file, "# reps\nanna rep " + Passwords.hash("anna's long password", 4) + "\n");
        Users users = new Users(file);
        assertEquals(
                Role.REP, users.authenticate("anna", "anna's long password").orElseThrow().role());
        assertTrue(users.authenticate("anna", "wrong").isEmpty());
        assertTrue(users.authenticate("nobody", "anna's long password").isEmpty());

        Files.writeString(file, "bob admin " + Passwords.hash("bob's long password", 4) + "\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertTrue(users.authenticate("anna", "anna's long password").isEmpty(), "removed user");
        assertEquals(
                Role.ADMIN, users.authenticate("bob", "bob's long password").orElseThrow().role());
    }

    @Test
    void aBadLineSaysWhatIsExpected() throws Exception {
        Path file = dir.resolve("users.txt");
        Files.writeString(file, "anna rep plaintext-password\n");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new Users(file));
        assertTrue(
                e.getMessage().contains("line 1") && e.getMessage().contains("hash-password"),
                e.getMessage());
    }
}
