package dev.fraudmonitor.model;

/**
 * {@code data} of a PAGE_VIEW event; browsing before an order is what tells people from bots.
 *
 * @param page path of the page
 * @param referrer may be null
 */
public record PageViewData(String page, String referrer) implements EventData {}
