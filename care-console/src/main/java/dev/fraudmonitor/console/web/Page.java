package dev.fraudmonitor.console.web;

/** What every page shows around its content: who is logged in, the CSRF token, a message. */
public record Page(
        String title, String user, String role, String csrf, String message, String error) {
    public boolean loggedIn() {
        return user != null;
    }
}
